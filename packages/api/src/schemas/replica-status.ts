// status.replicas: each replica of a global table as DescribeTable reports it (Replicas[]).
import * as z from 'zod';

export const replicaStatusesSchema = z
  .array(
    z
      .object({
        regionName: z.string().describe('Region of the replica.'),
        status: z
          .string()
          .describe(
            'ReplicaStatus in AWS: CREATING, CREATION_FAILED, UPDATING, DELETING, ACTIVE, REGION_DISABLED, INACCESSIBLE_ENCRYPTION_CREDENTIALS, …',
          ),
        statusDescription: z.string().optional().describe("AWS's detail on the status (e.g. why a create failed)."),
        percentProgress: z.string().optional().describe('Progress of a replica being created, in percent.'),
        deletionProtectionEnabled: z
          .boolean()
          .optional()
          .describe("Deletion protection of the replica's table, as read in its region (only when the spec sets it)."),
        pointInTimeRecovery: z
          .boolean()
          .optional()
          .describe(
            "Point-in-time recovery of the replica's table, as read in its region (only when the spec sets it).",
          ),
        tableClass: z
          .string()
          .optional()
          .describe('Table class of the replica when AWS reports one of its own (ReplicaTableClassSummary).'),
      })
      .describe('One replica of the table in another region.'),
  )
  .optional()
  .describe('Replicas of the table in other regions (global tables), as AWS reports them.');
