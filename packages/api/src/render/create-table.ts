// TableModel → the exact CreateTable input. Attribute definitions that no key uses are left out
// (DynamoDB rejects them); capacity is sent only with PROVISIONED (DynamoDB rejects it otherwise).
import type { KeyElement, SecondaryIndex, TableModel, Throughput } from '../model.ts';
import { renderTags } from './tags.ts';
import { renderOnDemandThroughput, renderWarmThroughput } from './throughput.ts';
import type { AwsKeyElement, AwsProjection, AwsTag, AwsThroughput, CreateTableRequest } from './types.ts';

const keySchema = (keys: readonly KeyElement[]): AwsKeyElement[] =>
  keys.map((key) => ({ AttributeName: key.attributeName, KeyType: key.keyType }));

const throughput = (capacity: Throughput): AwsThroughput => ({
  ReadCapacityUnits: capacity.readCapacityUnits,
  WriteCapacityUnits: capacity.writeCapacityUnits,
});

const projection = (index: SecondaryIndex): AwsProjection =>
  index.projection.type === 'INCLUDE' && index.projection.nonKeyAttributes.length > 0
    ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection.nonKeyAttributes] }
    : { ProjectionType: index.projection.type };

/** Names of the attributes some key (table, GSI or LSI) uses, in first-use order. */
export function keyAttributeNames(model: TableModel): string[] {
  const keys = [
    ...model.keySchema,
    ...model.globalSecondaryIndexes.flatMap((index) => index.keySchema),
    ...model.localSecondaryIndexes.flatMap((index) => index.keySchema),
  ];
  return [...new Set(keys.map((key) => key.attributeName))];
}

/** The SSE mapping: AWS_OWNED → Enabled false; AWS_MANAGED (or no type) → KMS; CUSTOMER_MANAGED → KMS + key. */
export function renderSseSpecification(model: TableModel): CreateTableRequest['SSESpecification'] {
  const encryption = model.encryption;
  if (!encryption.enabled) return undefined;
  if (encryption.type === 'AWS_OWNED') return { Enabled: false };
  if (encryption.type === 'CUSTOMER_MANAGED' && encryption.kmsKeyArn !== undefined) {
    return { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: encryption.kmsKeyArn };
  }
  return { Enabled: true, SSEType: 'KMS' };
}

/** model → CreateTableInput; `extraTags` (the operator's ownership tags) win over the model's tags. */
export function renderCreateTableInput(model: TableModel, extraTags: AwsTag[] = []): CreateTableRequest {
  const billingMode = model.billingMode ?? 'PAY_PER_REQUEST';
  const provisioned = billingMode === 'PROVISIONED';
  const types = new Map<string, TableModel['attributeDefinitions'][number]['type']>();
  for (const definition of model.attributeDefinitions) {
    if (!types.has(definition.name)) types.set(definition.name, definition.type);
  }
  const request: CreateTableRequest = {
    TableName: model.tableName,
    AttributeDefinitions: keyAttributeNames(model).flatMap((name) => {
      const type = types.get(name);
      return type ? [{ AttributeName: name, AttributeType: type }] : [];
    }),
    KeySchema: keySchema(model.keySchema),
    BillingMode: billingMode,
  };
  if (provisioned && model.provisionedThroughput) {
    request.ProvisionedThroughput = throughput(model.provisionedThroughput);
  }
  const caps = provisioned ? undefined : renderOnDemandThroughput(model.onDemandThroughput, true);
  if (caps) request.OnDemandThroughput = caps;
  const warm = renderWarmThroughput(model.warmThroughput);
  if (warm) request.WarmThroughput = warm;
  if (model.globalSecondaryIndexes.length > 0) {
    request.GlobalSecondaryIndexes = model.globalSecondaryIndexes.map((index) => {
      const gsi: NonNullable<CreateTableRequest['GlobalSecondaryIndexes']>[number] = {
        IndexName: index.indexName,
        KeySchema: keySchema(index.keySchema),
        Projection: projection(index),
      };
      if (provisioned && index.provisionedThroughput)
        gsi.ProvisionedThroughput = throughput(index.provisionedThroughput);
      const gsiCaps = provisioned ? undefined : renderOnDemandThroughput(index.onDemandThroughput, true);
      if (gsiCaps) gsi.OnDemandThroughput = gsiCaps;
      const gsiWarm = renderWarmThroughput(index.warmThroughput);
      if (gsiWarm) gsi.WarmThroughput = gsiWarm;
      return gsi;
    });
  }
  if (model.localSecondaryIndexes.length > 0) {
    request.LocalSecondaryIndexes = model.localSecondaryIndexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: keySchema(index.keySchema),
      Projection: projection(index),
    }));
  }
  if (model.stream.enabled) {
    request.StreamSpecification = {
      StreamEnabled: true,
      StreamViewType: model.stream.viewType ?? 'NEW_AND_OLD_IMAGES',
    };
  }
  const sse = renderSseSpecification(model);
  if (sse) request.SSESpecification = sse;
  if (model.tableClass) request.TableClass = model.tableClass;
  if (model.deletionProtectionEnabled) request.DeletionProtectionEnabled = true;
  const tags = renderTags(model, extraTags);
  if (tags.length > 0) request.Tags = tags;
  if (model.resourcePolicy) request.ResourcePolicy = model.resourcePolicy.document;
  return request;
}
