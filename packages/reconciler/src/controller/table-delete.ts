// Deletion by spec.deletionPolicy, read leniently (deletion-target.ts: an invalid spec never blocks a
// deletion). Delete: DeleteTable only if the table carries our owner-uid tag (read from AWS, never
// status), wait until it is gone, then drop the finalizer; a table already DELETING is waited for
// whatever its tags say (AWS may list none while it is deleted). Retain: keep the table and its ownership
// mark. Orphan: keep the table, remove our ownership mark. Without a usable provider, Retain/Orphan
// (and an object that never created a table) let the object go without AWS calls; Delete explains
// the ways out. A table missing where the provider now points, while the object recorded it
// elsewhere (location.ts), is not reported deleted. While the object is being deleted it is never
// Ready, and a refused finalizer removal (e.g. the admission webhook is down) is said on the object.
import { DeleteTableCommand, UntagResourceCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import type { TableDescription } from '@aws-sdk/client-dynamodb';
import type { ProviderClients } from '../aws/clients.ts';
import { awsErrorName } from '../aws/errors.ts';
import { KubeApiError } from '@dynamodb-operator/kube';
import type { DeletionTarget } from './deletion-target.ts';
import { TerminalError } from './errors.ts';
import { describeLocation, movedFrom } from './location.ts';
import type { EventSpec } from './outcome.ts';
import { FINALIZER, OWNER_TAG, OWNER_UID_TAG, decideOwnership } from './ownership.ts';
import { report } from './report.ts';
import { removeAutoScaling } from './table-autoscaling.ts';
import { removeReplicasStep } from './table-replicas.ts';
import { CREATE_INTENT_ANNOTATION, freshTables, ownedTables } from './table-context.ts';
import type { ReconcileResult, TableRun } from './table-context.ts';
import { currentLocation, recordedLocation } from './table-resolve.ts';
import { observedFields } from './table-status.ts';

/**
 * Drop the finalizer. When the API server refuses (a validating webhook that is down, say), the
 * object says so — otherwise it would read "being deleted" forever — and the error is retried.
 */
export async function releaseObject(run: TableRun): Promise<void> {
  try {
    await run.removeFinalizer();
    ownedTables(run.d).forget(run.obj.metadata.uid ?? '');
    freshTables(run.d).forget(run.obj.metadata.uid ?? '');
  } catch (err) {
    if (!(err instanceof KubeApiError)) throw err;
    const msg =
      `the AWS side of the deletion is done, but the API server refused to remove the finalizer ${FINALIZER} ` +
      `(HTTP ${err.status} ${err.reason}): ${err.message}. If an admission webhook is unavailable, restore it ` +
      `(the reconciler retries); as a last resort remove the finalizer by hand`;
    try {
      await report(run, { kind: 'blocked', reason: 'FinalizerRemovalRefused', message: msg });
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
  const policy = target.deletionPolicy ?? 'Delete';
  const table = target.tableName;
  if (policy === 'Retain') {
    run.d.events.emit(run.obj, 'Normal', 'Retained', `deletionPolicy Retain: table ${table} is kept in AWS`);
    return release(run);
  }
  if (!c) return withoutProvider(run, target, providerProblem);
  const described = await run.describe(c, table);
  if (!described) return notFound(run, target, c);
  const arn = described.TableArn ?? '';
  const tags = await run.listTags(c, arn);
  const ownership = decideOwnership({
    tags,
    uid: run.obj.metadata.uid ?? '',
    adoptAnnotation: undefined,
    tableName: table,
  });
  if (ownership.kind !== 'ours') {
    if (described.TableStatus === 'DELETING' && policy === 'Delete') return awaitDeletionOfUnproven(run, table);
    const msg = `table ${table} is not owned by this object; left untouched in AWS (deletionPolicy ${policy})`;
    run.d.events.emit(run.obj, 'Warning', 'DeleteSkipped', msg);
    return release(run);
  }
  if (policy === 'Orphan') {
    await c.dynamodb.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: [OWNER_TAG, OWNER_UID_TAG] }), {
      abortSignal: run.d.gate.signal(),
    });
    const msg = `deletionPolicy Orphan: table ${table} kept, ownership tags removed`;
    run.d.events.emit(run.obj, 'Normal', 'Orphaned', msg);
    return release(run);
  }
  return deleteOwned(run, c, target, described);
}

/**
 * A table already DELETING whose tags do not show our uid: AWS (and dynalite) may list no tags for a
 * table being deleted, so this is also what our own DeleteTable looks like to a reconciler restarted
 * after it. Nothing is sent to the table and none of its fields are recorded (it may not be ours);
 * the object waits until the name is free, so that "deleted" never reads true while the table exists.
 */
async function awaitDeletionOfUnproven(run: TableRun, table: string): Promise<ReconcileResult> {
  const message = `table ${table} is being deleted; the object is released once it is gone`;
  await report(run, { kind: 'progressing', reason: 'Deleting', message });
  return { requeueAfterMs: run.poll('deleting') };
}

async function release(run: TableRun): Promise<ReconcileResult> {
  await releaseObject(run);
  return {};
}

/** Deletion is blocked until a human acts (Terminal); looked at again every minute. */
async function blocked(run: TableRun, message: string): Promise<ReconcileResult> {
  await report(run, { kind: 'terminal', reason: 'DeletionBlocked', message });
  return { requeueAfterMs: 60_000 };
}

/** No usable provider: let go what needs no AWS call; a Delete explains the ways out. */
async function withoutProvider(
  run: TableRun,
  target: DeletionTarget,
  providerProblem: string | undefined,
): Promise<ReconcileResult> {
  const table = target.tableName;
  // No table ARN and no create intent: this object never sent CreateTable, so there is nothing in
  // AWS to clean up (a status is only user-writable for the object's own, so this cannot touch another's).
  if (!run.status.tableArn && !run.obj.metadata.annotations?.[CREATE_INTENT_ANNOTATION]) {
    const msg = `no table was ever created for this object; released without AWS calls (${providerProblem})`;
    run.d.events.emit(run.obj, 'Normal', 'Released', msg);
    return release(run);
  }
  if (target.deletionPolicy === 'Orphan') {
    const msg = `deletionPolicy Orphan: table ${table} is kept; its ownership tags could not be removed (${providerProblem})`;
    run.d.events.emit(run.obj, 'Warning', 'Orphaned', msg);
    return release(run);
  }
  return blocked(
    run,
    `cannot delete table ${table}: ${providerProblem}. Ways out: restore the AWSProvider, or set ` +
      `spec.deletionPolicy to Retain or Orphan to keep the table, or (last resort) remove the finalizer ${FINALIZER}`,
  );
}

/** Not found where the provider points: gone, unless the object recorded it elsewhere (a moved provider). */
async function notFound(run: TableRun, target: DeletionTarget, c: ProviderClients): Promise<ReconcileResult> {
  const table = target.tableName;
  const policy = target.deletionPolicy ?? 'Delete';
  const recorded = recordedLocation(run);
  const moved = run.status.tableArn ? movedFrom(recorded, currentLocation(run, c)) : '';
  if (!moved) {
    if (policy === 'Delete' && run.status.tableArn) {
      run.d.events.emit(run.obj, 'Normal', 'Deleted', `table ${table} deleted`);
    }
    return release(run);
  }
  // Not found HERE says nothing about the table where it was created.
  const where = describeLocation(recorded);
  if (policy === 'Orphan') {
    const msg =
      `deletionPolicy Orphan: table ${table} is kept (${where}); its ownership tags could not be removed ` +
      `because the AWSProvider now points elsewhere: ${moved}`;
    run.d.events.emit(run.obj, 'Warning', 'Orphaned', msg);
    return release(run);
  }
  return blocked(
    run,
    `cannot delete table ${table}: it lives at ${where}, but the AWSProvider now points elsewhere: ${moved}. ` +
      `Ways out: point the AWSProvider back (spec.region / spec.endpoint / credentials) so the table can be ` +
      `deleted, or set spec.deletionPolicy to Retain or Orphan to keep it (and delete it yourself)`,
  );
}

/** deletionPolicy Delete of a table whose uid tag was just read: one step towards its deletion. */
async function deleteOwned(
  run: TableRun,
  c: ProviderClients,
  target: DeletionTarget,
  described: TableDescription,
): Promise<ReconcileResult> {
  const table = target.tableName;
  // The observed fields are written only here, for a table whose uid tag was just read.
  const deleting = (message: string, tableStatus: string | undefined, event?: EventSpec) =>
    report(run, {
      kind: 'progressing',
      reason: 'Deleting',
      message,
      patch: { ...observedFields(described), tableStatus },
      ...(event ? { event } : {}),
    });
  const beingDeleted = `table ${table} is being deleted`;
  // Replicas go first, one per call (global tables); then the table.
  const replicas = await removeReplicasStep(run, c, table, described.TableStatus, described.Replicas);
  if (replicas !== undefined) {
    await deleting(replicas, described.TableStatus);
    return { requeueAfterMs: run.poll('delete-busy') };
  }
  if (described.TableStatus === 'DELETING') {
    await deleting(beingDeleted, 'DELETING');
    return { requeueAfterMs: run.poll('deleting') };
  }
  if (described.TableStatus !== 'ACTIVE') {
    // CREATING/UPDATING: DeleteTable would be refused with ResourceInUseException; wait (not Ready meanwhile).
    await deleting(beingDeleted, described.TableStatus ?? 'UNKNOWN');
    return { requeueAfterMs: run.poll('delete-busy') };
  }
  if (described.DeletionProtectionEnabled) return lowerProtection(run, c, target);
  // Its scalable targets go first (only those our status lists): none outlives the table.
  await removeAutoScaling(run, c);
  try {
    await c.dynamodb.send(new DeleteTableCommand({ TableName: table }), { abortSignal: run.d.gate.signal() });
  } catch (err) {
    const name = awsErrorName(err);
    if (name === 'ResourceNotFoundException') return release(run);
    if (name === 'ResourceInUseException') return { requeueAfterMs: run.poll('delete-busy') };
    throw err;
  }
  await deleting(beingDeleted, 'DELETING', {
    type: 'Normal',
    reason: 'Deleting',
    message: `DeleteTable sent for ${table}`,
  });
  return { requeueAfterMs: run.poll('deleting') };
}

/**
 * Deletion protection is on in AWS. The spec turned it off after the delete began (the way out the
 * condition names): apply that first, the next reconcile deletes. Otherwise a human must act.
 */
async function lowerProtection(run: TableRun, c: ProviderClients, target: DeletionTarget): Promise<ReconcileResult> {
  const table = target.tableName;
  if (target.deletionProtectionEnabled) {
    throw new TerminalError(
      'DeletionProtectionEnabled',
      `table ${table} has deletion protection enabled; set spec.deletionProtectionEnabled to false (or deletionPolicy Retain/Orphan)`,
    );
  }
  await c.dynamodb.send(new UpdateTableCommand({ TableName: table, DeletionProtectionEnabled: false }), {
    abortSignal: run.d.gate.signal(),
  });
  run.d.events.emit(run.obj, 'Normal', 'DeletionProtectionDisabled', `deletion protection of ${table} turned off`);
  return { requeueAfterMs: run.poll('delete-busy') };
}
