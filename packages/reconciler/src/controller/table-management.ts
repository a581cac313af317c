// Step 0 of a table reconcile: the management annotations, before anything else (no provider lookup,
// no Secret read, no AWS call). Paused: say so and stop — a deletion waits with its finalizer, so an
// incident pause cannot be bypassed by `kubectl delete`. Observe-only being deleted: release the object
// and leave the table (and its tags) as they are. Events on pause, resume and release.
import { PAUSED_ANNOTATION, managementAction, readManagement } from '@dynamodb-operator/api';
import { formatErrors } from './prepare.ts';
import { deletionTargetOf } from './deletion-target.ts';
import { PAUSED, pausedConditions, wasPaused } from './management-status.ts';
import { report } from './report.ts';
import { releaseObject } from './table-delete.ts';
import type { ReconcileResult, TableRun } from './table-context.ts';

export type ManagementStep = { done: ReconcileResult } | { mode: 'observe' | 'full' };

export async function manageFirst(run: TableRun): Promise<ManagementStep> {
  const m = readManagement(run.obj.metadata.annotations);
  const deleting = Boolean(run.obj.metadata.deletionTimestamp);
  const action = managementAction(m, deleting);
  const prev = run.status;

  if (action === 'paused') {
    const set = pausedConditions({
      status: prev,
      generation: run.obj.metadata.generation,
      deleting,
      deletionPolicy: deletionTargetOf(run.obj)?.deletionPolicy ?? 'Delete',
      invalid: m.errors.length > 0 ? [formatErrors(m.errors)] : [],
    });
    await report(run, {
      kind: 'conditions',
      set,
      // Once per change of what the pause means (begun, a deletion now waiting), not on every resync.
      event: {
        type: m.errors.length > 0 ? 'Warning' : 'Normal',
        reason: PAUSED,
        message: set.synced.message,
        when: 'newMessage',
      },
    });
    return { done: {} };
  }
  if (wasPaused(prev)) {
    run.d.events.emit(run.obj, 'Normal', 'Resumed', `reconciliation resumed (${PAUSED_ANNOTATION} no longer "true")`);
  }
  if (action === 'release') {
    const table = deletionTargetOf(run.obj)?.tableName;
    run.d.events.emit(
      run.obj,
      'Normal',
      'Released',
      `observe-only: table ${table ?? '(none)'} is left untouched in AWS, tags included (deletionPolicy does not apply)`,
    );
    await releaseObject(run);
    return { done: {} };
  }
  return { mode: action };
}
