// Deletion by spec.deletionPolicy, read leniently (deletion-target.ts: an invalid spec never blocks a
// deletion). Delete: DeleteTable only if the table carries our owner-uid tag (read from AWS, never
// status), wait until it is gone, then drop the finalizer. Retain: keep the table and its ownership
// mark. Orphan: keep the table, remove our ownership mark. Without a usable provider, Retain/Orphan
// (and an object that never created a table) let the object go without AWS calls; Delete explains
// the ways out. A table missing where the provider now points, while the object recorded it
// elsewhere (location.ts), is not reported deleted. While the object is being deleted it is never
// Ready, and a refused finalizer removal (e.g. the admission webhook is down) is said on the object.
import { DeleteTableCommand, UntagResourceCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import type { ProviderClients } from '../aws/clients.ts';
import { awsErrorName } from '../aws/errors.ts';
import { KubeApiError } from '@dynamodb-operator/kube';
import type { DeletionTarget } from './deletion-target.ts';
import { TerminalError } from './errors.ts';
import { describeLocation, movedFrom } from './location.ts';
import { FINALIZER, OWNER_TAG, OWNER_UID_TAG, decideOwnership } from './ownership.ts';
import { removeAutoScaling } from './table-autoscaling.ts';
import { removeReplicasStep } from './table-replicas.ts';
import { CREATE_INTENT_ANNOTATION, ownedTables } from './table-context.ts';
import type { ReconcileResult, TableRun } from './table-context.ts';
import { currentLocation, recordedLocation } from './table-resolve.ts';
import { conds, k8sNow, nextStatus, observedFields } from './table-status.ts';
import type { TableStatus } from './table-status.ts';

/** Ready=False Deleting (Terminal as given): a deleting object is never Ready. */
function deletingStatus(
  run: TableRun,
  reason: string,
  msg: string,
  patch: Partial<TableStatus> = {},
  terminal = false,
) {
  const gen = run.obj.metadata.generation;
  return nextStatus(
    run.status,
    patch,
    conds(
      gen,
      [false, reason, msg],
      [false, reason, msg],
      terminal ? [true, reason, msg] : [false, 'None', 'no problem that needs a human'],
    ),
    k8sNow(),
  );
}

/**
 * Drop the finalizer. When the API server refuses (a validating webhook that is down, say), the
 * object says so — otherwise it would read "being deleted" forever — and the error is retried.
 */
export async function releaseObject(run: TableRun): Promise<void> {
  try {
    await run.removeFinalizer();
    ownedTables(run.d).forget(run.obj.metadata.uid ?? '');
  } catch (err) {
    if (!(err instanceof KubeApiError)) throw err;
    const msg =
      `the AWS side of the deletion is done, but the API server refused to remove the finalizer ${FINALIZER} ` +
      `(HTTP ${err.status} ${err.reason}): ${err.message}. If an admission webhook is unavailable, restore it ` +
      `(the reconciler retries); as a last resort remove the finalizer by hand`;
    run.d.events.emit(run.obj, 'Warning', 'FinalizerRemovalRefused', msg);
    try {
      await run.writeStatus(deletingStatus(run, 'FinalizerRemovalRefused', msg));
    } catch (writeErr) {
      run.log.warn({ err: writeErr }, 'writing the finalizer refusal failed');
    }
    throw err;
  }
}

export async function handleTableDeletion(
  run: TableRun,
  target: DeletionTarget,
  c: ProviderClients | undefined,
  providerProblem: string | undefined,
): Promise<ReconcileResult> {
  const { d } = run;
  const policy = target.deletionPolicy ?? 'Delete';
  const table = target.tableName;

  if (policy === 'Retain') {
    d.events.emit(run.obj, 'Normal', 'Retained', `deletionPolicy Retain: table ${table} is kept in AWS`);
    await releaseObject(run);
    return {};
  }

  if (!c) {
    // No table ARN and no create intent: this object never sent CreateTable, so there is nothing in
    // AWS to clean up (a status is only user-writable for the object's own, so this cannot touch another's).
    if (!run.status.tableArn && !run.obj.metadata.annotations?.[CREATE_INTENT_ANNOTATION]) {
      d.events.emit(
        run.obj,
        'Normal',
        'Released',
        `no table was ever created for this object; released without AWS calls (${providerProblem})`,
      );
      await releaseObject(run);
      return {};
    }
    if (policy === 'Orphan') {
      d.events.emit(
        run.obj,
        'Warning',
        'Orphaned',
        `deletionPolicy Orphan: table ${table} is kept; its ownership tags could not be removed (${providerProblem})`,
      );
      await releaseObject(run);
      return {};
    }
    const msg =
      `cannot delete table ${table}: ${providerProblem}. Ways out: restore the AWSProvider, or set ` +
      `spec.deletionPolicy to Retain or Orphan to keep the table, or (last resort) remove the finalizer ${FINALIZER}`;
    await run.writeStatus(deletingStatus(run, 'DeletionBlocked', msg, {}, true));
    d.events.emit(run.obj, 'Warning', 'DeletionBlocked', msg);
    return { requeueAfterMs: 60_000 };
  }

  const described = await run.describe(c, table);
  if (!described) {
    const recorded = recordedLocation(run);
    const moved = run.status.tableArn ? movedFrom(recorded, currentLocation(run, c)) : '';
    if (moved) {
      // Not found HERE says nothing about the table where it was created.
      const where = describeLocation(recorded);
      if (policy === 'Orphan') {
        d.events.emit(
          run.obj,
          'Warning',
          'Orphaned',
          `deletionPolicy Orphan: table ${table} is kept (${where}); its ownership tags could not be removed ` +
            `because the AWSProvider now points elsewhere: ${moved}`,
        );
        await releaseObject(run);
        return {};
      }
      const msg =
        `cannot delete table ${table}: it lives at ${where}, but the AWSProvider now points elsewhere: ${moved}. ` +
        `Ways out: point the AWSProvider back (spec.region / spec.endpoint / credentials) so the table can be ` +
        `deleted, or set spec.deletionPolicy to Retain or Orphan to keep it (and delete it yourself)`;
      await run.writeStatus(deletingStatus(run, 'DeletionBlocked', msg, {}, true));
      d.events.emit(run.obj, 'Warning', 'DeletionBlocked', msg);
      return { requeueAfterMs: 60_000 };
    }
    if (policy === 'Delete' && run.status.tableArn) {
      d.events.emit(run.obj, 'Normal', 'Deleted', `table ${table} deleted`);
    }
    await releaseObject(run);
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
    await releaseObject(run);
    return {};
  }

  if (policy === 'Orphan') {
    await c.dynamodb.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: [OWNER_TAG, OWNER_UID_TAG] }), {
      abortSignal: d.gate.signal(),
    });
    d.events.emit(run.obj, 'Normal', 'Orphaned', `deletionPolicy Orphan: table ${table} kept, ownership tags removed`);
    await releaseObject(run);
    return {};
  }

  // Delete. The observed fields are written only here, for a table whose uid tag was just read.
  const beingDeleted = (s: string) =>
    deletingStatus(run, 'Deleting', `table ${table} is being deleted`, {
      ...observedFields(described),
      tableStatus: s,
    });
  // Replicas go first, one per call (global tables); then the table.
  const replicas = await removeReplicasStep(run, c, table, described.TableStatus, described.Replicas);
  if (replicas !== undefined) {
    await run.writeStatus(
      deletingStatus(run, 'Deleting', replicas, { ...observedFields(described), tableStatus: described.TableStatus }),
    );
    return { requeueAfterMs: run.poll('delete-busy') };
  }
  if (described.TableStatus === 'DELETING') {
    await run.writeStatus(beingDeleted('DELETING'));
    return { requeueAfterMs: run.poll('deleting') };
  }
  if (described.TableStatus !== 'ACTIVE') {
    // CREATING/UPDATING: DeleteTable would be refused with ResourceInUseException; wait (not Ready meanwhile).
    await run.writeStatus(beingDeleted(described.TableStatus ?? 'UNKNOWN'));
    return { requeueAfterMs: run.poll('delete-busy') };
  }
  if (described.DeletionProtectionEnabled) {
    if (!target.deletionProtectionEnabled) {
      // The spec turned protection off after the delete began (the way out the condition names):
      // apply that first; the next reconcile deletes.
      await c.dynamodb.send(new UpdateTableCommand({ TableName: table, DeletionProtectionEnabled: false }), {
        abortSignal: d.gate.signal(),
      });
      d.events.emit(run.obj, 'Normal', 'DeletionProtectionDisabled', `deletion protection of ${table} turned off`);
      return { requeueAfterMs: run.poll('delete-busy') };
    }
    throw new TerminalError(
      'DeletionProtectionEnabled',
      `table ${table} has deletion protection enabled; set spec.deletionProtectionEnabled to false (or deletionPolicy Retain/Orphan)`,
    );
  }
  // Its scalable targets go first (only those our status lists): none outlives the table.
  await removeAutoScaling(run, c);
  try {
    await c.dynamodb.send(new DeleteTableCommand({ TableName: table }), { abortSignal: d.gate.signal() });
  } catch (err) {
    const name = awsErrorName(err);
    if (name === 'ResourceNotFoundException') {
      await releaseObject(run);
      return {};
    }
    if (name === 'ResourceInUseException') return { requeueAfterMs: run.poll('delete-busy') };
    throw err;
  }
  d.events.emit(run.obj, 'Normal', 'Deleting', `DeleteTable sent for ${table}`);
  await run.writeStatus(beingDeleted('DELETING'));
  return { requeueAfterMs: run.poll('deleting') };
}
