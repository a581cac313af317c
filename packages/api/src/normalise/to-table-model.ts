// Both table kinds → the one TableModel. Pure; the object must have passed parseObject.
//
// Path conventions (what rules put in their errors):
// - AttributeDefinition.path is the object holding name+type: `spec.attributes[2]`, or for
//   DynamoDBTable's keys `spec.hashKey` / `spec.rangeKey` — so `${path}.name` and `${path}.type` are
//   always real fields.
// - KeyElement.path is the element: `spec.keySchema[1]`, `spec.globalSecondaryIndexes[0].keys[1]`
//   (DynamoDB), or the field holding the name: `spec.hashKey.name`, `spec.globalSecondaryIndexes[0].rangeKey`
//   (DynamoDBTable, whose key type is implied by the field). keyFieldPath() gives `.attributeName` /
//   `.keyType` of either kind.
// - Projection.path: `…projection` (DynamoDB) or `…projectionType` (DynamoDBTable).
// - metadata.namespace absent (a file for `kubectl apply -n …`) → namespace ''.
//
// Decisions for DynamoDBTable: streams are on only with `streamEnabled: true`; `pointInTimeRecovery` is
// a boolean (the recovery period is only in kind DynamoDB); an LSI's partition key is the table's
// hashKey unless the LSI names one. For DynamoDB: a `streamSpecification` is on when
// `streamEnabled: true`, or when it has a `streamViewType` and no `streamEnabled`.
import type {
  AttributeDefinition,
  FieldPath,
  KeyElement,
  OnDemandThroughput,
  SecondaryIndex,
  TableModel,
  Throughput,
  WarmThroughput,
} from '../model.ts';
import type { DynamoDBObject, DynamoDBTableObject, KnownObject } from '../schemas/objects.ts';
import { autoScalingOf } from './autoscaling.ts';
import { createFromOf } from './create-from.ts';
import { replicasOf } from './replicas.ts';
import { accessInsightsOf, contributorInsightsOf } from './access-insights.ts';

type Capacity = { readCapacityUnits: number; writeCapacityUnits: number } | undefined;

const throughput = (capacity: Capacity, path: FieldPath): Throughput | undefined =>
  capacity ? { ...capacity, path } : undefined;

type Limits = { onDemandThroughput?: OnDemandThroughput; warmThroughput?: WarmThroughput };

/** onDemandThroughput / warmThroughput of a table or GSI: both kinds spell them the same way. */
function throughputLimits(
  source: {
    onDemandThroughput?: Omit<OnDemandThroughput, 'path'> | undefined;
    warmThroughput?: Omit<WarmThroughput, 'path'> | undefined;
  },
  path: FieldPath,
): Limits {
  const out: Limits = {};
  if (source.onDemandThroughput)
    out.onDemandThroughput = { ...source.onDemandThroughput, path: `${path}.onDemandThroughput` };
  if (source.warmThroughput) out.warmThroughput = { ...source.warmThroughput, path: `${path}.warmThroughput` };
  return out;
}

/** The path of an element's attribute name or key type, for either kind. */
export function keyFieldPath(element: KeyElement, field: 'attributeName' | 'keyType'): FieldPath {
  return element.path.endsWith(']') ? `${element.path}.${field}` : element.path;
}

function fromDynamoDBTable(obj: DynamoDBTableObject): TableModel {
  const spec = obj.spec;
  const attributeDefinitions: AttributeDefinition[] = [
    { name: spec.hashKey.name, type: spec.hashKey.type, path: 'spec.hashKey' },
  ];
  const keySchema: KeyElement[] = [{ attributeName: spec.hashKey.name, keyType: 'HASH', path: 'spec.hashKey.name' }];
  if (spec.rangeKey) {
    attributeDefinitions.push({ name: spec.rangeKey.name, type: spec.rangeKey.type, path: 'spec.rangeKey' });
    keySchema.push({ attributeName: spec.rangeKey.name, keyType: 'RANGE', path: 'spec.rangeKey.name' });
  }
  (spec.attributes ?? []).forEach((attribute, i) =>
    attributeDefinitions.push({ name: attribute.name, type: attribute.type, path: `spec.attributes[${i}]` }),
  );

  const globalSecondaryIndexes = (spec.globalSecondaryIndexes ?? []).map((gsi, i): SecondaryIndex => {
    const path = `spec.globalSecondaryIndexes[${i}]`;
    const keys: KeyElement[] = [{ attributeName: gsi.hashKey, keyType: 'HASH', path: `${path}.hashKey` }];
    if (gsi.rangeKey !== undefined) {
      keys.push({ attributeName: gsi.rangeKey, keyType: 'RANGE', path: `${path}.rangeKey` });
    }
    const index: SecondaryIndex = {
      indexName: gsi.indexName,
      keySchema: keys,
      projection: {
        type: gsi.projectionType ?? 'ALL',
        nonKeyAttributes: gsi.nonKeyAttributes ?? [],
        path: `${path}.projectionType`,
      },
      path,
    };
    const capacity = throughput(gsi.provisionedThroughput, `${path}.provisionedThroughput`);
    if (capacity) index.provisionedThroughput = capacity;
    Object.assign(index, autoScalingOf(gsi, path));
    Object.assign(index, throughputLimits(gsi, path));
    Object.assign(index, contributorInsightsOf(gsi, path));
    return index;
  });

  const localSecondaryIndexes = (spec.localSecondaryIndexes ?? []).map((lsi, i): SecondaryIndex => {
    const path = `spec.localSecondaryIndexes[${i}]`;
    return {
      indexName: lsi.indexName,
      keySchema: [
        { attributeName: lsi.hashKey ?? spec.hashKey.name, keyType: 'HASH', path: `${path}.hashKey` },
        { attributeName: lsi.rangeKey, keyType: 'RANGE', path: `${path}.rangeKey` },
      ],
      projection: {
        type: lsi.projectionType ?? 'ALL',
        nonKeyAttributes: lsi.nonKeyAttributes ?? [],
        path: `${path}.projectionType`,
      },
      path,
    };
  });

  const model: TableModel = {
    ...common(obj),
    provisionedThroughputPath: 'spec.provisionedThroughput',
    attributeDefinitions,
    attributeDefinitionsPath: 'spec.attributes',
    keySchema,
    keySchemaPath: 'spec.hashKey',
    globalSecondaryIndexes,
    localSecondaryIndexes,
    stream: {
      enabled: spec.streamEnabled === true,
      path: 'spec.streamEnabled',
      viewTypePath: 'spec.streamViewType',
    },
    pointInTimeRecovery: { enabled: spec.pointInTimeRecovery ?? false, path: 'spec.pointInTimeRecovery' },
  };
  if (spec.streamViewType) model.stream.viewType = spec.streamViewType;
  const capacity = throughput(spec.provisionedThroughput, 'spec.provisionedThroughput');
  if (capacity) model.provisionedThroughput = capacity;
  Object.assign(model, autoScalingOf(spec, 'spec'));
  Object.assign(model, throughputLimits(spec, 'spec'));
  Object.assign(model, accessInsightsOf(spec));
  return model;
}

function fromDynamoDB(obj: DynamoDBObject): TableModel {
  const spec = obj.spec;
  const keysOf = (keys: typeof spec.keySchema, path: FieldPath): KeyElement[] =>
    keys.map((key, j) => ({ attributeName: key.attributeName, keyType: key.keyType, path: `${path}[${j}]` }));
  const indexOf = (
    index: {
      indexName: string;
      keys: typeof spec.keySchema;
      projection?: { type?: string; nonKeyAttributes?: string[] };
    },
    path: FieldPath,
  ): SecondaryIndex => ({
    indexName: index.indexName,
    keySchema: keysOf(index.keys, `${path}.keys`),
    projection: {
      type: (index.projection?.type ?? 'ALL') as SecondaryIndex['projection']['type'],
      nonKeyAttributes: index.projection?.nonKeyAttributes ?? [],
      path: `${path}.projection`,
    },
    path,
  });

  const globalSecondaryIndexes = (spec.globalSecondaryIndexes ?? []).map((gsi, i) => {
    const path = `spec.globalSecondaryIndexes[${i}]`;
    const index = indexOf(gsi, path);
    const capacity = throughput(gsi.billingModeConfig, `${path}.billingModeConfig`);
    if (capacity) index.provisionedThroughput = capacity;
    Object.assign(index, autoScalingOf(gsi, path));
    Object.assign(index, throughputLimits(gsi, path));
    Object.assign(index, contributorInsightsOf(gsi, path));
    return index;
  });
  const localSecondaryIndexes = (spec.localSecondaryIndexes ?? []).map((lsi, i) =>
    indexOf(lsi, `spec.localSecondaryIndexes[${i}]`),
  );

  const stream = spec.streamSpecification;
  const pitr = spec.pointInTimeRecoverySpecification;
  const model: TableModel = {
    ...common(obj),
    provisionedThroughputPath: 'spec.billingModeConfig',
    attributeDefinitions: spec.attributes.map((attribute, i) => ({
      name: attribute.name,
      type: attribute.type,
      path: `spec.attributes[${i}]`,
    })),
    attributeDefinitionsPath: 'spec.attributes',
    keySchema: keysOf(spec.keySchema, 'spec.keySchema'),
    keySchemaPath: 'spec.keySchema',
    globalSecondaryIndexes,
    localSecondaryIndexes,
    stream: {
      enabled: stream ? (stream.streamEnabled ?? stream.streamViewType !== undefined) : false,
      path: 'spec.streamSpecification',
      viewTypePath: 'spec.streamSpecification.streamViewType',
    },
    pointInTimeRecovery: {
      enabled: pitr?.pointInTimeRecoveryEnabled ?? false,
      path: 'spec.pointInTimeRecoverySpecification',
    },
  };
  if (stream?.streamViewType) model.stream.viewType = stream.streamViewType;
  if (pitr?.recoveryPeriodInDays !== undefined)
    model.pointInTimeRecovery.recoveryPeriodInDays = pitr.recoveryPeriodInDays;
  const capacity = throughput(spec.billingModeConfig, 'spec.billingModeConfig');
  if (capacity) model.provisionedThroughput = capacity;
  Object.assign(model, autoScalingOf(spec, 'spec'));
  Object.assign(model, throughputLimits(spec, 'spec'));
  Object.assign(model, accessInsightsOf(spec));
  return model;
}

type Common = Omit<
  TableModel,
  | 'provisionedThroughputPath'
  | 'attributeDefinitions'
  | 'attributeDefinitionsPath'
  | 'keySchema'
  | 'keySchemaPath'
  | 'globalSecondaryIndexes'
  | 'localSecondaryIndexes'
  | 'stream'
  | 'pointInTimeRecovery'
  | 'provisionedThroughput'
>;

/** The fields both kinds spell the same way. */
function common(obj: DynamoDBTableObject | DynamoDBObject): Common {
  const spec = obj.spec;
  const model: Common = {
    kind: obj.kind,
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name,
    tableName: spec.tableName,
    providerRef: { name: spec.providerRef.name, path: 'spec.providerRef' },
    billingModePath: 'spec.billingMode',
    globalSecondaryIndexesPath: 'spec.globalSecondaryIndexes',
    localSecondaryIndexesPath: 'spec.localSecondaryIndexes',
    encryption: { enabled: spec.encryption?.enabled ?? false, path: 'spec.encryption' },
    timeToLive: { enabled: spec.timeToLive?.enabled ?? false, path: 'spec.timeToLive' },
    tags: { ...(spec.tags ?? {}) },
    tagsPath: 'spec.tags',
    deletionPolicyPath: 'spec.deletionPolicy',
    deletionProtectionEnabled: spec.deletionProtectionEnabled ?? false,
    deletionProtectionPath: 'spec.deletionProtectionEnabled',
    tableClassPath: 'spec.tableClass',
  };
  if (spec.providerRef.namespace !== undefined) model.providerRef.namespace = spec.providerRef.namespace;
  if (spec.providerRef.kind === 'ClusterAWSProvider') model.providerRef.kind = 'ClusterAWSProvider';
  if (spec.billingMode) model.billingMode = spec.billingMode;
  if (spec.encryption?.type) model.encryption.type = spec.encryption.type;
  if (spec.encryption?.kmsKeyArn !== undefined) model.encryption.kmsKeyArn = spec.encryption.kmsKeyArn;
  if (spec.timeToLive?.attributeName !== undefined) model.timeToLive.attributeName = spec.timeToLive.attributeName;
  if (spec.deletionPolicy) model.deletionPolicy = spec.deletionPolicy;
  if (spec.tableClass) model.tableClass = spec.tableClass;
  Object.assign(model, createFromOf(spec));
  if (spec.replicas) model.replicas = replicasOf(spec.replicas);
  return model;
}

/** Both table kinds → the one model. The object must have passed parseObject. */
export function toTableModel(obj: KnownObject): TableModel {
  switch (obj.kind) {
    case 'DynamoDBTable':
      return fromDynamoDBTable(obj);
    case 'DynamoDB':
      return fromDynamoDB(obj);
    default:
      throw new TypeError(`toTableModel: ${obj.kind} is not a table kind`);
  }
}
