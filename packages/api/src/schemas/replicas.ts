// Replicas of a global table (version 2019.11.21), in the shape of UpdateTable's ReplicaUpdates
// (CreateReplicationGroupMemberAction): a region, and optionally its own KMS key, table class and
// throughput overrides, per table and per GSI. Both table kinds take the same shape: a replica is a
// whole-table setting, not something the simpler kind spells differently. Deletion protection and
// point-in-time recovery of a replica are set on the replica's own table in its region (UpdateTable and
// UpdateContinuousBackups there, not ReplicaUpdates), once it is ACTIVE. Which billing mode each override needs, the stream requirement and the
// uniqueness of regions are admission rules (rules/replicas.ts), so their messages name the fix.
import * as z from 'zod';
import { TABLE_CLASSES } from '../model.ts';

const readOverride = (where: string) =>
  z
    .strictObject({
      readCapacityUnits: z.number().int().min(1).describe(`Read capacity of the ${where} in this region.`),
    })
    .describe(
      `Read capacity of the ${where} in this replica's region (billingMode PROVISIONED only); write capacity is the same in every region.`,
    );

const onDemandOverride = (where: string) =>
  z
    .strictObject({
      maxReadRequestUnits: z
        .number()
        .int()
        .min(-1)
        .describe(`Maximum read request units per second of the ${where} in this region; -1 for no limit.`),
    })
    .describe(`Read cap of the ${where} in this replica's region (billingMode PAY_PER_REQUEST only).`);

export const replicaSchema = z
  .strictObject({
    regionName: z
      .string()
      .min(1)
      .max(25)
      .describe(
        'AWS Region of the replica, e.g. eu-west-1; not the region of the table itself. Changing it removes the replica (and its data) in the old region and adds one in the new.',
      ),
    kmsMasterKeyId: z
      .string()
      .min(1)
      .max(2048)
      .optional()
      .describe(
        "KMS key (ID, ARN, alias name or alias ARN) in the replica's region; only with encryption.type CUSTOMER_MANAGED.",
      ),
    tableClassOverride: z
      .enum(TABLE_CLASSES)
      .optional()
      .describe("Table class of the replica; the table's class when left out."),
    deletionProtectionEnabled: z
      .boolean()
      .optional()
      .describe(
        "Deletion protection of the replica's table in its region, set there once the replica is ACTIVE; not managed when left out.",
      ),
    pointInTimeRecovery: z
      .boolean()
      .optional()
      .describe(
        "Point-in-time recovery of the replica's table in its region, set there once the replica is ACTIVE; not managed when left out.",
      ),
    provisionedThroughputOverride: readOverride('replica').optional(),
    onDemandThroughputOverride: onDemandOverride('replica').optional(),
    globalSecondaryIndexes: z
      .array(
        z
          .strictObject({
            indexName: z.string().min(3).max(255).describe('A GSI of spec.globalSecondaryIndexes.'),
            provisionedThroughputOverride: readOverride('index').optional(),
            onDemandThroughputOverride: onDemandOverride('index').optional(),
          })
          .describe('Read overrides of one GSI in this replica.'),
      )
      .min(1)
      .optional()
      .describe('Per-GSI read overrides in this replica.'),
  })
  .describe('One replica of the table in another AWS Region.');

export const replicasSchema = z
  .array(replicaSchema)
  .optional()
  .describe(
    'Replicas of the table in other AWS Regions (global tables version 2019.11.21). Needs streams with ' +
      'NEW_AND_OLD_IMAGES. The operator adds or removes one replica per UpdateTable call, when the table, its ' +
      "indexes and its replicas are ACTIVE; each replica's state is in status.replicas.",
  );

export type ReplicaSpec = z.infer<typeof replicaSchema>;
