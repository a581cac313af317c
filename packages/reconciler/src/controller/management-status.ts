// The conditions of a paused or observe-only table object, pure. Neither is a failure, so neither is
// ever Terminal (kstatus Stalled/Failed): a paused object with nothing pending, and an observed table
// that differs from its spec, are left alone on purpose — Reconciling=False, kstatus Current. A paused
// object whose spec (or deletion) waits for the pause to end is InProgress: that work is still owed.
import { FINALIZER } from './ownership.ts';
import { conds } from './table-status.ts';
import type { ConditionSet, TableStatus } from './table-status.ts';
import { MANAGEMENT_POLICY_ANNOTATION, PAUSED_ANNOTATION } from '@dynamodb-operator/api';
import type { ObservedTable, TableModel } from '@dynamodb-operator/api';
import { getCondition } from './conditions.ts';

export const PAUSED = 'Paused';

export interface PausedInput {
  status: TableStatus;
  generation: number | undefined;
  deleting: boolean;
  deletionPolicy: string;
  /** Invalid annotation values, read as paused until fixed (already "path: message"). */
  invalid: string[];
}

/** Synced's reason says the previous reconcile found the object paused (for the Paused/Resumed Events). */
export function wasPaused(status: TableStatus): boolean {
  return getCondition(status.conditions, 'Synced')?.reason === PAUSED;
}

export function pausedConditions(i: PausedInput): ConditionSet {
  const how =
    i.invalid.length > 0 ? `${i.invalid.join('; ')} — read as paused until fixed` : `${PAUSED_ANNOTATION}="true"`;
  const paused = `reconciliation is paused (${how}): no AWS call is made for this table`;
  if (i.deleting) {
    const msg =
      `${paused}; the deletion waits and the finalizer stays. Remove the annotation (or set it to "false") to ` +
      `let deletionPolicy ${i.deletionPolicy} run, or remove the finalizer ${FINALIZER} by hand to release the ` +
      `object without touching AWS`;
    return conds(i.generation, [false, PAUSED, msg], [false, PAUSED, msg]);
  }
  const resume = `${paused}; remove the annotation (or set it to "false") to resume`;
  const prevReady = getCondition(i.status.conditions, 'Ready');
  const upToDate = i.status.ready === true && i.status.syncedGeneration === i.generation && prevReady !== undefined;
  if (!upToDate) {
    return conds(
      i.generation,
      [false, PAUSED, `${resume}; generation ${i.generation ?? '?'} of the spec is not applied yet`],
      [false, PAUSED, resume],
    );
  }
  // Nothing was pending when the pause began: the table stays what it was (Ready), and nothing is owed.
  return {
    ...conds(i.generation, [true, prevReady.reason, prevReady.message], [false, PAUSED, resume]),
    idle: { reason: PAUSED, message: resume },
  };
}

export interface ObservedInput {
  generation: number | undefined;
  tableName: string;
  /** undefined: DescribeTable found no such table. */
  tableStatus: string | undefined;
  /** The table and all its indexes ACTIVE. */
  active: boolean;
  /** What differs between spec and table, in words (api's driftOf). */
  drift: string[];
}

export const OBSERVE_NOTE = `observe-only (${MANAGEMENT_POLICY_ANNOTATION}: Observe): the operator never writes to this table`;

export function observedConditions(i: ObservedInput): ConditionSet {
  const t = i.tableName;
  if (i.tableStatus === undefined) {
    const msg =
      `table ${t} does not exist where the AWSProvider points, and ${OBSERVE_NOTE}, so it is not created. ` +
      `Create it outside Kubernetes or fix spec.tableName; or remove the annotation to let the operator create it`;
    return conds(i.generation, [false, 'TableNotFound', msg], [false, 'TableNotFound', msg]);
  }
  const drift = i.drift.length > 0 ? `differs from the spec (not repaired): ${i.drift.join('; ')}` : '';
  const synced: [boolean, string, string] = drift
    ? [false, 'DriftDetected', `${OBSERVE_NOTE}; table ${t} ${drift}`]
    : [true, 'Observed', `table ${t} matches the spec; ${OBSERVE_NOTE}`];
  if (!i.active) {
    const msg = `table ${t} is ${i.tableStatus} (or an index is not ACTIVE yet); ${OBSERVE_NOTE}`;
    return conds(i.generation, [false, 'TableNotActive', msg], synced);
  }
  const ready: [boolean, string, string] = [true, 'Observed', `table ${t} is ACTIVE; ${OBSERVE_NOTE}`];
  const set = conds(i.generation, ready, synced);
  return drift
    ? { ...set, idle: { reason: 'Observing', message: `${OBSERVE_NOTE}; drift is reported, never repaired` } }
    : set;
}

const keysText = (keys: readonly { attributeName: string; keyType: string }[]): string =>
  keys.map((k) => `${k.attributeName} ${k.keyType}`).join(', ') || '(none)';

/**
 * What a managed table can never have different (key schema, local secondary indexes), so the update
 * planner does not compare it; an observed table can — say so, in the words of driftOf.
 */
export function keyDrift(model: TableModel, observed: ObservedTable): string[] {
  const out: string[] = [];
  if (keysText(model.keySchema) !== keysText(observed.keySchema)) {
    out.push(`key schema is ${keysText(observed.keySchema)} in AWS, the spec says ${keysText(model.keySchema)}`);
  }
  const live = new Map(observed.localSecondaryIndexes.map((i) => [i.indexName, i]));
  const wanted = new Set(model.localSecondaryIndexes.map((i) => i.indexName));
  for (const name of [...live.keys()].sort()) {
    if (!wanted.has(name)) out.push(`LSI ${name} exists in AWS but not in the spec`);
  }
  for (const i of model.localSecondaryIndexes) {
    const have = live.get(i.indexName);
    if (!have) out.push(`LSI ${i.indexName} is missing in AWS`);
    else if (keysText(have.keySchema) !== keysText(i.keySchema)) {
      out.push(
        `LSI ${i.indexName} keys are ${keysText(have.keySchema)} in AWS, the spec says ${keysText(i.keySchema)}`,
      );
    }
  }
  return out;
}
