// Step 4a: create the table — never twice for the same object, never behind a deliberate deletion —
// and, on the first sync after create or adoption, its follow-ups (tags, TTL, PITR), each read first.
import {
  CreateTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTimeToLiveCommand,
  UpdateContinuousBackupsCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type {
  ContinuousBackupsDescription,
  TableDescription,
  Tag,
  TimeToLiveDescription,
} from '@aws-sdk/client-dynamodb';
import {
  renderContinuousBackupsInput,
  renderCreateFromInput,
  renderCreateTableInput,
  renderTimeToLiveInput,
} from '@dynamodb-operator/api';
import type { TableModel } from '@dynamodb-operator/api';
import type { ProviderClients } from '../aws/clients.ts';
import { awsErrorName } from '../aws/errors.ts';
import { TABLE_ENDPOINT_ANNOTATION, describeLocation, endpointKey, movedFrom } from './location.ts';
import { RECREATE_ANNOTATION } from './ownership.ts';
import { report } from './report.ts';
import { createFromData, importPending } from './table-create-from.ts';
import { CREATE_INTENT_ANNOTATION, freshTables } from './table-context.ts';
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
  let created: TableDescription | undefined;
  try {
    const out = await c.dynamodb.send(new CreateTableCommand(input), { abortSignal: d.gate.signal() });
    created = out.TableDescription;
  } catch (err) {
    // Someone (or our own earlier, unanswered call) is creating it: observe again shortly.
    if (awsErrorName(err) === 'ResourceInUseException') return { requeueAfterMs: run.poll('create-busy') };
    throw err;
  }
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

/** What the first sync knows of TTL and PITR without reading them again (undefined: read them). */
export interface KnownAfterCreate {
  ttl?: TimeToLiveDescription;
  backups?: ContinuousBackupsDescription;
}

/**
 * After CreateTable (or adoption): tags, TTL and PITR, each written only if needed. Each is read first,
 * except TTL and PITR of a table this process has just created (`fresh`): both are off on a new table.
 * Returns the tags the table carries now and, for a fresh table, TTL and PITR as they now are.
 */
export async function applyCreateFollowUps(
  run: TableRun,
  model: TableModel,
  c: ProviderClients,
  described: TableDescription,
  desiredTags: Record<string, string>,
  tagsRead: Tag[] | undefined,
  fresh = false,
): Promise<{ tags: Tag[] } & KnownAfterCreate> {
  const arn = described.TableArn ?? '';
  const have = tagsRead ?? (await run.listTags(c, arn));
  const { added, now: tags } = await run.ensureTags(c, arn, have, desiredTags);
  if (added > 0) run.log.info({ table: model.tableName, added }, 'tags applied');
  const ttl = await followUpTtl(run, model, c, fresh);
  const backups = await followUpPitr(run, model, c, fresh);
  return { tags, ...(ttl ? { ttl } : {}), ...(backups ? { backups } : {}) };
}

const TTL_OFF: TimeToLiveDescription = { TimeToLiveStatus: 'DISABLED' };
const PITR_OFF: ContinuousBackupsDescription = {
  ContinuousBackupsStatus: 'ENABLED',
  PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' },
};

async function followUpTtl(
  run: TableRun,
  model: TableModel,
  c: ProviderClients,
  fresh: boolean,
): Promise<TimeToLiveDescription | undefined> {
  const ttl = renderTimeToLiveInput(model);
  if (!ttl) return fresh ? TTL_OFF : undefined;
  const abortSignal = run.d.gate.signal();
  const cur = fresh
    ? TTL_OFF
    : (await c.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: model.tableName }), { abortSignal }))
        .TimeToLiveDescription;
  const on = cur?.TimeToLiveStatus === 'ENABLED' || cur?.TimeToLiveStatus === 'ENABLING';
  const name = ttl.TimeToLiveSpecification.AttributeName;
  if (on && cur?.AttributeName === name) return fresh ? cur : undefined;
  await c.dynamodb.send(new UpdateTimeToLiveCommand(ttl), { abortSignal: run.d.gate.signal() });
  run.d.events.emit(run.obj, 'Normal', 'TimeToLiveEnabled', `TTL enabled on attribute ${name}`);
  // What DescribeTimeToLive shows while AWS applies it (plan() counts ENABLING as on).
  return fresh ? { TimeToLiveStatus: 'ENABLING', AttributeName: name } : undefined;
}

async function followUpPitr(
  run: TableRun,
  model: TableModel,
  c: ProviderClients,
  fresh: boolean,
): Promise<ContinuousBackupsDescription | undefined> {
  if (!model.pointInTimeRecovery.enabled) return fresh ? PITR_OFF : undefined;
  if (!fresh) {
    const cur = await c.dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: model.tableName }), {
      abortSignal: run.d.gate.signal(),
    });
    const st = cur.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus;
    if (st === 'ENABLED') return undefined;
  }
  const out = await c.dynamodb.send(new UpdateContinuousBackupsCommand(renderContinuousBackupsInput(model)), {
    abortSignal: run.d.gate.signal(),
  });
  run.d.events.emit(run.obj, 'Normal', 'PointInTimeRecoveryEnabled', 'point-in-time recovery enabled');
  // AWS answers with the new state; without it (an emulator), the sync reads it.
  return fresh ? out.ContinuousBackupsDescription : undefined;
}
