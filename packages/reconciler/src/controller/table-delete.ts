// Deletion by spec.deletionPolicy. Delete: DeleteTable only if the table carries our ownership tags,
// wait until it is gone, then drop the finalizer. Retain: keep the table and its ownership mark.
// Orphan: keep the table, remove our ownership mark. Without a usable provider, Retain/Orphan let
// the object go without AWS calls; Delete explains the ways out.
import { DeleteTableCommand, UntagResourceCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import type { TableModel } from '@dynamodb-operator/api';
import type { ProviderClients } from '../aws/clients.ts';
import { awsErrorName } from '../aws/errors.ts';
import { TerminalError } from './errors.ts';
import { FINALIZER, OWNER_TAG, OWNER_UID_TAG, decideOwnership } from './ownership.ts';
import type { ReconcileResult } from './table-context.ts';
import type { TableRun } from './table-context.ts';
import { cond, k8sNow, nextStatus, observedFields } from './table-status.ts';

export async function handleTableDeletion(
  run: TableRun,
  model: TableModel,
  c: ProviderClients | undefined,
  providerProblem: string | undefined,
): Promise<ReconcileResult> {
  const { d } = run;
  const policy = model.deletionPolicy ?? 'Delete';
  const table = model.tableName;

  if (policy === 'Retain') {
    d.events.emit(run.obj, 'Normal', 'Retained', `deletionPolicy Retain: table ${table} is kept in AWS`);
    await run.removeFinalizer();
    return {};
  }

  if (!c) {
    if (policy === 'Orphan') {
      d.events.emit(
        run.obj,
        'Warning',
        'Orphaned',
        `deletionPolicy Orphan: table ${table} is kept; its ownership tags could not be removed (${providerProblem})`,
      );
      await run.removeFinalizer();
      return {};
    }
    const msg =
      `cannot delete table ${table}: ${providerProblem}. Ways out: restore the AWSProvider, or set ` +
      `spec.deletionPolicy to Retain or Orphan to keep the table, or (last resort) remove the finalizer ${FINALIZER}`;
    await run.writeStatus(
      nextStatus(
        run.status,
        {},
        {
          ready: cond('Ready', false, 'DeletionBlocked', msg, run.obj.metadata.generation),
          synced: cond('Synced', false, 'DeletionBlocked', msg, run.obj.metadata.generation),
          terminal: cond('Terminal', true, 'DeletionBlocked', msg, run.obj.metadata.generation),
        },
        k8sNow(),
      ),
    );
    d.events.emit(run.obj, 'Warning', 'DeletionBlocked', msg);
    return { requeueAfterMs: 60_000 };
  }

  const described = await run.describe(c, table);
  if (!described) {
    if (policy === 'Delete' && run.status.tableArn) {
      d.events.emit(run.obj, 'Normal', 'Deleted', `table ${table} deleted`);
    }
    await run.removeFinalizer();
    return {};
  }
  const arn = described.TableArn ?? '';
  const tags = await run.listTags(c, arn);
  const ownership = decideOwnership({
    tags,
    uid: run.obj.metadata.uid ?? '',
    adoptAnnotation: undefined,
    tableName: table,
  });
  if (ownership.kind !== 'ours') {
    d.events.emit(
      run.obj,
      'Warning',
      'DeleteSkipped',
      `table ${table} is not owned by this object; left untouched in AWS (deletionPolicy ${policy})`,
    );
    await run.removeFinalizer();
    return {};
  }

  if (policy === 'Orphan') {
    await c.dynamodb.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: [OWNER_TAG, OWNER_UID_TAG] }), {
      abortSignal: d.gate.signal(),
    });
    d.events.emit(run.obj, 'Normal', 'Orphaned', `deletionPolicy Orphan: table ${table} kept, ownership tags removed`);
    await run.removeFinalizer();
    return {};
  }

  // Delete.
  const gen = run.obj.metadata.generation;
  const deletingStatus = (s: string) =>
    nextStatus(
      run.status,
      { ...observedFields(described), tableStatus: s },
      {
        ready: cond('Ready', false, 'Deleting', `table ${table} is being deleted`, gen),
        synced: cond('Synced', false, 'Deleting', `table ${table} is being deleted`, gen),
        terminal: cond('Terminal', false, 'None', 'no problem that needs a human', gen),
      },
      k8sNow(),
    );
  if (described.TableStatus === 'DELETING') {
    await run.writeStatus(deletingStatus('DELETING'));
    return { requeueAfterMs: d.pollMs };
  }
  if (described.TableStatus !== 'ACTIVE') {
    // CREATING/UPDATING: DeleteTable would be refused with ResourceInUseException; wait.
    return { requeueAfterMs: d.pollMs };
  }
  if (described.DeletionProtectionEnabled) {
    if (!model.deletionProtectionEnabled) {
      // The spec turned protection off after the delete began (the way out the condition names):
      // apply that first; the next reconcile deletes.
      await c.dynamodb.send(new UpdateTableCommand({ TableName: table, DeletionProtectionEnabled: false }), {
        abortSignal: d.gate.signal(),
      });
      d.events.emit(run.obj, 'Normal', 'DeletionProtectionDisabled', `deletion protection of ${table} turned off`);
      return { requeueAfterMs: d.pollMs };
    }
    throw new TerminalError(
      'DeletionProtectionEnabled',
      `table ${table} has deletion protection enabled; set spec.deletionProtectionEnabled to false (or deletionPolicy Retain/Orphan)`,
    );
  }
  try {
    await c.dynamodb.send(new DeleteTableCommand({ TableName: table }), { abortSignal: d.gate.signal() });
  } catch (err) {
    const name = awsErrorName(err);
    if (name === 'ResourceNotFoundException') {
      await run.removeFinalizer();
      return {};
    }
    if (name === 'ResourceInUseException') return { requeueAfterMs: d.pollMs };
    throw err;
  }
  d.events.emit(run.obj, 'Normal', 'Deleting', `DeleteTable sent for ${table}`);
  await run.writeStatus(deletingStatus('DELETING'));
  return { requeueAfterMs: d.pollMs };
}
