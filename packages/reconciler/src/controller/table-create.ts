// Step 4a: create the table — never twice for the same object, never behind a deliberate deletion.
// Its first sync's follow-ups (tags, TTL, PITR) are in table-follow-ups.ts.
// An object's first pass may create before reading (mayCreateFirst): AWS refuses a CreateTable for a
// name that exists, and the usual path then reads the table as if it had read first.
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput, TableDescription } from '@aws-sdk/client-dynamodb';
import { renderCreateFromInput, renderCreateTableInput } from '@dynamodb-operator/api';
import type { TableModel } from '@dynamodb-operator/api';
import type { ProviderClients } from '../aws/clients.ts';
import { awsErrorName, isRefusal } from '../aws/errors.ts';
import { TABLE_ENDPOINT_ANNOTATION, describeLocation, endpointKey, movedFrom } from './location.ts';
import { ADOPT_ANNOTATION, RECREATE_ANNOTATION } from './ownership.ts';
import { report } from './report.ts';
import { createFromData, importPending } from './table-create-from.ts';
import { CREATE_INTENT_ANNOTATION, freshTables, hasFinalizer, ownedTables } from './table-context.ts';
import type { ReconcileResult, TableRun } from './table-context.ts';
import { currentLocation, recordedLocation } from './table-resolve.ts';

export async function createTable(
  run: TableRun,
  model: TableModel,
  c: ProviderClients,
  ownTags: { Key: string; Value: string }[],
): Promise<ReconcileResult> {
  const { d } = run;
  if (run.status.tableArn) {
    // Not found where the provider points now, but recorded elsewhere: the provider was moved (region,
    // account or endpoint). The table is most likely still there; creating a second one here would
    // strand it. A human decides (the recreate annotation creates one here on purpose).
    const moved = movedFrom(recordedLocation(run), currentLocation(run, c));
    if (moved && run.obj.metadata.annotations?.[RECREATE_ANNOTATION] !== 'true') {
      const msg =
        `table ${model.tableName} was not found where the AWSProvider now points, but it lives at ` +
        `${describeLocation(recordedLocation(run))}; the provider moved: ${moved}. Point the AWSProvider back ` +
        `(spec.region / spec.endpoint / credentials), or annotate the object ${RECREATE_ANNOTATION}=true to ` +
        `create a new table at the new location (the old one is then left as it is)`;
      await report(run, {
        kind: 'terminal',
        reason: 'ProviderMoved',
        message: msg,
        patch: { tableStatus: 'NOT_FOUND' },
      });
      return {};
    }
    // Deleted outside Kubernetes. Re-creating it silently could hide a deliberate deletion (or a restore
    // under way), and the data is gone either way: a human decides.
    if (run.obj.metadata.annotations?.[RECREATE_ANNOTATION] !== 'true') {
      const msg =
        `table ${model.tableName} no longer exists in AWS (deleted outside Kubernetes); to create it again, ` +
        `annotate the object ${RECREATE_ANNOTATION}=true (or delete the object)`;
      await report(run, { kind: 'blocked', reason: 'TableMissing', message: msg, patch: { tableStatus: 'NOT_FOUND' } });
      return {};
    }
    d.events.emit(
      run.obj,
      'Normal',
      'Recreating',
      `table ${model.tableName} is created again (${RECREATE_ANNOTATION})`,
    );
  }
  // A restore or import creates the table instead (table-create-from.ts); an import already started
  // for this object is followed, never sent twice.
  const from = renderCreateFromInput(model, run.obj.metadata.uid);
  if (from && importPending(run)) return { requeueAfterMs: run.poll('creating') };
  const input = renderCreateTableInput(model, ownTags);
  // Write-ahead intent (see ownership.ts): lets us recognise our own table even if an emulator drops
  // the Tags parameter and we crash before tagging it.
  // The endpoint is recorded with it (location.ts): the ARN alone does not say which endpoint.
  // The finalizer goes in the same patch (one API write per create, not two): from here on there may be a
  // table that a deletion must deal with, and not before.
  await run.annotate(
    {
      [CREATE_INTENT_ANNOTATION]: `${model.tableName}@${new Date().toISOString()}`,
      [TABLE_ENDPOINT_ANNOTATION]: endpointKey(c.settings.endpoint),
    },
    { finalizer: true },
  );
  if (from) return createFromData(run, model, c, from);
  try {
    return await sendCreate(run, model, c, input);
  } catch (err) {
    // Someone (or our own earlier, unanswered call) is creating it: observe again shortly.
    if (awsErrorName(err) === 'ResourceInUseException') return { requeueAfterMs: run.poll('create-busy') };
    throw err;
  }
}

/**
 * Whether the object's first pass may send CreateTable without DescribeTable first: nothing says a
 * table exists for it (no finalizer, hence no CreateTable sent before; no ARN or table status; no create
 * intent; no adoption asked for; no restore or import; and this process neither created nor confirmed
 * one, which a cache that lags behind our own writes would not show yet), and its provider
 * configuration is known to keep CreateTable's tags (fresh-tables.ts), so that a table from a call whose
 * answer was lost is recognised as ours by its tags, without a create intent.
 */
export function mayCreateFirst(run: TableRun, model: TableModel, c: ProviderClients): boolean {
  const annotations = run.obj.metadata.annotations ?? {};
  const uid = run.obj.metadata.uid ?? '';
  const fresh = freshTables(run.d);
  return (
    !hasFinalizer(run.obj) &&
    !fresh.has(uid) &&
    ownedTables(run.d).arnOf(uid, c.specKey) === undefined &&
    !run.status.tableArn &&
    run.status.tableStatus === undefined &&
    !annotations[CREATE_INTENT_ANNOTATION] &&
    annotations[ADOPT_ANNOTATION] !== 'true' &&
    !model.restore &&
    !model.import &&
    fresh.keepsCreateTags(c.specKey)
  );
}

/**
 * CreateTable first (see mayCreateFirst): one DescribeTable less per create. Undefined when AWS refused
 * it and the table exists — the usual path then reads it and decides ownership, as if it had read first.
 */
export async function createFirst(
  run: TableRun,
  model: TableModel,
  c: ProviderClients,
  ownTags: { Key: string; Value: string }[],
): Promise<ReconcileResult | undefined> {
  const input = renderCreateTableInput(model, ownTags);
  // The finalizer before the call, as in createTable; from here on any pass reads first.
  await run.annotate({ [TABLE_ENDPOINT_ANNOTATION]: endpointKey(c.settings.endpoint) }, { finalizer: true });
  const requestedAt = new Date().toISOString();
  try {
    return await sendCreate(run, model, c, input);
  } catch (err) {
    if (!isRefusal(err)) {
      await recordIntentAfterLostAnswer(run, model, requestedAt);
      throw err;
    }
    if (awsErrorName(err) === 'ResourceInUseException' || (await run.describe(c, model.tableName))) return undefined;
    throw err;
  }
}

/**
 * No answer (timeout, reset, 5xx): the table may exist now, and AWS's listing may not show its tags yet
 * when the retry (which reads first) checks ownership. The create intent, timed before the call as if
 * written ahead, lets that check recognise it. Only here: a refused call leaves no intent behind.
 */
async function recordIntentAfterLostAnswer(run: TableRun, model: TableModel, requestedAt: string): Promise<void> {
  try {
    await run.annotate({ [CREATE_INTENT_ANNOTATION]: `${model.tableName}@${requestedAt}` });
  } catch (err) {
    // The retry still recognises the table by its tags once AWS lists them (at the latest on the resync).
    run.log.warn({ err, table: model.tableName }, 'recording the create intent after an unanswered CreateTable failed');
  }
}

/** CreateTable, then the status Creating; the table is remembered as fresh (fresh-tables.ts). */
async function sendCreate(
  run: TableRun,
  model: TableModel,
  c: ProviderClients,
  input: CreateTableCommandInput,
): Promise<ReconcileResult> {
  const { d } = run;
  const out = await c.dynamodb.send(new CreateTableCommand(input), { abortSignal: d.gate.signal() });
  const created: TableDescription | undefined = out.TableDescription;
  if (created) freshTables(d).created(run.obj.metadata.uid ?? '', created, input.Tags ?? [], c.specKey);
  run.log.info({ table: model.tableName }, 'CreateTable sent');
  // tableArn is written only once ownership is confirmed by the next DescribeTable + tags check.
  await report(run, {
    kind: 'progressing',
    reason: 'Creating',
    message: `table ${model.tableName} is being created`,
    syncedMessage: 'CreateTable sent',
    patch: { tableStatus: created?.TableStatus ?? 'CREATING' },
    event: { type: 'Normal', reason: 'Creating', message: `CreateTable sent for ${model.tableName}` },
  });
  return { requeueAfterMs: run.poll('creating') };
}
