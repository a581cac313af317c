// The one hand-built TableModel the api's unit tests start from (planner and rules alike).
import type { TableModel } from '../src/model.ts';

/** A minimal valid model (PAY_PER_REQUEST, hash key `pk`), with overrides. */
export function model(over: Partial<TableModel> = {}): TableModel {
  return {
    kind: 'DynamoDB',
    namespace: 'default',
    name: 't',
    tableName: 't',
    providerRef: { name: 'p', path: 'spec.providerRef' },
    billingMode: 'PAY_PER_REQUEST',
    billingModePath: 'spec.billingMode',
    provisionedThroughputPath: 'spec.billingModeConfig',
    attributeDefinitions: [{ name: 'pk', type: 'S', path: 'spec.attributes[0]' }],
    attributeDefinitionsPath: 'spec.attributes',
    keySchema: [{ attributeName: 'pk', keyType: 'HASH', path: 'spec.keySchema[0]' }],
    keySchemaPath: 'spec.keySchema',
    globalSecondaryIndexes: [],
    globalSecondaryIndexesPath: 'spec.globalSecondaryIndexes',
    localSecondaryIndexes: [],
    localSecondaryIndexesPath: 'spec.localSecondaryIndexes',
    stream: {
      enabled: false,
      path: 'spec.streamSpecification',
      viewTypePath: 'spec.streamSpecification.streamViewType',
    },
    pointInTimeRecovery: { enabled: false, path: 'spec.pointInTimeRecoverySpecification' },
    encryption: { enabled: false, path: 'spec.encryption' },
    timeToLive: { enabled: false, path: 'spec.timeToLive' },
    tags: {},
    tagsPath: 'spec.tags',
    deletionPolicy: 'Delete',
    deletionPolicyPath: 'spec.deletionPolicy',
    deletionProtectionEnabled: false,
    deletionProtectionPath: 'spec.deletionProtectionEnabled',
    tableClass: 'STANDARD',
    tableClassPath: 'spec.tableClass',
    ...over,
  };
}
