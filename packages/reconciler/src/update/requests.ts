// Plan step → the one AWS request it is. Pure: the executor only sends what this returns.
// One small builder per step kind, in a table keyed by kind: the compiler checks that every kind
// has exactly one, and each reads as the AWS request it sends.
import type {
  GlobalSecondaryIndexUpdate,
  TagResourceCommandInput,
  UntagResourceCommandInput,
  UpdateContinuousBackupsCommandInput,
  UpdateTableCommandInput,
  UpdateTimeToLiveCommandInput,
} from '@aws-sdk/client-dynamodb';
import { renderOnDemandThroughput, renderReplicaUpdate, renderWarmThroughput } from '@dynamodb-operator/api';
import type {
  CreateGsiStep,
  PlanStep,
  PlanStepKind,
  StepThroughput,
  UpdateOnDemandThroughputStep,
  UpdatePitrStep,
  UpdateTableSettingsStep,
  UpdateWarmThroughputStep,
} from '@dynamodb-operator/api';

export type StepRequest =
  | { operation: 'UpdateTable'; input: UpdateTableCommandInput }
  | { operation: 'UpdateTimeToLive'; input: UpdateTimeToLiveCommandInput }
  | { operation: 'UpdateContinuousBackups'; input: UpdateContinuousBackupsCommandInput }
  | { operation: 'TagResource'; input: TagResourceCommandInput }
  | { operation: 'UntagResource'; input: UntagResourceCommandInput };

/** The table a step applies to: tag steps address it by ARN, every other step by name. */
interface Target {
  TableName: string;
  tableArn: string | undefined;
}

type StepOf<K extends PlanStepKind> = Extract<PlanStep, { kind: K }>;
type Builder<K extends PlanStepKind> = (step: StepOf<K>, target: Target) => StepRequest | undefined;

const tp = (t: StepThroughput) => ({
  ReadCapacityUnits: t.readCapacityUnits,
  WriteCapacityUnits: t.writeCapacityUnits,
});

const updateTable = (input: UpdateTableCommandInput): StepRequest => ({ operation: 'UpdateTable', input });

const gsiCapacityUpdates = (
  indexes: readonly { indexName: string; provisionedThroughput: StepThroughput }[],
): GlobalSecondaryIndexUpdate[] =>
  indexes.map((g) => ({ Update: { IndexName: g.indexName, ProvisionedThroughput: tp(g.provisionedThroughput) } }));

function tableSettings(step: UpdateTableSettingsStep, { TableName }: Target): StepRequest {
  const input: UpdateTableCommandInput = { TableName };
  if (step.billingMode) input.BillingMode = step.billingMode;
  if (step.provisionedThroughput) input.ProvisionedThroughput = tp(step.provisionedThroughput);
  if (step.gsiProvisionedThroughput?.length)
    input.GlobalSecondaryIndexUpdates = gsiCapacityUpdates(step.gsiProvisionedThroughput);
  if (step.tableClass) input.TableClass = step.tableClass;
  if (step.deletionProtectionEnabled !== undefined) input.DeletionProtectionEnabled = step.deletionProtectionEnabled;
  return updateTable(input);
}

// Table part and one Update per GSI in one call, as AWS's own examples for warm throughput do.
function onDemandThroughput(step: UpdateOnDemandThroughputStep, { TableName }: Target): StepRequest {
  const input: UpdateTableCommandInput = { TableName };
  if (step.table) input.OnDemandThroughput = renderOnDemandThroughput(step.table);
  if (step.indexes.length > 0)
    input.GlobalSecondaryIndexUpdates = step.indexes.map((g) => ({
      Update: { IndexName: g.indexName, OnDemandThroughput: renderOnDemandThroughput(g.onDemandThroughput) },
    }));
  return updateTable(input);
}

function warmThroughput(step: UpdateWarmThroughputStep, { TableName }: Target): StepRequest {
  const input: UpdateTableCommandInput = { TableName };
  if (step.table) input.WarmThroughput = renderWarmThroughput(step.table);
  if (step.indexes.length > 0)
    input.GlobalSecondaryIndexUpdates = step.indexes.map((g) => ({
      Update: { IndexName: g.indexName, WarmThroughput: renderWarmThroughput(g.warmThroughput) },
    }));
  return updateTable(input);
}

function createGsi(step: CreateGsiStep, { TableName }: Target): StepRequest {
  return updateTable({
    TableName,
    AttributeDefinitions: step.attributeDefinitions.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
    GlobalSecondaryIndexUpdates: [
      {
        Create: {
          IndexName: step.indexName,
          KeySchema: step.keySchema.map((k) => ({ AttributeName: k.attributeName, KeyType: k.keyType })),
          Projection:
            step.projection.type === 'INCLUDE'
              ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...step.projection.nonKeyAttributes] }
              : { ProjectionType: step.projection.type },
          ...(step.provisionedThroughput ? { ProvisionedThroughput: tp(step.provisionedThroughput) } : {}),
          ...(step.onDemandThroughput ? { OnDemandThroughput: renderOnDemandThroughput(step.onDemandThroughput) } : {}),
          ...(step.warmThroughput ? { WarmThroughput: renderWarmThroughput(step.warmThroughput) } : {}),
        },
      },
    ],
  });
}

function pitr(step: UpdatePitrStep, { TableName }: Target): StepRequest {
  return {
    operation: 'UpdateContinuousBackups',
    input: {
      TableName,
      PointInTimeRecoverySpecification: step.enabled
        ? {
            PointInTimeRecoveryEnabled: true,
            ...(step.recoveryPeriodInDays !== undefined ? { RecoveryPeriodInDays: step.recoveryPeriodInDays } : {}),
          }
        : { PointInTimeRecoveryEnabled: false },
    },
  };
}

const replica = (step: StepOf<'createReplica' | 'updateReplica' | 'deleteReplica'>, { TableName }: Target) =>
  updateTable({ TableName, ReplicaUpdates: [renderReplicaUpdate(step)] });

const REQUESTS: { [K in PlanStepKind]: Builder<K> } = {
  wait: () => undefined,
  deleteGsi: (step, { TableName }) =>
    updateTable({ TableName, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: step.indexName } }] }),
  updateTableSettings: tableSettings,
  updateGsiCapacity: (step, { TableName }) =>
    updateTable({ TableName, GlobalSecondaryIndexUpdates: gsiCapacityUpdates(step.indexes) }),
  updateOnDemandThroughput: onDemandThroughput,
  updateWarmThroughput: warmThroughput,
  createGsi,
  updateStream: (step, { TableName }) =>
    updateTable({
      TableName,
      StreamSpecification: step.enabled
        ? { StreamEnabled: true, StreamViewType: step.viewType ?? 'NEW_AND_OLD_IMAGES' }
        : { StreamEnabled: false },
    }),
  updateSse: (step, { TableName }) =>
    updateTable({
      TableName,
      SSESpecification: step.enabled
        ? { Enabled: true, SSEType: 'KMS', ...(step.kmsKeyArn ? { KMSMasterKeyId: step.kmsKeyArn } : {}) }
        : { Enabled: false },
    }),
  updateTtl: (step, { TableName }) => ({
    operation: 'UpdateTimeToLive',
    input: { TableName, TimeToLiveSpecification: { Enabled: step.enabled, AttributeName: step.attributeName } },
  }),
  updatePitr: pitr,
  createReplica: replica,
  updateReplica: replica,
  deleteReplica: replica,
  tagResource: (step, { TableName, tableArn }) => ({
    operation: 'TagResource',
    input: {
      ResourceArn: requireArn(tableArn, TableName),
      Tags: Object.entries(step.tags).map(([Key, Value]) => ({ Key, Value })),
    },
  }),
  untagResource: (step, { TableName, tableArn }) => ({
    operation: 'UntagResource',
    input: { ResourceArn: requireArn(tableArn, TableName), TagKeys: [...step.keys] },
  }),
};

/**
 * The request for one step, or undefined for `wait` (no call). Tag steps address the table by ARN,
 * so `tableArn` is required for them.
 */
export function requestFor(step: PlanStep, tableName: string, tableArn?: string): StepRequest | undefined {
  // The table pairs each kind with its builder; TypeScript cannot correlate the two through a union.
  const build = REQUESTS[step.kind] as Builder<PlanStepKind>;
  return build(step, { TableName: tableName, tableArn });
}

function requireArn(arn: string | undefined, tableName: string): string {
  if (!arn) throw new Error(`tagging table ${tableName} needs its ARN (from DescribeTable)`);
  return arn;
}
