// Status of both table kinds: the seed's fields plus what the reconciler needs to report progress.
import * as z from 'zod';
import { conditionsSchema } from './common.ts';
import { contributorInsightsStatusSchema, resourcePolicyStatusSchema } from './access-insights.ts';
import { importStatusSchema, restoreStatusSchema } from './create-from.ts';
import { replicaStatusesSchema } from './replica-status.ts';

const warmThroughputStatusSchema = (where: string) =>
  z
    .object({
      readUnitsPerSecond: z.number().int().optional().describe(`Read units per second the ${where} serves instantly.`),
      writeUnitsPerSecond: z
        .number()
        .int()
        .optional()
        .describe(`Write units per second the ${where} serves instantly.`),
      status: z
        .string()
        .optional()
        .describe('ACTIVE, or UPDATING while DynamoDB raises it (DescribeTable WarmThroughput.Status).'),
    })
    .describe(`Warm throughput of the ${where} in AWS.`);

const onDemandThroughputStatusSchema = (where: string) =>
  z
    .object({
      maxReadRequestUnits: z.number().int().optional().describe('Read cap in AWS; -1 = no limit.'),
      maxWriteRequestUnits: z.number().int().optional().describe('Write cap in AWS; -1 = no limit.'),
    })
    .describe(`On-demand maximum throughput of the ${where} in AWS.`);

export const indexStatusSchema = z
  .object({
    indexName: z.string().describe('Index name.'),
    indexStatus: z
      .string()
      .optional()
      .describe('CREATING, UPDATING, DELETING or ACTIVE, as reported by DescribeTable.'),
    backfilling: z.boolean().optional().describe('true while DynamoDB fills a new index from the table.'),
    itemCount: z.number().int().min(0).optional().describe('Items in the index (updated by AWS about every 6 hours).'),
    warmThroughput: warmThroughputStatusSchema('index').optional(),
    onDemandThroughput: onDemandThroughputStatusSchema('index').optional(),
  })
  .describe('State of one global secondary index.');

export const tableStatusSchema = z
  .object({
    tableArn: z
      .string()
      .optional()
      .describe('Full table ARN, e.g. arn:aws:dynamodb:us-east-1:123456789012:table/users.'),
    tableStatus: z
      .string()
      .optional()
      .describe(
        'Table state reported by AWS: CREATING, ACTIVE, UPDATING, DELETING (also ARCHIVING, ARCHIVED, ' +
          'INACCESSIBLE_ENCRYPTION_CREDENTIALS), or NOT_FOUND when the table was deleted outside Kubernetes.',
      ),
    itemCount: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Number of items in the table (updated by AWS about every 6 hours).'),
    tableSizeBytes: z.number().int().min(0).optional().describe('Total table size in bytes.'),
    warmThroughput: warmThroughputStatusSchema('table').optional(),
    onDemandThroughput: onDemandThroughputStatusSchema('table').optional(),
    ready: z.boolean().optional().describe('true when the table is ACTIVE and matches the spec.'),
    lastSyncTime: z.string().optional().describe('Timestamp of the last sync with AWS (RFC 3339).'),
    streamArn: z.string().optional().describe('ARN of the latest DynamoDB stream, when streams are enabled.'),
    observedGeneration: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('metadata.generation the status was computed from.'),
    syncedGeneration: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('metadata.generation last converged with the table in AWS (set once the table was ACTIVE).'),
    globalSecondaryIndexes: z
      .array(indexStatusSchema)
      .optional()
      .describe('State of each global secondary index in AWS.'),
    replicas: replicaStatusesSchema,
    autoScaling: z
      .array(
        z
          .object({
            resourceId: z.string().describe('Application Auto Scaling resource: table/NAME or table/NAME/index/GSI.'),
            scalableDimension: z.string().describe('e.g. dynamodb:table:ReadCapacityUnits.'),
            minCapacity: z.number().int().optional().describe('Registered minimum capacity.'),
            maxCapacity: z.number().int().optional().describe('Registered maximum capacity.'),
            targetUtilization: z.number().optional().describe("Target utilisation (percent) of the operator's policy."),
          })
          .describe('One scalable target the operator registered.'),
      )
      .optional()
      .describe('Scalable targets registered in Application Auto Scaling for spec.autoScaling (table and GSIs).'),
    resourcePolicy: resourcePolicyStatusSchema.optional(),
    contributorInsights: contributorInsightsStatusSchema.optional(),
    restore: restoreStatusSchema.optional(),
    import: importStatusSchema.optional(),
    conditions: conditionsSchema.optional(),
  })
  .describe('Observed state of the table in AWS.');

export type TableStatus = z.infer<typeof tableStatusSchema>;
export type IndexStatus = z.infer<typeof indexStatusSchema>;
