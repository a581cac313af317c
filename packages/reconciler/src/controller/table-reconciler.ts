// reconcile(key) for DynamoDBTable and DynamoDB. Level-triggered: it re-reads the object (cache) and
// the table, and moves one step towards the spec — never a second CreateTable for the same object,
// even after a crash between the call and the status write. The recipe, one file per step:
//   management (table-management.ts: paused → no AWS call; observe-only → table-observe.ts, reads only) →
//   resolve (table-resolve.ts: model, provider, clients) → read (table-read.ts: DescribeTable, or the
//   steady-state read rotation; an object's first pass may create without reading, table-create.ts) →
//   create (table-create.ts) or adopt (table-adopt.ts: ownership) →
//   update and status (table-update.ts: one converger step, then conditions). Deletion: table-delete.ts.
import { awsErrorName, classifyAwsError, isCredentialError } from '../aws/errors.ts';
import { KubeApiError, keyOf } from '@dynamodb-operator/kube';
import { NotLeaderError } from '../leader/gate.ts';
import type { Logger } from '../observability/log.ts';
import { RetryableError, TerminalError } from './errors.ts';
import { outcomeOfError } from './outcome.ts';
import { ownershipTags } from './ownership.ts';
import { report } from './report.ts';
import { confirmOwnership, ownerOf, tagsRecord } from './table-adopt.ts';
import { createFirst, createTable, mayCreateFirst } from './table-create.ts';
import { restoredKeyMismatch, trackImport } from './table-create-from.ts';
import { handleTableDeletion } from './table-delete.ts';
import { TableRun, hasFinalizer, pollDelays } from './table-context.ts';
import type { ReconcileResult, TableDeps } from './table-context.ts';
import { readTable } from './table-read.ts';
import { providerOf, resolveTable } from './table-resolve.ts';
import type { Resolved } from './table-resolve.ts';
import { manageFirst } from './table-management.ts';
import { observeOnly } from './table-observe.ts';
import { TerminalMemo } from './terminal-memo.ts';
import type { TableStatus } from './table-status.ts';
import { observeOwned } from './table-update.ts';

export { providerNameOf } from './table-resolve.ts';
export { ownerOf, tagsRecord } from './table-adopt.ts';

export async function reconcileTable(d: TableDeps, key: string, log: Logger): Promise<ReconcileResult> {
  const obj = d.tables.get(key);
  if (!obj || (obj.metadata.deletionTimestamp && !hasFinalizer(obj))) {
    pollDelays(d).forget(key);
    return {};
  }
  const run = new TableRun(d, obj, log);
  try {
    const result = await reconcileBody(run);
    if (result.requeueAfterMs === undefined) pollDelays(d).forget(key);
    return result;
  } catch (err) {
    await reportError(run, err);
    throw err;
  }
}

async function reconcileBody(run: TableRun): Promise<ReconcileResult> {
  const managed = await manageFirst(run);
  if ('done' in managed) return managed.done;
  const resolved = await resolveTable(run);
  if ('done' in resolved) return resolved.done;
  try {
    if ('deletion' in resolved) return await handleTableDeletion(run, resolved.deletion, resolved.clients, undefined);
    if (managed.mode === 'observe') return await observeOnly(run, resolved.model, resolved.clients);
    return await createOrUpdate(run, resolved);
  } catch (err) {
    throw wrapAws(run, resolved.providerKey, 'AWS call', err);
  }
}

async function createOrUpdate(run: TableRun, { model, clients: c }: Resolved): Promise<ReconcileResult> {
  const ownTags = ownershipTags(ownerOf(run.d, run.obj));
  const desiredTags = { ...tagsRecord(ownTags), ...model.tags, ...tagsRecord(ownTags) };
  // A failed import is Terminal, but a table AWS left behind is claimed first, so deletion removes it.
  const importFailed = model.import ? await trackImport(run, model, c) : undefined;
  // An object's first pass, through a provider that keeps CreateTable's tags: create without reading.
  const created = mayCreateFirst(run, model, c) ? await createFirst(run, model, c, ownTags) : undefined;
  if (created) return created;
  const reading = await readTable(run, model, c, desiredTags);
  if (reading.kind === 'missing') {
    if (importFailed) throw importFailed;
    // Adds the finalizer with its create intent, just before CreateTable: one API write, not two.
    return createTable(run, model, c, ownTags);
  }
  await run.addFinalizer();
  if (reading.kind === 'inSync') return {};
  const ownership = await confirmOwnership(run, model, c, reading.described, ownTags);
  if (importFailed) throw importFailed;
  if (!ownership.owned) return {};
  const keys = restoredKeyMismatch(model, reading.described);
  if (keys) throw new TerminalError('RestoredKeySchemaMismatch', keys);
  return observeOwned(run, model, c, reading.described, desiredTags, ownership.tagsRead, reading.reads);
}

/** Put the failure on the object (conditions + Event) before the runner retries or gives up. */
async function reportError(run: TableRun, err: unknown): Promise<void> {
  if (err instanceof NotLeaderError) return;
  const outcome = outcomeOfError(err, Boolean(run.obj.metadata.deletionTimestamp));
  if (!outcome) return;
  if (err instanceof TerminalError) {
    run.d.terminalMemo.remember(keyOf(run.obj), TerminalMemo.fingerprint(run.obj, providerOf(run)));
  }
  try {
    await report(run, outcome);
  } catch (writeErr) {
    run.log.warn({ err: writeErr }, 'writing the error condition failed');
  }
}

/** AWS failures → typed errors; credential failures also drop the cached client. */
function wrapAws(run: TableRun, providerKey: string, op: string, err: unknown): Error {
  if (err instanceof NotLeaderError || err instanceof TerminalError || err instanceof RetryableError) return err;
  // Kubernetes API errors (e.g. 409 on a stale resourceVersion) are retried as they are.
  if (err instanceof KubeApiError) return err;
  const name = awsErrorName(err);
  const msg = `${op} failed: ${name}: ${(err as Error)?.message ?? String(err)}`;
  if (isCredentialError(err)) run.d.clients.invalidate(providerKey);
  if (classifyAwsError(err) === 'terminal') {
    return new TerminalError(name, `${msg} — fix the spec or the AWSProvider's credentials/permissions`);
  }
  return new RetryableError(name, msg);
}

export { keyOf };
export type { TableStatus };
