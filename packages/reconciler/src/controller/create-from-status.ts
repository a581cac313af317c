// status.restore and status.import from what AWS reports (DescribeTable's RestoreSummary,
// ImportTable / DescribeImport's ImportTableDescription), pure.
import type { ImportTableDescription, RestoreSummary } from '@aws-sdk/client-dynamodb';
import type { ImportStatus, RestoreStatus } from '@dynamodb-operator/api';

export function restoreStatus(s: RestoreSummary | undefined): RestoreStatus | undefined {
  if (!s) return undefined;
  const out: RestoreStatus = {};
  if (s.SourceTableArn) out.sourceTableArn = s.SourceTableArn;
  if (s.SourceBackupArn) out.sourceBackupArn = s.SourceBackupArn;
  if (s.RestoreDateTime) out.restoreDateTime = new Date(s.RestoreDateTime).toISOString();
  if (s.RestoreInProgress !== undefined) out.restoreInProgress = s.RestoreInProgress;
  return out;
}

export function importStatus(d: ImportTableDescription | undefined): ImportStatus {
  const out: ImportStatus = {};
  if (!d) return out;
  if (d.ImportArn) out.importArn = d.ImportArn;
  if (d.ImportStatus) out.status = d.ImportStatus;
  if (d.ImportedItemCount !== undefined) out.importedItemCount = d.ImportedItemCount;
  if (d.ProcessedItemCount !== undefined) out.processedItemCount = d.ProcessedItemCount;
  if (d.ErrorCount !== undefined) out.errorCount = d.ErrorCount;
  if (d.FailureCode) out.failureCode = d.FailureCode;
  if (d.FailureMessage) out.failureMessage = d.FailureMessage;
  return out;
}
