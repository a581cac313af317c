// Replicas of a global table against the spec: the steps and the drift lines. Pure.
// - `replicas` left out of the spec: not managed (replicas made elsewhere stay); `replicas: []` removes
//   every replica.
// - One replica create or delete per UpdateTable (each is its own step): AWS takes one replica action
//   per call, and only while the table, its indexes and its replicas are ACTIVE (waitReasons).
// - An existing ACTIVE replica whose settings differ from the spec's gets one ReplicaUpdates Update
//   with only the differing settings: the table class (the table's own when the spec has no override;
//   AWS leaves ReplicaTableClassSummary out when they are the same) and the read overrides the spec
//   sets. An override removed from the spec is not compared (AWS has no way to clear one; the webhook
//   warns). The KMS key is set at create: AWS reports it as an ARN where the spec may name an alias,
//   so the two cannot be compared, and the webhook refuses a change.
// - Deletes go first (they may free the way for a stream change), creates last (after the stream step,
//   which they need). A replica of the spec that failed to create (CREATION_FAILED) holds the plan with
//   a wait that says why and the way out: re-sending the same create would fail the same way.
import type { Replica, TableClass, TableModel } from '../model.ts';
import type { ObservedReplica, ObservedTable } from './observed.ts';
import type { CreateReplicaStep, DeleteReplicaStep, UpdateReplicaStep } from './steps.ts';

const TRANSITIONAL = new Set(['CREATING', 'UPDATING', 'DELETING']);

/** "replica eu-west-1 is CREATING (40%)" for each replica AWS is still working on. */
export function replicaWaitReasons(o: ObservedTable): string[] {
  return (o.replicas ?? [])
    .filter((r) => TRANSITIONAL.has(r.status))
    .map((r) => `replica ${r.regionName} is ${r.status}${r.percentProgress ? ` (${r.percentProgress}%)` : ''}`);
}

/**
 * A replica of the spec that AWS failed to create: a reason to hold (the object is not Ready, and its
 * message says why and the way out) rather than call it in sync. Removing it from the spec lets the
 * planner delete it; adding it back then creates it again.
 */
export function replicaFailures(d: TableModel, o: ObservedTable): string[] {
  if (!d.replicas) return [];
  const wanted = new Set(d.replicas.map((r) => r.regionName));
  return (o.replicas ?? [])
    .filter((r) => r.status === 'CREATION_FAILED' && wanted.has(r.regionName))
    .map(
      (r) =>
        `replica ${r.regionName} failed to create (${r.statusDescription ?? 'AWS gave no reason'}): fix the cause, then remove it from spec.replicas (it is deleted) and add it back`,
    );
}

const live = (o: ObservedTable): ObservedReplica[] => (o.replicas ?? []).filter((r) => r.status !== 'DELETING');

export function replicaDeletes(d: TableModel, o: ObservedTable): DeleteReplicaStep[] {
  if (!d.replicas) return [];
  const wanted = new Set(d.replicas.map((r) => r.regionName));
  return live(o)
    .filter((r) => !wanted.has(r.regionName))
    .map((r): DeleteReplicaStep => ({ kind: 'deleteReplica', regionName: r.regionName }))
    .sort((a, b) => (a.regionName < b.regionName ? -1 : 1));
}

/** The CreateReplicationGroupMemberAction fields of one spec replica. */
export function createReplicaStep(r: Replica): CreateReplicaStep {
  const step: CreateReplicaStep = { kind: 'createReplica', regionName: r.regionName };
  if (r.kmsMasterKeyId !== undefined) step.kmsMasterKeyId = r.kmsMasterKeyId;
  if (r.tableClassOverride) step.tableClassOverride = r.tableClassOverride;
  if (r.provisionedThroughputOverride) step.provisionedThroughputOverride = { ...r.provisionedThroughputOverride };
  if (r.onDemandThroughputOverride) step.onDemandThroughputOverride = { ...r.onDemandThroughputOverride };
  if (r.globalSecondaryIndexes.length > 0)
    step.globalSecondaryIndexes = r.globalSecondaryIndexes.map(({ path: _path, ...g }) => structuredClone(g));
  return step;
}

/** The ReplicaUpdates Update of one replica, or undefined when AWS already has the spec's settings. */
function updateOf(r: Replica, have: ObservedReplica, tableClass: TableClass): UpdateReplicaStep | undefined {
  const step: UpdateReplicaStep = { kind: 'updateReplica', regionName: r.regionName };
  const want = r.tableClassOverride ?? tableClass;
  if (want !== (have.tableClass ?? tableClass)) step.tableClassOverride = want;
  const rcu = r.provisionedThroughputOverride?.readCapacityUnits;
  if (rcu !== undefined && rcu !== have.readCapacityUnits)
    step.provisionedThroughputOverride = { readCapacityUnits: rcu };
  const mrru = r.onDemandThroughputOverride?.maxReadRequestUnits;
  if (mrru !== undefined && mrru !== have.maxReadRequestUnits)
    step.onDemandThroughputOverride = { maxReadRequestUnits: mrru };
  const gsis = new Map((have.globalSecondaryIndexes ?? []).map((g) => [g.indexName, g]));
  const changed = r.globalSecondaryIndexes.flatMap((g) => {
    const live = gsis.get(g.indexName);
    const out: NonNullable<UpdateReplicaStep['globalSecondaryIndexes']>[number] = { indexName: g.indexName };
    const grcu = g.provisionedThroughputOverride?.readCapacityUnits;
    const gmrru = g.onDemandThroughputOverride?.maxReadRequestUnits;
    if (grcu !== undefined && grcu !== live?.readCapacityUnits)
      out.provisionedThroughputOverride = { readCapacityUnits: grcu };
    if (gmrru !== undefined && gmrru !== live?.maxReadRequestUnits)
      out.onDemandThroughputOverride = { maxReadRequestUnits: gmrru };
    return out.provisionedThroughputOverride || out.onDemandThroughputOverride ? [out] : [];
  });
  if (changed.length > 0) step.globalSecondaryIndexes = changed;
  return Object.keys(step).length > 2 ? step : undefined;
}

/** One Update per ACTIVE replica of the spec whose settings differ in AWS. */
export function replicaUpdates(d: TableModel, o: ObservedTable): UpdateReplicaStep[] {
  if (!d.replicas) return [];
  const have = new Map(live(o).map((r) => [r.regionName, r]));
  return d.replicas.flatMap((r) => {
    const h = have.get(r.regionName);
    const step = h?.status === 'ACTIVE' ? updateOf(r, h, o.tableClass) : undefined;
    return step ? [step] : [];
  });
}

export function replicaCreates(d: TableModel, o: ObservedTable): CreateReplicaStep[] {
  if (!d.replicas) return [];
  const have = new Set(live(o).map((r) => r.regionName));
  return d.replicas.filter((r) => !have.has(r.regionName)).map(createReplicaStep);
}

/** Drift lines: a replica missing in AWS, one in AWS that the spec removed, one that failed. */
export function replicaDrift(d: TableModel, o: ObservedTable): string[] {
  if (!d.replicas) return [];
  const out = replicaCreates(d, o).map((s) => `replica ${s.regionName} is missing in AWS`);
  out.push(...replicaDeletes(d, o).map((s) => `replica ${s.regionName} exists in AWS but not in the spec`));
  for (const s of replicaUpdates(d, o)) {
    const { kind: _k, regionName, ...what } = s;
    out.push(`replica ${regionName} differs from the spec: ${Object.keys(what).join(', ')}`);
  }
  for (const r of o.replicas ?? [])
    if (r.status === 'CREATION_FAILED')
      out.push(`replica ${r.regionName} failed to create: ${r.statusDescription ?? 'no reason given by AWS'}`);
  return out;
}
