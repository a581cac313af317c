// DynamoDBTable: the seed's quick-start shape. Keys are named fields (hashKey/rangeKey with their
// types); index keys are attribute names whose types come from hashKey, rangeKey or `attributes`.
// Concepts that the seed lacks use the same names as in kind DynamoDB where they mean the same thing.
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
import { contributorInsightsFlagSchema, resourcePolicySchema } from './access-insights.ts';

const keyAttribute = (which: string) =>
  z
    .strictObject({
      name: attributeNameSchema.describe(`Name of the ${which} attribute.`),
      type: attributeTypeSchema,
    })
    .describe(`The table's ${which}: attribute name and type. Immutable.`);

export const dynamoDBTableSpecSchema = z
  .strictObject({
    tableName: tableNameSchema,
    providerRef: providerRefSchema,
    billingMode: billingModeSchema.optional(),
    provisionedThroughput: capacitySchema(
      'Table capacity; required with billingMode PROVISIONED; ignored (with a warning, never sent) under PAY_PER_REQUEST.',
    ).optional(),
    onDemandThroughput: onDemandThroughputSchema('table').optional(),
    warmThroughput: warmThroughputSchema('table').optional(),
    hashKey: keyAttribute('partition key (HASH)'),
    rangeKey: keyAttribute('sort key (RANGE)').optional(),
    attributes: z
      .array(
        z
          .strictObject({ name: attributeNameSchema, type: attributeTypeSchema })
          .describe('An attribute used as a key of an index.'),
      )
      .max(MAX_ATTRIBUTES)
      .optional()
      .describe(
        'Types of the attributes that index keys use, besides hashKey and rangeKey. Only define attributes ' +
          'that a key uses; others are accepted with a warning and not sent to AWS.',
      ),
    globalSecondaryIndexes: z
      .array(
        z
          .strictObject({
            indexName: indexNameSchema,
            hashKey: attributeNameSchema.describe(
              'Partition key attribute of the index (its type from hashKey, rangeKey or attributes).',
            ),
            rangeKey: attributeNameSchema
              .optional()
              .describe('Sort key attribute of the index (its type from hashKey, rangeKey or attributes).'),
            projectionType: projectionTypeSchema.optional(),
            nonKeyAttributes: nonKeyAttributesSchema.optional(),
            provisionedThroughput: capacitySchema(
              'Index capacity; required with billingMode PROVISIONED; ignored (with a warning, never sent) under PAY_PER_REQUEST.',
            ).optional(),
            autoScaling: autoScalingSchema('index').optional(),
            onDemandThroughput: onDemandThroughputSchema('index').optional(),
            warmThroughput: warmThroughputSchema('index').optional(),
            contributorInsights: contributorInsightsFlagSchema('index').optional(),
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
            hashKey: attributeNameSchema
              .optional()
              .describe("Partition key of the index: always the table's hashKey (the default)."),
            rangeKey: attributeNameSchema.describe(
              "Sort key attribute of the index, other than the table's rangeKey (its type from attributes).",
            ),
            projectionType: projectionTypeSchema.optional(),
            nonKeyAttributes: nonKeyAttributesSchema.optional(),
          })
          .describe('A local secondary index: the same partition key with another sort key.'),
      )
      .max(MAX_LSIS)
      .optional()
      .describe(
        'Local secondary indexes (at most 5); only on tables with a rangeKey, only at creation. Immutable. ' +
          'An LSI limits each partition key value to 10 GB.',
      ),
    streamEnabled: z
      .boolean()
      .optional()
      .describe('Enable DynamoDB Streams to capture item changes (e.g. for Lambda triggers).'),
    streamViewType: streamViewTypeSchema.optional(),
    pointInTimeRecovery: z
      .boolean()
      .optional()
      .describe(
        'Enable point-in-time recovery: restore to any second of the last 35 days. (For a shorter recovery ' +
          'period use kind DynamoDB, pointInTimeRecoverySpecification.recoveryPeriodInDays.)',
      ),
    timeToLive: timeToLiveSchema.optional(),
    encryption: encryptionSchema.optional(),
    tags: userTagsSchema.optional(),
    deletionPolicy: deletionPolicySchema.optional(),
    deletionProtectionEnabled: deletionProtectionSchema.optional(),
    tableClass: tableClassSchema.optional(),
    restore: restoreSchema.optional(),
    import: importSchema.optional(),
    replicas: replicasSchema,
    autoScaling: autoScalingSchema('table').optional(),
    resourcePolicy: resourcePolicySchema.optional(),
    contributorInsights: contributorInsightsFlagSchema('table').optional(),
  })
  .describe('Desired state of a DynamoDB table (quick-start shape: named hashKey/rangeKey).');

export type DynamoDBTableSpec = z.infer<typeof dynamoDBTableSpecSchema>;
