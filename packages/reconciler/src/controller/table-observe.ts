// Observe-only (management-policy Observe): reads, never a write. DescribeTable, then TTL, PITR and
// tags; the status mirrors the live table (ARN, status, item count, size, stream, GSIs) and drift from
// the spec is a condition and an Event, never repaired. No CreateTable for a missing table, no
// ownership tags (adoption is implied, so the tenancy policy's adoption grant applies), no finalizer
// (deleting the object leaves the table: nothing to clean up).
import { MANAGEMENT_POLICY_PATH, adoptionViolations, driftOf } from '@dynamodb-operator/api';
import type { TableModel } from '@dynamodb-operator/api';
import type { ProviderClients } from '../aws/clients.ts';
import { POLICY_DENIED, policyMessage } from '../aws/tenancy.ts';
import { observeWith } from '../update/observe.ts';
import { externalCapacityOf } from '../update/plan-options.ts';
import { getCondition } from './conditions.ts';
import { keyDrift, observedConditions } from './management-status.ts';
import type { ReconcileResult, TableRun } from './table-context.ts';
import { allActive, conds, k8sNow, nextStatus, observedFields } from './table-status.ts';

/** How often a missing table is looked for again (it may be being created or restored elsewhere). */
const MISSING_RECHECK_MS = 60_000;

export async function observeOnly(run: TableRun, model: TableModel, c: ProviderClients): Promise<ReconcileResult> {
  const { d } = run;
  const gen = run.obj.metadata.generation;
  if (d.tenancy) {
    const labels = d.namespaceLabels?.(run.ns);
    const denied = adoptionViolations(d.tenancy, run.ns, model.tableName, MANAGEMENT_POLICY_PATH, labels);
    if (denied.length > 0) {
      const msg = `observing a table adopts it for reading: ${policyMessage(denied)}`;
      await run.writeStatus(
        nextStatus(
          run.status,
          {},
          conds(gen, [false, POLICY_DENIED, msg], [false, POLICY_DENIED, msg], [true, POLICY_DENIED, msg]),
          k8sNow(),
        ),
      );
      d.events.emit(run.obj, 'Warning', POLICY_DENIED, msg);
      return {};
    }
  }

  const described = await run.describe(c, model.tableName);
  if (!described) {
    const set = observedConditions({
      generation: gen,
      tableName: model.tableName,
      tableStatus: undefined,
      active: false,
      drift: [],
    });
    const wrote = await run.writeStatus(
      nextStatus(
        run.status,
        { tableStatus: 'NOT_FOUND', tableArn: undefined, streamArn: undefined, globalSecondaryIndexes: undefined },
        set,
        k8sNow(),
      ),
    );
    if (wrote) d.events.emit(run.obj, 'Warning', 'TableNotFound', set.ready.message);
    return { requeueAfterMs: MISSING_RECHECK_MS };
  }

  const observed = await observeWith(c.dynamodb, described, { signal: d.gate.signal() });
  // The spec's tags only: the ownership tags are never set here, and tags the spec does not name are
  // none of this object's business.
  const drift = [
    ...keyDrift(model, observed),
    ...driftOf(model, observed, {
      managedTagKeys: [],
      ...(externalCapacityOf(run.obj) ? { externalCapacity: true } : {}),
    }),
  ];
  const active = allActive(described);
  const set = observedConditions({
    generation: gen,
    tableName: model.tableName,
    tableStatus: described.TableStatus ?? 'UNKNOWN',
    active,
    drift,
  });
  const before = getCondition(run.status.conditions, 'Synced')?.message;
  await run.writeStatus(nextStatus(run.status, observedFields(described), set, k8sNow()));
  // One Event per new difference, not one per resync (the condition keeps saying it).
  if (drift.length > 0 && before !== set.synced.message) {
    d.events.emit(run.obj, 'Warning', 'DriftDetected', set.synced.message);
    run.log.info({ table: model.tableName, drift }, 'observe-only: drift detected, not repaired');
  }
  return active ? {} : { requeueAfterMs: d.pollMs };
}
