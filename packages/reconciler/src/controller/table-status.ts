// The status of a table object, pure: from what DescribeTable said and the previous status to the
// next status. Conditions: Ready (summary), Synced (spec applied), Terminal (needs a human) for people;
// Reconciling and Stalled, derived from those three in one place (kstatusConditions), for GitOps tools
// that judge readiness with kstatus (Flux, kpt, Argo CD via health checks).
import type {
  AwsOnDemandThroughputOut,
  AwsReplicaDescription,
  AwsWarmThroughputOut,
  Condition,
} from '@dynamodb-operator/api';
import type { RestoreSummary } from '@aws-sdk/client-dynamodb';
import type { ConditionInput } from './conditions.ts';
import { restoreStatus } from './create-from-status.ts';
import { replicaStatuses } from './table-replicas.ts';
import type { ReplicaStatus } from './table-replicas.ts';
import { getCondition, setCondition } from './conditions.ts';

export interface DescribedTable {
  TableArn?: string;
  TableStatus?: string;
  ItemCount?: number;
  TableSizeBytes?: number;
  LatestStreamArn?: string;
  RestoreSummary?: RestoreSummary;
  Replicas?: AwsReplicaDescription[];
  TableId?: string;
  OnDemandThroughput?: AwsOnDemandThroughputOut;
  WarmThroughput?: AwsWarmThroughputOut;
  GlobalSecondaryIndexes?: {
    IndexName?: string;
    IndexStatus?: string;
    Backfilling?: boolean;
    ItemCount?: number;
    OnDemandThroughput?: AwsOnDemandThroughputOut;
    WarmThroughput?: AwsWarmThroughputOut;
  }[];
}

/** status.warmThroughput / status.onDemandThroughput of the table or an index. */
export interface ThroughputStatus {
  warmThroughput?: { readUnitsPerSecond?: number; writeUnitsPerSecond?: number; status?: string };
  onDemandThroughput?: { maxReadRequestUnits?: number; maxWriteRequestUnits?: number };
}

/**
 * What AWS reports. Each cap is always written, -1 for no limit (AWS's own word for it, also for a 0):
 * status is written as a merge patch, so a cap left out would keep its old value.
 */
export function throughputStatus(d: {
  OnDemandThroughput?: AwsOnDemandThroughputOut;
  WarmThroughput?: AwsWarmThroughputOut;
}): ThroughputStatus {
  const out: ThroughputStatus = {};
  const w = d.WarmThroughput;
  if (w) {
    const warm: NonNullable<ThroughputStatus['warmThroughput']> = {};
    if (w.ReadUnitsPerSecond !== undefined) warm.readUnitsPerSecond = w.ReadUnitsPerSecond;
    if (w.WriteUnitsPerSecond !== undefined) warm.writeUnitsPerSecond = w.WriteUnitsPerSecond;
    if (w.Status !== undefined) warm.status = w.Status;
    out.warmThroughput = warm;
  }
  const od = d.OnDemandThroughput;
  if (od) {
    const cap = (v: number | undefined): number => (v !== undefined && v >= 1 ? v : -1);
    out.onDemandThroughput = {
      maxReadRequestUnits: cap(od.MaxReadRequestUnits),
      maxWriteRequestUnits: cap(od.MaxWriteRequestUnits),
    };
  }
  return out;
}

/** status.globalSecondaryIndexes[] (LSIs have no state of their own: they live with the table). */
export interface IndexStatus extends ThroughputStatus {
  indexName: string;
  indexStatus: string;
  backfilling?: boolean;
  itemCount?: number;
}

export interface TableStatus extends ThroughputStatus {
  tableArn?: string;
  tableStatus?: string;
  itemCount?: number;
  tableSizeBytes?: number;
  ready?: boolean;
  lastSyncTime?: string;
  streamArn?: string;
  globalSecondaryIndexes?: IndexStatus[];
  replicas?: ReplicaStatus[];
  observedGeneration?: number;
  /** metadata.generation last converged (ACTIVE, one converger turn): the "first sync" marker. */
  syncedGeneration?: number;
  conditions?: Condition[];
  [k: string]: unknown;
}

export { k8sNow } from '@dynamodb-operator/kube';

export function indexStatuses(d: DescribedTable): IndexStatus[] {
  return (d.GlobalSecondaryIndexes ?? []).map((g) => {
    const out: IndexStatus = { indexName: g.IndexName ?? '', indexStatus: g.IndexStatus ?? 'ACTIVE' };
    if (g.Backfilling !== undefined) out.backfilling = g.Backfilling;
    if (g.ItemCount !== undefined) out.itemCount = g.ItemCount;
    Object.assign(out, throughputStatus(g));
    return out;
  });
}

/** The table and every index ACTIVE. */
export function allActive(d: DescribedTable): boolean {
  return d.TableStatus === 'ACTIVE' && indexStatuses(d).every((i) => i.indexStatus === 'ACTIVE');
}

/** Observed fields from DescribeTable (only for a table we own). */
export function observedFields(d: DescribedTable): Partial<TableStatus> {
  const out: Partial<TableStatus> = {
    tableArn: d.TableArn,
    tableStatus: d.TableStatus,
    itemCount: d.ItemCount ?? 0,
    tableSizeBytes: d.TableSizeBytes ?? 0,
    ...throughputStatus(d),
    // Always set (undefined when there are none): the last replica removed must leave status too.
    replicas: replicaStatuses(d.Replicas),
  };
  const gsis = indexStatuses(d);
  if (gsis.length > 0) out.globalSecondaryIndexes = gsis;
  if (d.LatestStreamArn) out.streamArn = d.LatestStreamArn;
  const restore = restoreStatus(d.RestoreSummary);
  if (restore) out.restore = restore;
  return out;
}

/**
 * The object says its table is ours, Ready and in sync with this generation: a resync may then make
 * the read rotation's one read instead of always DescribeTable (update/rotation.ts). After an error
 * condition (Synced=False) the next reconcile reads everything, so the condition is rewritten.
 */
export function statusInSync(status: TableStatus, generation: number | undefined): boolean {
  return (
    Boolean(status.tableArn) &&
    status.ready === true &&
    status.syncedGeneration === generation &&
    getCondition(status.conditions, 'Synced')?.status === 'True'
  );
}

export interface ConditionSet {
  ready: ConditionInput;
  synced: ConditionInput;
  terminal: ConditionInput;
  /**
   * The operator will do nothing for this generation although the table is not both Ready and Synced
   * (paused with nothing pending, or observe-only drift it never repairs): Reconciling=False with this
   * reason, so kstatus reads Current instead of waiting forever for work nobody will do.
   */
  idle?: { reason: string; message: string };
}

/**
 * kstatus's two abnormal-true conditions, derived from the human set so no call site can forget them:
 * Stalled=True exactly when Terminal=True (kstatus: Failed — Flux stops waiting); otherwise
 * Reconciling=True while the object is not both Ready and Synced for this generation (kstatus:
 * InProgress — creating, a plan step in flight, waiting for ACTIVE, a retried error, a missing
 * provider). Both False when done, so "observedGeneration == generation, Ready" reads Current.
 */
export function kstatusConditions(set: ConditionSet): { reconciling: ConditionInput; stalled: ConditionInput } {
  const gen = set.ready.observedGeneration;
  const terminal = set.terminal.status === 'True';
  const done = (set.ready.status === 'True' && set.synced.status === 'True') || set.idle !== undefined;
  const stalled = terminal
    ? cond('Stalled', true, set.terminal.reason, set.terminal.message, gen)
    : cond('Stalled', false, 'None', 'not stalled', gen);
  const reconciling =
    !terminal && !done
      ? cond(
          'Reconciling',
          true,
          set.synced.status === 'True' ? set.ready.reason : set.synced.reason,
          set.ready.message,
          gen,
        )
      : cond(
          'Reconciling',
          false,
          terminal ? set.terminal.reason : (set.idle?.reason ?? 'Done'),
          terminal ? 'stalled: a human must act' : (set.idle?.message ?? 'nothing left to do for this generation'),
          gen,
        );
  return { reconciling, stalled };
}

/**
 * Merge observed fields and conditions into the previous status. status.observedGeneration is the
 * generation these conditions were computed for, on every write (kstatus compares it with
 * metadata.generation before it reads any condition).
 */
export function nextStatus(
  prev: TableStatus | undefined,
  patch: Partial<TableStatus>,
  conds: ConditionSet,
  now: string,
): TableStatus {
  const base: TableStatus = { ...(prev ?? {}), ...patch };
  const k = kstatusConditions(conds);
  let c = setCondition(prev?.conditions, conds.ready, now);
  c = setCondition(c, conds.synced, now);
  c = setCondition(c, conds.terminal, now);
  c = setCondition(c, k.reconciling, now);
  c = setCondition(c, k.stalled, now);
  base.conditions = c;
  base.ready = conds.ready.status === 'True';
  const gen = conds.ready.observedGeneration;
  if (gen !== undefined) base.observedGeneration = gen;
  for (const k of Object.keys(base)) if (base[k] === undefined) delete base[k];
  return base;
}

export function cond(
  type: string,
  status: boolean | 'Unknown',
  reason: string,
  message: string,
  generation?: number,
): ConditionInput {
  return {
    type,
    status: status === 'Unknown' ? 'Unknown' : status ? 'True' : 'False',
    reason,
    message,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
  };
}

/** The three conditions at once: [status, reason, message] each; Terminal defaults to "no problem". */
export function conds(
  gen: number | undefined,
  ready: [boolean, string, string],
  synced: [boolean | 'Unknown', string, string],
  terminal: [boolean, string, string] = [false, 'None', 'no problem that needs a human'],
): ConditionSet {
  return {
    ready: cond('Ready', ...ready, gen),
    synced: cond('Synced', ...synced, gen),
    terminal: cond('Terminal', ...terminal, gen),
  };
}
