// Step 4a: create the table — never twice for the same object, never behind a deliberate deletion —
// and, on the first sync after create or adoption, its follow-ups (tags, TTL, PITR), each read first.
import {
  CreateTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTimeToLiveCommand,
  UpdateContinuousBackupsCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { TableDescription, Tag } from '@aws-sdk/client-dynamodb';
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
import { CREATE_INTENT_ANNOTATION } from './table-context.ts';
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

/**
 * After CreateTable (or adoption): tags, TTL and PITR — each read first, written only if needed.
 * Returns the tags the table carries now.
 */
export async function applyCreateFollowUps(
  run: TableRun,
  model: TableModel,
  c: ProviderClients,
  described: TableDescription,
  desiredTags: Record<string, string>,
  tagsRead: Tag[] | undefined,
): Promise<Tag[]> {
  const arn = described.TableArn ?? '';
  const signal = () => run.d.gate.signal();
  const have = tagsRead ?? (await run.listTags(c, arn));
  const { added, now: tags } = await run.ensureTags(c, arn, have, desiredTags);
  if (added > 0) run.log.info({ table: model.tableName, added }, 'tags applied');

  const ttl = renderTimeToLiveInput(model);
  if (ttl) {
    const cur = await c.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: model.tableName }), {
      abortSignal: signal(),
    });
    const d = cur.TimeToLiveDescription;
    const on = d?.TimeToLiveStatus === 'ENABLED' || d?.TimeToLiveStatus === 'ENABLING';
    if (
      ttl.TimeToLiveSpecification.Enabled &&
      !(on && d?.AttributeName === ttl.TimeToLiveSpecification.AttributeName)
    ) {
      await c.dynamodb.send(new UpdateTimeToLiveCommand(ttl), { abortSignal: signal() });
      run.d.events.emit(
        run.obj,
        'Normal',
        'TimeToLiveEnabled',
        `TTL enabled on attribute ${ttl.TimeToLiveSpecification.AttributeName}`,
      );
    }
  }
  if (model.pointInTimeRecovery.enabled) {
    const cur = await c.dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: model.tableName }), {
      abortSignal: signal(),
    });
    const st = cur.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus;
    if (st !== 'ENABLED') {
      await c.dynamodb.send(new UpdateContinuousBackupsCommand(renderContinuousBackupsInput(model)), {
        abortSignal: signal(),
      });
      run.d.events.emit(run.obj, 'Normal', 'PointInTimeRecoveryEnabled', 'point-in-time recovery enabled');
    }
  }
  return tags;
}
