// Replicas of a global table against the spec: the steps and the drift lines. Pure.
// - `replicas` left out of the spec: not managed (replicas made elsewhere stay); `replicas: []` removes
//   every replica.
// - One replica create or delete per UpdateTable (each is its own step): AWS takes one replica action
//   per call, and only while the table, its indexes and its replicas are ACTIVE (waitReasons).
// - Deletes go first (they may free the way for a stream change), creates last (after the stream step,
//   which they need). A replica of the spec that failed to create (CREATION_FAILED) holds the plan with
//   a wait that says why and the way out: re-sending the same create would fail the same way.
import type { Replica, TableModel } from '../model.ts';
import type { ObservedReplica, ObservedTable } from './observed.ts';
import type { CreateReplicaStep, DeleteReplicaStep } from './steps.ts';

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
  for (const r of o.replicas ?? [])
    if (r.status === 'CREATION_FAILED')
      out.push(`replica ${r.regionName} failed to create: ${r.statusDescription ?? 'no reason given by AWS'}`);
  return out;
}
