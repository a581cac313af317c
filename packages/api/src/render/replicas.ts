// ReplicaUpdates request shapes (UpdateTable, global tables 2019.11.21): one ReplicationGroupUpdate per
// call: Create with the replica's overrides, Update with the settings that changed, or Delete by region.
// For the reconciler's steps and for the CLI's `render`, which prints one UpdateTable per replica in the
// order the operator sends them.
import type { TableModel } from '../model.ts';
import { createReplicaStep } from '../plan/replicas.ts';
import type { CreateReplicaStep, DeleteReplicaStep, UpdateReplicaStep } from '../plan/steps.ts';

interface AwsReadOverrides {
  ProvisionedThroughputOverride?: { ReadCapacityUnits: number };
  OnDemandThroughputOverride?: { MaxReadRequestUnits: number };
}

export interface AwsReplicaUpdate {
  Create?: AwsReadOverrides & {
    RegionName: string;
    KMSMasterKeyId?: string;
    TableClassOverride?: CreateReplicaStep['tableClassOverride'];
    GlobalSecondaryIndexes?: (AwsReadOverrides & { IndexName: string })[];
  };
  Update?: Omit<NonNullable<AwsReplicaUpdate['Create']>, 'KMSMasterKeyId'>;
  Delete?: { RegionName: string };
}

function overrides(o: {
  provisionedThroughputOverride?: { readCapacityUnits: number };
  onDemandThroughputOverride?: { maxReadRequestUnits: number };
}): AwsReadOverrides {
  const out: AwsReadOverrides = {};
  if (o.provisionedThroughputOverride)
    out.ProvisionedThroughputOverride = { ReadCapacityUnits: o.provisionedThroughputOverride.readCapacityUnits };
  if (o.onDemandThroughputOverride)
    out.OnDemandThroughputOverride = { MaxReadRequestUnits: o.onDemandThroughputOverride.maxReadRequestUnits };
  return out;
}

export function renderReplicaUpdate(step: CreateReplicaStep | UpdateReplicaStep | DeleteReplicaStep): AwsReplicaUpdate {
  if (step.kind === 'deleteReplica') return { Delete: { RegionName: step.regionName } };
  const create: NonNullable<AwsReplicaUpdate['Create']> = { RegionName: step.regionName, ...overrides(step) };
  if (step.kind === 'createReplica' && step.kmsMasterKeyId !== undefined) create.KMSMasterKeyId = step.kmsMasterKeyId;
  if (step.tableClassOverride) create.TableClassOverride = step.tableClassOverride;
  if (step.globalSecondaryIndexes?.length)
    create.GlobalSecondaryIndexes = step.globalSecondaryIndexes.map((g) => ({
      IndexName: g.indexName,
      ...overrides(g),
    }));
  return step.kind === 'updateReplica' ? { Update: create } : { Create: create };
}

/** The UpdateTable requests that add the spec's replicas to a new table, one per call. */
export function renderReplicaUpdates(model: TableModel): { TableName: string; ReplicaUpdates: AwsReplicaUpdate[] }[] {
  return (model.replicas ?? []).map((r) => ({
    TableName: model.tableName,
    ReplicaUpdates: [renderReplicaUpdate(createReplicaStep(r))],
  }));
}

/** The calls on one replica's own table in its region (deletion protection, PITR), once it is ACTIVE. */
export interface ReplicaRegionRequests {
  RegionName: string;
  UpdateTable?: { TableName: string; DeletionProtectionEnabled: boolean };
  UpdateContinuousBackups?: {
    TableName: string;
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: boolean };
  };
}

/** For `render`: per replica whose spec sets them, the requests sent in its region (none when left out). */
export function renderReplicaRegionRequests(model: TableModel): ReplicaRegionRequests[] {
  const TableName = model.tableName;
  return (model.replicas ?? []).flatMap((r) => {
    const out: ReplicaRegionRequests = { RegionName: r.regionName };
    if (r.deletionProtectionEnabled !== undefined)
      out.UpdateTable = { TableName, DeletionProtectionEnabled: r.deletionProtectionEnabled };
    if (r.pointInTimeRecovery !== undefined)
      out.UpdateContinuousBackups = {
        TableName,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: r.pointInTimeRecovery },
      };
    return out.UpdateTable || out.UpdateContinuousBackups ? [out] : [];
  });
}
