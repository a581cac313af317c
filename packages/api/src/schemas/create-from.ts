// Creating a table from data instead of empty: `restore` (RestoreTableToPointInTime or
// RestoreTableFromBackup) and `import` (ImportTable from S3). Both are read only when the table is
// created; afterwards they are immutable. The structural schema types the fields; which combinations
// AWS accepts (one source, one restore time, CSV options only with CSV, ...) are admission rules
// (rules/create-from.ts), so that their messages can name the field and the fix.
import * as z from 'zod';

export const IMPORT_FORMATS = ['CSV', 'DYNAMODB_JSON', 'ION'] as const;
export const IMPORT_COMPRESSIONS = ['GZIP', 'ZSTD', 'NONE'] as const;

export const restoreSchema = z
  .strictObject({
    sourceTableName: z
      .string()
      .min(3)
      .max(255)
      .optional()
      .describe('Point-in-time restore: name of the source table (PITR enabled), in the same account and region.'),
    sourceTableArn: z
      .string()
      .min(1)
      .max(1024)
      .optional()
      .describe('Point-in-time restore: ARN of the source table (instead of sourceTableName).'),
    useLatestRestorableTime: z
      .boolean()
      .optional()
      .describe('Point-in-time restore: restore to the latest restorable time (about 5 minutes ago).'),
    restoreDateTime: z
      .string()
      .optional()
      .describe(
        "Point-in-time restore: the moment to restore to (RFC 3339), within the source table's recovery period.",
      ),
    backupArn: z
      .string()
      .min(37)
      .max(1024)
      .optional()
      .describe('Restore from an on-demand backup (its ARN) instead of a point in time.'),
  })
  .describe(
    'Create the table as a restore of another table (point in time) or of a backup. Used only when the table is ' +
      'created, immutable afterwards. Tags, TTL, PITR, streams and deletion protection are applied after the restore.',
  );

export const importSchema = z
  .strictObject({
    bucket: z.string().min(3).max(255).describe('S3 bucket holding the data.'),
    keyPrefix: z.string().max(1024).optional().describe('Key prefix of the objects to import (all objects if absent).'),
    bucketOwner: z
      .string()
      .regex(/^[0-9]{12}$/)
      .optional()
      .describe('Account ID owning the bucket, when it is another account.'),
    inputFormat: z.enum(IMPORT_FORMATS).describe('Format of the objects: CSV, DYNAMODB_JSON or ION.'),
    inputCompressionType: z
      .enum(IMPORT_COMPRESSIONS)
      .optional()
      .describe('Compression of the objects: GZIP, ZSTD or NONE (default).'),
    csv: z
      .strictObject({
        delimiter: z
          .string()
          .optional()
          .describe('One character: comma (default), tab, colon, semicolon, pipe or space.'),
        headerList: z
          .array(z.string().min(1).max(65536))
          .min(1)
          .max(255)
          .optional()
          .describe('Column names, when the objects have no header line.'),
      })
      .optional()
      .describe('CSV options (inputFormat CSV only).'),
  })
  .describe(
    'Create the table by importing data from S3 (ImportTable). Used only when the table is created, immutable ' +
      "afterwards; a failed import is a Terminal condition with AWS's message.",
  );

export type RestoreSpec = z.infer<typeof restoreSchema>;
export type ImportSpec = z.infer<typeof importSchema>;

export const restoreStatusSchema = z
  .object({
    sourceTableArn: z.string().optional().describe('ARN of the table the data came from.'),
    sourceBackupArn: z.string().optional().describe('ARN of the backup restored, for a restore from a backup.'),
    restoreDateTime: z.string().optional().describe('Point in time the data was restored to (RFC 3339).'),
    restoreInProgress: z.boolean().optional().describe('true while DynamoDB is still restoring.'),
  })
  .describe('Outcome of spec.restore (DescribeTable RestoreSummary).');

export const importStatusSchema = z
  .object({
    importArn: z.string().optional().describe('ARN of the import (DescribeImport).'),
    status: z.string().optional().describe('IN_PROGRESS, COMPLETED, CANCELLING, CANCELLED or FAILED.'),
    importedItemCount: z.number().int().min(0).optional().describe('Items written to the table.'),
    processedItemCount: z.number().int().min(0).optional().describe('Items read from S3.'),
    errorCount: z.number().int().min(0).optional().describe('Items that could not be imported.'),
    failureCode: z.string().optional().describe("AWS's FailureCode of a failed import."),
    failureMessage: z.string().optional().describe("AWS's FailureMessage of a failed import."),
  })
  .describe('Outcome of spec.import.');

export type RestoreStatus = z.infer<typeof restoreStatusSchema>;
export type ImportStatus = z.infer<typeof importStatusSchema>;
