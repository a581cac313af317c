// Deletion protection and point-in-time recovery of each replica: AWS keeps them on the replica's own
// table in its region (not in ReplicaUpdates), so they are read and set there, with the provider's
// credentials (ProviderClients.dynamodbIn), once the replica is ACTIVE. Read on full observations only
// (spec change, first sync, the drift-check rotation's full turns); between them status keeps the last
// values read. A replica whose spec sets neither costs no call.
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import type { AwsReplicaDescription, Replica, TableModel } from '@dynamodb-operator/api';
import type { ProviderClients } from '../aws/clients.ts';
import type { ReplicaStatus } from './table-replicas.ts';
import type { TableRun } from './table-context.ts';

export interface ReplicaSettings {
  deletionProtectionEnabled?: boolean;
  pointInTimeRecovery?: boolean;
}

/** A call to the replica's own table. */
export type ReplicaSettingCall =
  | { operation: 'UpdateTable'; deletionProtectionEnabled: boolean }
  | { operation: 'UpdateContinuousBackups'; pointInTimeRecovery: boolean };

/** Pure: the calls that bring a replica's table to the spec; none for a setting the spec leaves out. */
export function replicaSettingCalls(want: Replica, have: ReplicaSettings): ReplicaSettingCall[] {
  const out: ReplicaSettingCall[] = [];
  if (want.deletionProtectionEnabled !== undefined && want.deletionProtectionEnabled !== have.deletionProtectionEnabled)
    out.push({ operation: 'UpdateTable', deletionProtectionEnabled: want.deletionProtectionEnabled });
  if (want.pointInTimeRecovery !== undefined && want.pointInTimeRecovery !== have.pointInTimeRecovery)
    out.push({ operation: 'UpdateContinuousBackups', pointInTimeRecovery: want.pointInTimeRecovery });
  return out;
}

const previousOf = (previous: unknown): Map<string, ReplicaStatus> =>
  new Map((Array.isArray(previous) ? (previous as ReplicaStatus[]) : []).map((p) => [p.regionName, p] as const));

/**
 * Pure: status.replicas with the settings the spec manages: read now, or else the last values read
 * (status keeps them between full observations). A setting the spec leaves out is not shown.
 */
export function withReplicaSettings(
  statuses: ReplicaStatus[] | undefined,
  read: Map<string, ReplicaSettings>,
  previous: unknown,
  spec: readonly Replica[] | undefined,
): ReplicaStatus[] | undefined {
  if (!statuses) return undefined;
  const before = previousOf(previous);
  const wanted = new Map((spec ?? []).map((r) => [r.regionName, r]));
  return statuses.map((s) => {
    const got = read.get(s.regionName) ?? before.get(s.regionName) ?? {};
    const w = wanted.get(s.regionName);
    const out: ReplicaStatus = { ...s };
    if (w?.deletionProtectionEnabled !== undefined && got.deletionProtectionEnabled !== undefined)
      out.deletionProtectionEnabled = got.deletionProtectionEnabled;
    if (w?.pointInTimeRecovery !== undefined && got.pointInTimeRecovery !== undefined)
      out.pointInTimeRecovery = got.pointInTimeRecovery;
    return out;
  });
}

/** Pure: an ACTIVE replica whose managed settings status has not shown yet (read it now, not at the next full turn). */
export function replicaSettingsUnread(
  spec: readonly Replica[] | undefined,
  replicas: AwsReplicaDescription[] | undefined,
  previous: unknown,
): boolean {
  const before = previousOf(previous);
  const active = new Set((replicas ?? []).filter((r) => r.ReplicaStatus === 'ACTIVE').map((r) => r.RegionName));
  return (spec ?? []).some((r) => {
    if (!active.has(r.regionName)) return false;
    const p = before.get(r.regionName);
    return (
      (r.deletionProtectionEnabled !== undefined && p?.deletionProtectionEnabled !== r.deletionProtectionEnabled) ||
      (r.pointInTimeRecovery !== undefined && p?.pointInTimeRecovery !== r.pointInTimeRecovery)
    );
  });
}

/** Regions whose settings status already showed (set by an earlier reconcile). */
const knownOf = (run: TableRun): Record<string, ReplicaStatus> =>
  Object.fromEntries(previousOf(run.status.replicas).entries());

async function readSettings(
  c: ProviderClients,
  table: string,
  r: Replica,
  signal: AbortSignal,
): Promise<ReplicaSettings> {
  const ddb = c.dynamodbIn(r.regionName);
  const out: ReplicaSettings = {};
  if (r.deletionProtectionEnabled !== undefined) {
    const d = await ddb.send(new DescribeTableCommand({ TableName: table }), { abortSignal: signal });
    out.deletionProtectionEnabled = d.Table?.DeletionProtectionEnabled === true;
  }
  if (r.pointInTimeRecovery !== undefined) {
    const b = await ddb.send(new DescribeContinuousBackupsCommand({ TableName: table }), { abortSignal: signal });
    const s = b.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus;
    out.pointInTimeRecovery = s === 'ENABLED';
  }
  return out;
}

/**
 * Reads and repairs the settings of each ACTIVE replica of the spec that sets one. Returns the settings
 * each now has (after the calls), by region.
 */
export async function syncReplicaSettings(
  run: TableRun,
  model: TableModel,
  c: ProviderClients,
  replicas: AwsReplicaDescription[] | undefined,
): Promise<Map<string, ReplicaSettings>> {
  const read = new Map<string, ReplicaSettings>();
  const active = new Set((replicas ?? []).filter((r) => r.ReplicaStatus === 'ACTIVE').map((r) => r.RegionName));
  const table = model.tableName;
  for (const r of model.replicas ?? []) {
    if (!active.has(r.regionName)) continue;
    if (r.deletionProtectionEnabled === undefined && r.pointInTimeRecovery === undefined) continue;
    const have = await readSettings(c, table, r, run.d.gate.signal());
    const ddb = c.dynamodbIn(r.regionName);
    const calls = replicaSettingCalls(r, have);
    // The spec was already in sync: a difference now was made outside Kubernetes.
    if (calls.length > 0 && r.regionName in knownOf(run) && run.status.syncedGeneration === run.obj.metadata.generation)
      run.d.events.emit(
        run.obj,
        'Warning',
        'DriftDetected',
        `replica of ${table} in ${r.regionName} changed outside Kubernetes (${calls.map((x) => x.operation).join(', ')}), repairing`,
      );
    for (const call of calls) {
      if (call.operation === 'UpdateTable') {
        await ddb.send(
          new UpdateTableCommand({ TableName: table, DeletionProtectionEnabled: call.deletionProtectionEnabled }),
          { abortSignal: run.d.gate.signal() },
        );
        have.deletionProtectionEnabled = call.deletionProtectionEnabled;
      } else {
        await ddb.send(
          new UpdateContinuousBackupsCommand({
            TableName: table,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: call.pointInTimeRecovery },
          }),
          { abortSignal: run.d.gate.signal() },
        );
        have.pointInTimeRecovery = call.pointInTimeRecovery;
      }
      const what =
        call.operation === 'UpdateTable'
          ? `deletion protection ${call.deletionProtectionEnabled ? 'on' : 'off'}`
          : `point-in-time recovery ${call.pointInTimeRecovery ? 'on' : 'off'}`;
      run.d.events.emit(run.obj, 'Normal', 'ReplicaUpdated', `replica of ${table} in ${r.regionName}: ${what}`);
      run.log.info({ table, region: r.regionName, operation: call.operation }, `replica ${what}`);
    }
    read.set(r.regionName, have);
  }
  return read;
}
