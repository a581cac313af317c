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
import { keyDrift, observedConditions } from './management-status.ts';
import { report } from './report.ts';
import type { ReconcileResult, TableRun } from './table-context.ts';
import { allActive, observedFields } from './table-status.ts';

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
      await report(run, { kind: 'terminal', reason: POLICY_DENIED, message: msg });
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
    await report(run, {
      kind: 'conditions',
      set,
      patch: { tableStatus: 'NOT_FOUND', tableArn: undefined, streamArn: undefined, globalSecondaryIndexes: undefined },
      event: { type: 'Warning', reason: 'TableNotFound', message: set.ready.message, when: 'written' },
    });
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
  const reported = await report(run, {
    kind: 'conditions',
    set,
    patch: observedFields(described),
    // One Event per new difference, not one per resync (the condition keeps saying it).
    event:
      drift.length > 0
        ? { type: 'Warning', reason: 'DriftDetected', message: set.synced.message, when: 'newMessage' }
        : null,
  });
  if (reported.event) run.log.info({ table: model.tableName, drift }, 'observe-only: drift detected, not repaired');
  return active ? {} : { requeueAfterMs: d.pollMs };
}
