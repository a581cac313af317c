// Plan step → the one AWS request it is. Pure: the executor only sends what this returns.
import type {
  TagResourceCommandInput,
  UntagResourceCommandInput,
  UpdateContinuousBackupsCommandInput,
  UpdateTableCommandInput,
  UpdateTimeToLiveCommandInput,
} from '@aws-sdk/client-dynamodb';
import { renderOnDemandThroughput, renderReplicaUpdate, renderWarmThroughput } from '@dynamodb-operator/api';
import type { PlanStep, StepThroughput } from '@dynamodb-operator/api';

export type StepRequest =
  | { operation: 'UpdateTable'; input: UpdateTableCommandInput }
  | { operation: 'UpdateTimeToLive'; input: UpdateTimeToLiveCommandInput }
  | { operation: 'UpdateContinuousBackups'; input: UpdateContinuousBackupsCommandInput }
  | { operation: 'TagResource'; input: TagResourceCommandInput }
  | { operation: 'UntagResource'; input: UntagResourceCommandInput };

const tp = (t: StepThroughput) => ({
  ReadCapacityUnits: t.readCapacityUnits,
  WriteCapacityUnits: t.writeCapacityUnits,
});

/**
 * The request for one step, or undefined for `wait` (no call). Tag steps address the table by ARN,
 * so `tableArn` is required for them.
 */
export function requestFor(step: PlanStep, tableName: string, tableArn?: string): StepRequest | undefined {
  const TableName = tableName;
  switch (step.kind) {
    case 'wait':
      return undefined;
    case 'deleteGsi':
      return {
        operation: 'UpdateTable',
        input: { TableName, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: step.indexName } }] },
      };
    case 'updateTableSettings': {
      const input: UpdateTableCommandInput = { TableName };
      if (step.billingMode) input.BillingMode = step.billingMode;
      if (step.provisionedThroughput) input.ProvisionedThroughput = tp(step.provisionedThroughput);
      if (step.gsiProvisionedThroughput?.length)
        input.GlobalSecondaryIndexUpdates = step.gsiProvisionedThroughput.map((g) => ({
          Update: { IndexName: g.indexName, ProvisionedThroughput: tp(g.provisionedThroughput) },
        }));
      if (step.tableClass) input.TableClass = step.tableClass;
      if (step.deletionProtectionEnabled !== undefined)
        input.DeletionProtectionEnabled = step.deletionProtectionEnabled;
      return { operation: 'UpdateTable', input };
    }
    case 'updateGsiCapacity':
      return {
        operation: 'UpdateTable',
        input: {
          TableName,
          GlobalSecondaryIndexUpdates: step.indexes.map((g) => ({
            Update: { IndexName: g.indexName, ProvisionedThroughput: tp(g.provisionedThroughput) },
          })),
        },
      };
    case 'updateOnDemandThroughput':
    case 'updateWarmThroughput': {
      // Table part and one Update per GSI in one call, as AWS's own examples for warm throughput do.
      const input: UpdateTableCommandInput = { TableName };
      if (step.kind === 'updateOnDemandThroughput') {
        if (step.table) input.OnDemandThroughput = renderOnDemandThroughput(step.table);
        if (step.indexes.length > 0)
          input.GlobalSecondaryIndexUpdates = step.indexes.map((g) => ({
            Update: { IndexName: g.indexName, OnDemandThroughput: renderOnDemandThroughput(g.onDemandThroughput) },
          }));
      } else {
        if (step.table) input.WarmThroughput = renderWarmThroughput(step.table);
        if (step.indexes.length > 0)
          input.GlobalSecondaryIndexUpdates = step.indexes.map((g) => ({
            Update: { IndexName: g.indexName, WarmThroughput: renderWarmThroughput(g.warmThroughput) },
          }));
      }
      return { operation: 'UpdateTable', input };
    }
    case 'createGsi':
      return {
        operation: 'UpdateTable',
        input: {
          TableName,
          AttributeDefinitions: step.attributeDefinitions.map((a) => ({
            AttributeName: a.name,
            AttributeType: a.type,
          })),
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
                ...(step.onDemandThroughput
                  ? { OnDemandThroughput: renderOnDemandThroughput(step.onDemandThroughput) }
                  : {}),
                ...(step.warmThroughput ? { WarmThroughput: renderWarmThroughput(step.warmThroughput) } : {}),
              },
            },
          ],
        },
      };
    case 'updateStream':
      return {
        operation: 'UpdateTable',
        input: {
          TableName,
          StreamSpecification: step.enabled
            ? { StreamEnabled: true, StreamViewType: step.viewType ?? 'NEW_AND_OLD_IMAGES' }
            : { StreamEnabled: false },
        },
      };
    case 'updateSse':
      return {
        operation: 'UpdateTable',
        input: {
          TableName,
          SSESpecification: step.enabled
            ? { Enabled: true, SSEType: 'KMS', ...(step.kmsKeyArn ? { KMSMasterKeyId: step.kmsKeyArn } : {}) }
            : { Enabled: false },
        },
      };
    case 'updateTtl':
      return {
        operation: 'UpdateTimeToLive',
        input: { TableName, TimeToLiveSpecification: { Enabled: step.enabled, AttributeName: step.attributeName } },
      };
    case 'updatePitr':
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
    case 'createReplica':
    case 'updateReplica':
    case 'deleteReplica':
      return { operation: 'UpdateTable', input: { TableName, ReplicaUpdates: [renderReplicaUpdate(step)] } };
    case 'tagResource':
      return {
        operation: 'TagResource',
        input: {
          ResourceArn: requireArn(tableArn, tableName),
          Tags: Object.entries(step.tags).map(([Key, Value]) => ({ Key, Value })),
        },
      };
    case 'untagResource':
      return {
        operation: 'UntagResource',
        input: { ResourceArn: requireArn(tableArn, tableName), TagKeys: [...step.keys] },
      };
  }
}

function requireArn(arn: string | undefined, tableName: string): string {
  if (!arn) throw new Error(`tagging table ${tableName} needs its ARN (from DescribeTable)`);
  return arn;
}
