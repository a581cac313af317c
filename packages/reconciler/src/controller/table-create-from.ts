// Creating a table from data (spec.restore / spec.import) instead of CreateTable, and following an
// import until it ends. None of these requests can carry tags, so the restored or imported table is
// recognised as ours only by the create intent written just before the call (ownership.ts: a table
// with no tags at all, created after the intent and the object, within the window); the first
// reconcile that sees it tags it with the owner tags (table-adopt.ts), and the create follow-ups and
// the update planner apply what the request could not set (TTL, PITR, streams, deletion protection).
import {
  DescribeImportCommand,
  ImportTableCommand,
  RestoreTableFromBackupCommand,
  RestoreTableToPointInTimeCommand,
} from '@aws-sdk/client-dynamodb';
import type { ImportTableDescription, TableDescription } from '@aws-sdk/client-dynamodb';
import type { CreateFromRequest, ImportStatus, TableModel } from '@dynamodb-operator/api';
import type { ProviderClients } from '../aws/clients.ts';
import { awsErrorName, classifyAwsError } from '../aws/errors.ts';
import { importStatus, restoreStatus } from './create-from-status.ts';
import { TerminalError } from './errors.ts';
import { report } from './report.ts';
import type { ReconcileResult, TableRun } from './table-context.ts';

/** Import states after which nothing more happens. */
const IMPORT_FAILED = new Set(['FAILED', 'CANCELLED']);

/** What a failed import says on the Terminal condition: AWS's own code and message. */
export function importFailedMessage(tableName: string, s: ImportStatus): string {
  const why = [s.failureCode, s.failureMessage].filter(Boolean).join(': ') || 'no reason given by AWS';
  return (
    `import into table ${tableName} ended ${s.status ?? 'FAILED'} (${s.importArn ?? 'unknown import'}): ${why}. ` +
    'spec.import is immutable: fix the data in S3 (or the spec) and create the object again ' +
    '(delete it; the table, if AWS left one, follows the deletion policy)'
  );
}

/** The errors of a restore or import request that only a changed spec can fix. */
const SPEC_ERRORS = new Set([
  'SourceTableNotFoundException',
  'PointInTimeRecoveryUnavailableException',
  'InvalidRestoreTimeException',
  'BackupNotFoundException',
  'BackupInUseException',
  'TableAlreadyExistsException',
  'ImportConflictException',
]);

async function send(c: ProviderClients, run: TableRun, req: CreateFromRequest) {
  const opts = { abortSignal: run.d.gate.signal() };
  switch (req.command) {
    case 'RestoreTableToPointInTime':
      return { table: (await c.dynamodb.send(new RestoreTableToPointInTimeCommand(req.input), opts)).TableDescription };
    case 'RestoreTableFromBackup':
      return { table: (await c.dynamodb.send(new RestoreTableFromBackupCommand(req.input), opts)).TableDescription };
    case 'ImportTable':
      return { import: (await c.dynamodb.send(new ImportTableCommand(req.input), opts)).ImportTableDescription };
  }
}

/** Sends the restore or import (the create intent is already written); the next reconcile observes. */
export async function createFromData(
  run: TableRun,
  model: TableModel,
  c: ProviderClients,
  req: CreateFromRequest,
): Promise<ReconcileResult> {
  let out: { table?: TableDescription | undefined; import?: ImportTableDescription | undefined };
  try {
    out = await send(c, run, req);
  } catch (err) {
    const name = awsErrorName(err);
    if (name === 'ResourceInUseException') return { requeueAfterMs: run.poll('create-busy') };
    if (SPEC_ERRORS.has(name) || classifyAwsError(err) === 'terminal') {
      const field = req.command === 'ImportTable' ? 'spec.import' : 'spec.restore';
      throw new TerminalError(
        name,
        `${req.command} for table ${model.tableName} failed: ${name}: ${(err as Error).message}. ${field} is ` +
          `immutable: delete this object and create it again with a corrected ${field}`,
      );
    }
    throw err;
  }
  const patch: Record<string, unknown> = { tableStatus: out.table?.TableStatus ?? 'CREATING' };
  let what: string;
  if (req.command === 'ImportTable') {
    const s = importStatus(out.import);
    patch.import = s;
    what = `ImportTable sent for ${model.tableName} (${s.importArn ?? 'no import ARN'})`;
  } else {
    const r = restoreStatus(out.table?.RestoreSummary);
    if (r) patch.restore = r;
    what = `${req.command} sent for ${model.tableName}`;
  }
  run.log.info({ table: model.tableName, command: req.command }, 'create from data sent');
  await report(run, {
    kind: 'progressing',
    reason: 'Creating',
    message: `table ${model.tableName} is being created (${req.command})`,
    syncedMessage: `${req.command} sent`,
    patch,
    event: { type: 'Normal', reason: 'Creating', message: what },
  });
  return { requeueAfterMs: run.poll('creating') };
}

/** An import was started for this object and has not ended: no second ImportTable. */
export function importPending(run: TableRun): boolean {
  const s = run.status.import as ImportStatus | undefined;
  return Boolean(s?.importArn) && s?.status !== 'COMPLETED';
}

/**
 * Follows the object's import until it ends: DescribeImport while it runs (status.import); when it
 * failed or was cancelled, the TerminalError (AWS's FailureCode/FailureMessage) to throw once any
 * table AWS left behind has been claimed. The import
 * ARN comes from the status, which a user may write: it is read only if it names this table's import.
 */
export async function trackImport(
  run: TableRun,
  model: TableModel,
  c: ProviderClients,
): Promise<TerminalError | undefined> {
  const s = run.status.import as ImportStatus | undefined;
  if (!model.import || !s?.importArn || s.status === 'COMPLETED') return undefined;
  if (s.status && IMPORT_FAILED.has(s.status)) {
    return new TerminalError('ImportFailed', importFailedMessage(model.tableName, s));
  }
  if (!s.importArn.includes(`:table/${model.tableName}/import/`)) return undefined;
  const out = await c.dynamodb.send(new DescribeImportCommand({ ImportArn: s.importArn }), {
    abortSignal: run.d.gate.signal(),
  });
  const now = importStatus(out.ImportTableDescription);
  const failed = now.status !== undefined && IMPORT_FAILED.has(now.status);
  const msg = failed ? importFailedMessage(model.tableName, now) : `import ${now.status ?? 'IN_PROGRESS'}`;
  if (JSON.stringify(now) !== JSON.stringify(s)) {
    // A failure's Event goes out with the TerminalError returned below, once the table is claimed.
    await report(run, {
      kind: failed ? 'terminal' : 'progressing',
      reason: failed ? 'ImportFailed' : 'Importing',
      message: msg,
      patch: { import: now },
      event: null,
    });
  }
  if (failed) return new TerminalError('ImportFailed', msg);
  if (now.status === 'COMPLETED') {
    run.d.events.emit(
      run.obj,
      'Normal',
      'ImportCompleted',
      `import into ${model.tableName} completed: ${now.importedItemCount ?? 0} items imported`,
    );
  }
  return undefined;
}

/**
 * A restore takes its source's key schema (no request parameter sets it). One that differs from the
 * spec's can never converge — DynamoDB cannot change a key schema, and the spec's is immutable — so it
 * is Terminal with both sides named. undefined when the keys match, or the table is not a restore.
 */
export function restoredKeyMismatch(model: TableModel, described: TableDescription): string | undefined {
  if (!model.restore) return undefined;
  const specType = new Map(model.attributeDefinitions.map((a) => [a.name, a.type]));
  const awsType = new Map((described.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]));
  const want = model.keySchema.map((k) => `${k.attributeName}:${specType.get(k.attributeName) ?? '?'} ${k.keyType}`);
  const have = (described.KeySchema ?? []).map(
    (k) => `${k.AttributeName ?? ''}:${awsType.get(k.AttributeName) ?? '?'} ${k.KeyType ?? ''}`,
  );
  if (want.join(', ') === have.join(', ')) return undefined;
  return (
    `the restored table ${model.tableName} has its source's key schema (${have.join(', ')}), not the spec's ` +
    `(${want.join(', ')}); neither can change: delete this object (the table follows its deletion policy) and ` +
    'create it again with the key schema of the restore source'
  );
}
