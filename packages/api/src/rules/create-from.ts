// Creating a table from data: the rules AWS applies to RestoreTableToPointInTime,
// RestoreTableFromBackup and ImportTable, and the operator's own: one way of creating the table,
// create-time only (an UPDATE may not change them: the table exists already).
import type { ImportSource, RestoreSource, TableModel, ValidationResult } from '../model.ts';
import { Findings, show } from './result.ts';

const TABLE_ARN = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table\/[A-Za-z0-9_.-]{3,255}$/;
const BACKUP_ARN = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table\/[A-Za-z0-9_.-]{3,255}\/backup\/[A-Za-z0-9-]+$/;
/** ImportTable's CsvOptions.Delimiter: one of these characters. */
const CSV_DELIMITERS = [',', '\t', ':', ';', '|', ' '];
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function checkRestore(model: TableModel, r: RestoreSource, out: Findings): void {
  const p = r.path;
  const fromTable = r.sourceTableName !== undefined || r.sourceTableArn !== undefined;
  if (r.backupArn !== undefined) {
    if (fromTable) {
      out.error(
        `${p}.backupArn`,
        'a restore comes either from a backup (backupArn) or from a point in time of a table (sourceTableName / ' +
          'sourceTableArn), not both: remove one',
      );
    }
    if (!BACKUP_ARN.test(r.backupArn)) {
      out.error(
        `${p}.backupArn`,
        `${show(r.backupArn)} is not a DynamoDB backup ARN: use arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/backup/ID ` +
          '(ListBackups or the CreateBackup response)',
      );
    }
    for (const field of ['useLatestRestorableTime', 'restoreDateTime'] as const) {
      if (r[field] !== undefined) {
        out.error(
          `${p}.${field}`,
          `${field} is for a point-in-time restore; a backup is restored as it was taken: remove ${field}`,
        );
      }
    }
  } else if (!fromTable) {
    out.error(p, 'restore needs a source: set sourceTableName or sourceTableArn (point in time), or backupArn');
  }
  if (r.sourceTableName !== undefined && r.sourceTableArn !== undefined) {
    out.error(`${p}.sourceTableArn`, 'set sourceTableName or sourceTableArn, not both: remove one');
  }
  if (r.sourceTableArn !== undefined && !TABLE_ARN.test(r.sourceTableArn)) {
    out.error(
      `${p}.sourceTableArn`,
      `${show(r.sourceTableArn)} is not a DynamoDB table ARN: use arn:aws:dynamodb:REGION:ACCOUNT:table/NAME`,
    );
  }
  if (r.sourceTableName !== undefined && r.sourceTableName === model.tableName) {
    out.error(
      `${p}.sourceTableName`,
      'a table cannot be restored onto itself: the restore creates a new table; choose another spec.tableName',
    );
  }
  if (fromTable && r.backupArn === undefined) {
    const latest = r.useLatestRestorableTime === true;
    if (latest && r.restoreDateTime !== undefined) {
      out.error(`${p}.restoreDateTime`, 'restoreDateTime and useLatestRestorableTime: true are exclusive: remove one');
    } else if (!latest && r.restoreDateTime === undefined) {
      out.error(p, 'a point-in-time restore needs a time: set useLatestRestorableTime: true or restoreDateTime');
    }
  }
  if (
    r.restoreDateTime !== undefined &&
    (!RFC3339.test(r.restoreDateTime) || Number.isNaN(Date.parse(r.restoreDateTime)))
  ) {
    out.error(
      `${p}.restoreDateTime`,
      `${show(r.restoreDateTime)} is not an RFC 3339 time: use e.g. 2026-01-31T12:00:00Z`,
    );
  }
}

function checkImport(model: TableModel, i: ImportSource, out: Findings): void {
  const p = i.path;
  if (i.csv !== undefined && i.inputFormat !== 'CSV') {
    out.error(`${p}.csv`, `CSV options apply only to inputFormat CSV (it is ${i.inputFormat}): remove csv`);
  }
  const delimiter = i.csv?.delimiter;
  if (delimiter !== undefined && !CSV_DELIMITERS.includes(delimiter)) {
    out.error(
      `${p}.csv.delimiter`,
      `${show(delimiter)} is not a delimiter ImportTable accepts: use one of , tab : ; | or space`,
    );
  }
  if (model.localSecondaryIndexes.length > 0) {
    out.error(
      model.localSecondaryIndexesPath,
      "ImportTable cannot create local secondary indexes (its TableCreationParameters have none), and LSIs exist only from a table's creation: remove them, or create the table without import",
    );
  }
}

export function checkCreateFrom(model: TableModel): ValidationResult {
  const out = new Findings();
  if (model.restore && model.import) {
    out.error(
      model.import.path,
      'restore and import are exclusive: a table is created either from a restore or from an S3 import; remove one',
    );
  }
  if (model.restore) checkRestore(model, model.restore, out);
  if (model.import) checkImport(model, model.import, out);
  return out;
}

const text = (v: RestoreSource | ImportSource | undefined): string => {
  if (!v) return 'none';
  const { path: _path, ...rest } = v;
  // Code-unit order, as the planner sorts: localeCompare would page in ICU's collation data (~3 MB of RSS)
  // to order a handful of ASCII keys.
  const sorted = Object.fromEntries(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1)));
  return JSON.stringify(sorted);
};

/** UPDATE: restore and import were used when the table was created; changing them now would do nothing. */
export function checkCreateFromUpdate(model: TableModel, old: TableModel): ValidationResult {
  const out = new Findings();
  for (const field of ['restore', 'import'] as const) {
    if (text(model[field]) !== text(old[field])) {
      out.error(
        `spec.${field}`,
        `${field} is used only when the table is created and is immutable (was ${text(old[field])}): the table ` +
          `exists already; put spec.${field} back as it was, or create a new object for a new table`,
      );
    }
  }
  return out;
}
