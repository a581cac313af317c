// DynamoDB: the seed's examples shape, close to the CreateTable API (attributes + keySchema,
// indexes with keys and projection, billingModeConfig for capacity).
import * as z from 'zod';
import { autoScalingSchema } from './autoscaling.ts';
import {
  attributeNameSchema,
  attributeTypeSchema,
  billingModeSchema,
  capacitySchema,
  deletionPolicySchema,
  deletionProtectionSchema,
  encryptionSchema,
  indexNameSchema,
  keyTypeSchema,
  MAX_ATTRIBUTES,
  MAX_GSIS,
  MAX_LSIS,
  nonKeyAttributesSchema,
  projectionTypeSchema,
  providerRefSchema,
  streamViewTypeSchema,
  tableClassSchema,
  tableNameSchema,
  timeToLiveSchema,
  userTagsSchema,
} from './common.ts';
import { replicasSchema } from './replicas.ts';
import { importSchema, restoreSchema } from './create-from.ts';
import { onDemandThroughputSchema, warmThroughputSchema } from './throughput.ts';
import { contributorInsightsSpecificationSchema, resourcePolicySchema } from './access-insights.ts';

const keyElement = z
  .strictObject({
    attributeName: attributeNameSchema.describe('Attribute name; must be defined in attributes.'),
    keyType: keyTypeSchema,
  })
  .describe('One key attribute.');

const keys = (what: string) =>
  z
    .array(keyElement)
    .min(1)
    .max(2)
    .describe(`${what}: exactly one HASH key (partition key), optionally one RANGE key (sort key), in that order.`);

const projection = z
  .strictObject({
    type: projectionTypeSchema.optional(),
    nonKeyAttributes: nonKeyAttributesSchema.optional(),
  })
  .describe('Which attributes the index holds. Defaults to type ALL.');

const capacity = (where: string) =>
  capacitySchema(
    `Capacity of the ${where}: required with billingMode PROVISIONED; ignored (with a warning, never sent) under PAY_PER_REQUEST.`,
  ).optional();

export const dynamoDBSpecSchema = z
  .strictObject({
    providerRef: providerRefSchema,
    tableName: tableNameSchema,
    billingMode: billingModeSchema.optional(),
    billingModeConfig: capacity('table'),
    onDemandThroughput: onDemandThroughputSchema('table').optional(),
    warmThroughput: warmThroughputSchema('table').optional(),
    attributes: z
      .array(
        z
          .strictObject({ name: attributeNameSchema, type: attributeTypeSchema })
          .describe('An attribute used in a key of the table or of an index.'),
      )
      .min(1)
      .max(MAX_ATTRIBUTES)
      .describe(
        'Attributes used in keySchema or index keys, with their types. Only define attributes that a key uses; ' +
          'others are accepted with a warning and not sent to AWS.',
      ),
    keySchema: keys("The table's primary key. Immutable"),
    globalSecondaryIndexes: z
      .array(
        z
          .strictObject({
            indexName: indexNameSchema,
            keys: keys('Index keys (can differ from the primary key)'),
            projection: projection.optional(),
            billingModeConfig: capacity('index'),
            autoScaling: autoScalingSchema('index').optional(),
            onDemandThroughput: onDemandThroughputSchema('index').optional(),
            warmThroughput: warmThroughputSchema('index').optional(),
            contributorInsightsSpecification: contributorInsightsSpecificationSchema('index').optional(),
          })
          .describe('A global secondary index: another partition (and sort) key to query by.'),
      )
      .max(MAX_GSIS)
      .optional()
      .describe('Global secondary indexes for alternative queries (at most 20).'),
    localSecondaryIndexes: z
      .array(
        z
          .strictObject({
            indexName: indexNameSchema,
            keys: keys("Index keys: the table's HASH key and a different RANGE key"),
            projection: projection.optional(),
          })
          .describe('A local secondary index: the same partition key with another sort key.'),
      )
      .max(MAX_LSIS)
      .optional()
      .describe(
        'Local secondary indexes (at most 5); only on tables with a RANGE key, only at creation. Immutable. ' +
          'An LSI limits each partition key value to 10 GB.',
      ),
    streamSpecification: z
      .strictObject({
        streamEnabled: z
          .boolean()
          .optional()
          .describe('Enable or disable the stream; when absent, a streamViewType enables it.'),
        streamViewType: streamViewTypeSchema.optional(),
      })
      .optional()
      .describe('DynamoDB Streams: capture item changes (e.g. for Lambda). Present with a streamViewType = on.'),
    pointInTimeRecoverySpecification: z
      .strictObject({
        pointInTimeRecoveryEnabled: z
          .boolean()
          .describe('Enable point-in-time recovery: restore to any second of the recovery period.'),
        recoveryPeriodInDays: z
          .number()
          .int()
          .min(1)
          .max(35)
          .optional()
          .describe('Recovery period in days, 1 to 35 (AWS default 35).'),
      })
      .optional()
      .describe('Point-in-time recovery (continuous backups).'),
    encryption: encryptionSchema.optional(),
    timeToLive: timeToLiveSchema.optional(),
    tags: userTagsSchema.optional(),
    deletionPolicy: deletionPolicySchema.optional(),
    deletionProtectionEnabled: deletionProtectionSchema.optional(),
    tableClass: tableClassSchema.optional(),
    restore: restoreSchema.optional(),
    import: importSchema.optional(),
    replicas: replicasSchema,
    autoScaling: autoScalingSchema('table').optional(),
    resourcePolicy: resourcePolicySchema.optional(),
    contributorInsightsSpecification: contributorInsightsSpecificationSchema('table').optional(),
  })
  .describe('Desired state of a DynamoDB table (API shape: attributes + keySchema).');

export type DynamoDBSpec = z.infer<typeof dynamoDBSpecSchema>;
