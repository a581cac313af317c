// spec.autoScaling → Application Auto Scaling, after the table matches its spec: read the targets and
// policies, plan (api: planAutoScaling), send the calls, report what is registered in
// status.autoScaling. A table that never had auto scaling (none in the spec, none in its status) costs
// no call at all — which also keeps emulators without Application Auto Scaling (dynalite) out of it.
import { desiredTargets, planAutoScaling, scalingKey } from '@dynamodb-operator/api';
import type { DesiredTarget, ScalingCall, TableModel } from '@dynamodb-operator/api';
import { readScaling, sendScalingCall } from '../aws/autoscaling.ts';
import type { ProviderClients } from '../aws/clients.ts';
import type { TableRun } from './table-context.ts';
import type { TableStatus } from './table-status.ts';

/** One entry of status.autoScaling. */
export interface ScalingStatus {
  resourceId: string;
  scalableDimension: string;
  minCapacity: number;
  maxCapacity: number;
  targetUtilization: number;
}

/** status.autoScaling as last written (entries that do not parse are skipped). */
export function registeredScaling(status: TableStatus): ScalingStatus[] {
  const list = status.autoScaling;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (e): e is ScalingStatus =>
      typeof e === 'object' &&
      e !== null &&
      typeof (e as ScalingStatus).resourceId === 'string' &&
      typeof (e as ScalingStatus).scalableDimension === 'string',
  );
}

const statusEntry = (t: DesiredTarget): ScalingStatus => ({
  resourceId: t.resourceId,
  scalableDimension: t.scalableDimension,
  minCapacity: t.minCapacity,
  maxCapacity: t.maxCapacity,
  targetUtilization: t.targetValue,
});

async function converge(
  run: TableRun,
  c: ProviderClients,
  desired: DesiredTarget[],
  owned: ScalingStatus[],
): Promise<ScalingCall[]> {
  const ids = [...new Set([...desired, ...owned].map((t) => t.resourceId))];
  const signal = () => run.d.gate.signal();
  const observed = await readScaling(c.autoscaling, ids, signal());
  const calls = planAutoScaling(desired, observed, owned.map(scalingKey));
  for (const call of calls) await sendScalingCall(c.autoscaling, call, signal());
  return calls;
}

/**
 * Bring Application Auto Scaling to the spec. Undefined when the table has nothing to do with it;
 * otherwise the status.autoScaling to write (undefined once nothing is registered) and the calls made.
 */
export async function syncAutoScaling(
  run: TableRun,
  model: TableModel,
  c: ProviderClients,
): Promise<{ autoScaling: ScalingStatus[] | undefined; calls: ScalingCall[] } | undefined> {
  const desired = desiredTargets(model);
  const owned = registeredScaling(run.status);
  if (desired.length === 0 && owned.length === 0) return undefined;
  const calls = await converge(run, c, desired, owned);
  if (calls.length > 0) {
    const msg = `auto scaling of ${model.tableName}: ${calls.map((x) => `${x.op} (${x.why})`).join('; ')}`;
    run.d.events.emit(run.obj, 'Normal', 'AutoScalingUpdated', msg);
    run.log.info({ table: model.tableName, calls: calls.map((x) => x.op) }, 'auto scaling updated');
  }
  return { autoScaling: desired.length > 0 ? desired.map(statusEntry) : undefined, calls };
}

/**
 * Before DeleteTable: remove the targets (and their policies) the status lists, so none outlive the
 * table. Retain and Orphan keep the table, and with it its scaling.
 */
export async function removeAutoScaling(run: TableRun, c: ProviderClients): Promise<number> {
  const owned = registeredScaling(run.status);
  if (owned.length === 0) return 0;
  const calls = await converge(run, c, [], owned);
  if (calls.length > 0)
    run.d.events.emit(
      run.obj,
      'Normal',
      'AutoScalingRemoved',
      `deregistered ${owned.length} scalable target(s) of ${run.status.tableArn ?? 'the table'} before deleting it`,
    );
  return calls.length;
}
