// Replicas of a global table in the reconciler: their status lines, and their removal before the table
// is deleted (deletionPolicy Delete). AWS takes one replica action per UpdateTable and only while the
// table and its replicas are ACTIVE, so each reconcile sends at most one Delete and comes back after
// the deletion poll delay. Retain and Orphan never reach here: the replicas stay with the table.
import { UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import type { AwsReplicaDescription } from '@dynamodb-operator/api';
import type { ProviderClients } from '../aws/clients.ts';
import { awsErrorName } from '../aws/errors.ts';
import type { TableRun } from './table-context.ts';

/** One entry of status.replicas. */
export interface ReplicaStatus {
  regionName: string;
  status: string;
  statusDescription?: string;
  percentProgress?: string;
  tableClass?: string;
  /** Read in the replica's region when the spec sets it (table-replica-settings.ts). */
  deletionProtectionEnabled?: boolean;
  pointInTimeRecovery?: boolean;
}

/** status.replicas from DescribeTable's Replicas; undefined when there are none. */
export function replicaStatuses(list: AwsReplicaDescription[] | undefined): ReplicaStatus[] | undefined {
  if (!list?.length) return undefined;
  return list.map((r) => {
    const out: ReplicaStatus = { regionName: r.RegionName ?? '', status: r.ReplicaStatus ?? 'ACTIVE' };
    if (r.ReplicaStatusDescription) out.statusDescription = r.ReplicaStatusDescription;
    if (r.ReplicaStatusPercentProgress) out.percentProgress = r.ReplicaStatusPercentProgress;
    if (r.ReplicaTableClassSummary?.TableClass) out.tableClass = r.ReplicaTableClassSummary.TableClass;
    return out;
  });
}

/** What to do about replicas before DeleteTable: nothing left, wait, or the region just sent. */
export type ReplicaRemoval =
  { kind: 'none' } | { kind: 'wait'; reason: string } | { kind: 'delete'; regionName: string };

/** Pure: the next replica to remove, when the table and every replica are ACTIVE. */
export function nextReplicaRemoval(tableStatus: string | undefined, replicas: AwsReplicaDescription[]): ReplicaRemoval {
  const left = replicas.filter((r) => r.ReplicaStatus !== 'DELETING');
  if (replicas.length === 0) return { kind: 'none' };
  const busy = replicas.filter((r) => r.ReplicaStatus !== 'ACTIVE' && r.ReplicaStatus !== 'CREATION_FAILED');
  if (tableStatus !== 'ACTIVE' || busy.length > 0 || left.length === 0) {
    const what = busy.map((r) => `replica ${r.RegionName ?? '?'} is ${r.ReplicaStatus ?? '?'}`);
    const table = tableStatus === 'ACTIVE' ? [] : [`table is ${tableStatus ?? '?'}`];
    return { kind: 'wait', reason: [...table, ...what].join(', ') || 'a replica is being deleted' };
  }
  const first = [...left].sort((a, b) => ((a.RegionName ?? '') < (b.RegionName ?? '') ? -1 : 1))[0];
  return { kind: 'delete', regionName: first?.RegionName ?? '' };
}

/**
 * One step of removing the replicas of a table being deleted. Returns a message for status while
 * replicas remain (the caller requeues), or undefined when none is left and DeleteTable may go.
 */
export async function removeReplicasStep(
  run: TableRun,
  c: ProviderClients,
  table: string,
  tableStatus: string | undefined,
  replicas: AwsReplicaDescription[] | undefined,
): Promise<string | undefined> {
  const next = nextReplicaRemoval(tableStatus, replicas ?? []);
  if (next.kind === 'none') return undefined;
  if (next.kind === 'wait') return `removing the replicas of ${table} first: ${next.reason}`;
  try {
    await c.dynamodb.send(
      new UpdateTableCommand({ TableName: table, ReplicaUpdates: [{ Delete: { RegionName: next.regionName } }] }),
      { abortSignal: run.d.gate.signal() },
    );
  } catch (err) {
    // Another change got there first: the next reconcile looks again.
    if (awsErrorName(err) === 'ResourceInUseException') return `removing the replicas of ${table} first: busy`;
    throw err;
  }
  run.d.events.emit(run.obj, 'Normal', 'ReplicaDeleting', `deleting the replica of ${table} in ${next.regionName}`);
  return `removing the replicas of ${table} first: deleting the one in ${next.regionName}`;
}
