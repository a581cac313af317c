// The steps a plan is made of. Each non-wait step is exactly one AWS call (the reconciler's executor
// maps it); `wait` is no call at all: come back later.
import type { AttributeType, BillingMode, KeyType, ProjectionType, StreamViewType, TableClass } from '../model.ts';

export interface StepThroughput {
  readCapacityUnits: number;
  writeCapacityUnits: number;
}

export interface WaitStep {
  kind: 'wait';
  /** What is not ACTIVE yet, e.g. "table is UPDATING", "GSI by-email is CREATING (backfilling)". */
  reasons: string[];
}

export interface DeleteGsiStep {
  kind: 'deleteGsi';
  indexName: string;
  /** Why: "not in the spec" or "projection ALL → KEYS_ONLY (re-created next)". */
  reason: string;
}

/** One UpdateTable for table-level settings. Only the fields that change are set. */
export interface UpdateTableSettingsStep {
  kind: 'updateTableSettings';
  billingMode?: BillingMode;
  provisionedThroughput?: StepThroughput;
  /** Switching to PROVISIONED: AWS requires capacity for every existing GSI in the same call. */
  gsiProvisionedThroughput?: { indexName: string; provisionedThroughput: StepThroughput }[];
  tableClass?: TableClass;
  deletionProtectionEnabled?: boolean;
}

/** One UpdateTable with one Update action per GSI whose capacity differs. */
export interface UpdateGsiCapacityStep {
  kind: 'updateGsiCapacity';
  indexes: { indexName: string; provisionedThroughput: StepThroughput }[];
}

/** OnDemandThroughput caps to send; -1 removes a cap. */
export interface StepOnDemandThroughput {
  maxReadRequestUnits?: number;
  maxWriteRequestUnits?: number;
}

export interface StepWarmThroughput {
  readUnitsPerSecond?: number;
  writeUnitsPerSecond?: number;
}

/** One UpdateTable: the table's OnDemandThroughput and/or an Update action per GSI whose caps differ. */
export interface UpdateOnDemandThroughputStep {
  kind: 'updateOnDemandThroughput';
  table?: StepOnDemandThroughput;
  indexes: { indexName: string; onDemandThroughput: StepOnDemandThroughput }[];
}

/**
 * One UpdateTable: the table's WarmThroughput and/or an Update action per GSI whose warm throughput is
 * below the spec. Both values are sent (the one not raised at its current value), so that an emulator
 * that replaces the whole WarmThroughput does not lose the other.
 */
export interface UpdateWarmThroughputStep {
  kind: 'updateWarmThroughput';
  table?: StepWarmThroughput;
  indexes: { indexName: string; warmThroughput: StepWarmThroughput }[];
}

export interface CreateGsiStep {
  kind: 'createGsi';
  indexName: string;
  keySchema: { attributeName: string; keyType: KeyType }[];
  /** Definitions of the index's key attributes (UpdateTable needs them). */
  attributeDefinitions: { name: string; type: AttributeType }[];
  projection: { type: ProjectionType; nonKeyAttributes: string[] };
  provisionedThroughput?: StepThroughput;
  onDemandThroughput?: StepOnDemandThroughput;
  warmThroughput?: StepWarmThroughput;
}

export interface UpdateStreamStep {
  kind: 'updateStream';
  enabled: boolean;
  viewType?: StreamViewType;
}

export interface UpdateSseStep {
  kind: 'updateSse';
  /** false = the AWS owned key; true = KMS (AWS managed `aws/dynamodb` unless kmsKeyArn). */
  enabled: boolean;
  kmsKeyArn?: string;
}

export interface UpdateTtlStep {
  kind: 'updateTtl';
  enabled: boolean;
  /** AWS wants the attribute name for disabling too: the one currently enabled. */
  attributeName: string;
  /** ISO time before which AWS would refuse the change (one TTL change per hour per table). */
  blockedUntil?: string;
}

export interface UpdatePitrStep {
  kind: 'updatePitr';
  enabled: boolean;
  recoveryPeriodInDays?: number;
}

/** One UpdateTable with one ReplicaUpdates Create (AWS takes one replica action per call). */
export interface CreateReplicaStep {
  kind: 'createReplica';
  regionName: string;
  kmsMasterKeyId?: string;
  tableClassOverride?: TableClass;
  provisionedThroughputOverride?: { readCapacityUnits: number };
  onDemandThroughputOverride?: { maxReadRequestUnits: number };
  globalSecondaryIndexes?: {
    indexName: string;
    provisionedThroughputOverride?: { readCapacityUnits: number };
    onDemandThroughputOverride?: { maxReadRequestUnits: number };
  }[];
}

/** One UpdateTable with one ReplicaUpdates Update: only the settings that differ from AWS's. */
export interface UpdateReplicaStep extends Omit<CreateReplicaStep, 'kind' | 'kmsMasterKeyId'> {
  kind: 'updateReplica';
}

/** One UpdateTable with one ReplicaUpdates Delete: the replica and its data in that region go. */
export interface DeleteReplicaStep {
  kind: 'deleteReplica';
  regionName: string;
}

export interface TagResourceStep {
  kind: 'tagResource';
  tags: Record<string, string>;
}

export interface UntagResourceStep {
  kind: 'untagResource';
  keys: string[];
}

export type PlanStep =
  | WaitStep
  | DeleteGsiStep
  | UpdateTableSettingsStep
  | UpdateGsiCapacityStep
  | UpdateOnDemandThroughputStep
  | UpdateWarmThroughputStep
  | CreateGsiStep
  | UpdateStreamStep
  | UpdateSseStep
  | UpdateTtlStep
  | UpdatePitrStep
  | CreateReplicaStep
  | UpdateReplicaStep
  | DeleteReplicaStep
  | TagResourceStep
  | UntagResourceStep;

export type PlanStepKind = PlanStep['kind'];

/** Steps that are an UpdateTable call: AWS refuses them unless the table and all its indexes are ACTIVE. */
export const UPDATE_TABLE_KINDS: readonly PlanStepKind[] = [
  'deleteGsi',
  'updateTableSettings',
  'updateGsiCapacity',
  'updateOnDemandThroughput',
  'updateWarmThroughput',
  'createGsi',
  'updateStream',
  'updateSse',
  'createReplica',
  'updateReplica',
  'deleteReplica',
];

/** The AWS operation a step is, or undefined for `wait`. */
export function operationOf(step: PlanStep): string | undefined {
  switch (step.kind) {
    case 'wait':
      return undefined;
    case 'updateTtl':
      return 'UpdateTimeToLive';
    case 'updatePitr':
      return 'UpdateContinuousBackups';
    case 'tagResource':
      return 'TagResource';
    case 'untagResource':
      return 'UntagResource';
    default:
      return 'UpdateTable';
  }
}
