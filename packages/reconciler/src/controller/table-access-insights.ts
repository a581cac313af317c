// spec.resourcePolicy and contributor insights, after the table matches its spec (like auto scaling):
// read, decide (api: planResourcePolicy, planContributorInsights), send, report in status.
// - The policy is read on every full observation (spec change, change sequence, first sync) and, in
//   steady state, on its turn of the drift-check rotation (update/steady-read.ts), which asks for a
//   full observation when AWS differs: the repair then happens here.
// - Contributor insights are read on full observations and while an owner is ENABLING or DISABLING.
// A table that never had either (none in the spec, none in status) costs no call at all, so emulators
// without these APIs (dynalite) never see them.
import { insightsChanging, insightsOwners, planContributorInsights, planResourcePolicy } from '@dynamodb-operator/api';
import type { ObservedInsights, TableModel } from '@dynamodb-operator/api';
import {
  deleteResourcePolicy,
  describeInsights,
  getResourcePolicy,
  putResourcePolicy,
  updateInsights,
} from '../aws/access-insights.ts';
import type { ProviderClients } from '../aws/clients.ts';
import type { TableRun } from './table-context.ts';

/** status.contributorInsights: one entry per owner the operator manages ('' never: the table has no indexName). */
export interface InsightsStatus {
  indexName?: string;
  contributorInsightsStatus: string;
  failureException?: string;
}

export interface AccessInsightsPatch {
  resourcePolicy?: { revisionId?: string } | undefined;
  contributorInsights?: InsightsStatus[] | undefined;
}

const ownedPolicy = (run: TableRun): boolean =>
  typeof run.status.resourcePolicy === 'object' && run.status.resourcePolicy !== null;

function ownedInsights(run: TableRun): InsightsStatus[] {
  const list = run.status.contributorInsights;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (e): e is InsightsStatus =>
      typeof e === 'object' && e !== null && typeof (e as InsightsStatus).contributorInsightsStatus === 'string',
  );
}

/** Whether this reconcile must read contributor insights even without a full observation. */
export const insightsPending = (run: TableRun): boolean =>
  ownedInsights(run).some(
    (e) => e.contributorInsightsStatus === 'ENABLING' || e.contributorInsightsStatus === 'DISABLING',
  );

async function syncPolicy(
  run: TableRun,
  model: TableModel,
  c: ProviderClients,
  tableArn: string,
): Promise<AccessInsightsPatch['resourcePolicy'] | null> {
  const owned = ownedPolicy(run);
  if (!model.resourcePolicy && !owned) return null;
  const signal = () => run.d.gate.signal();
  const live = await getResourcePolicy(c.dynamodb, tableArn, signal());
  const action = planResourcePolicy(model, live?.policy, owned);
  const gen = run.obj.metadata.generation;
  if (action.op !== 'none' && owned && run.status.syncedGeneration === gen) {
    const msg = `resource policy of ${model.tableName} changed outside Kubernetes, repairing`;
    run.d.events.emit(run.obj, 'Warning', 'DriftDetected', msg);
    run.log.info({ table: model.tableName, drift: 'resourcePolicy' }, msg);
  }
  if (action.op === 'put') {
    const revisionId = await putResourcePolicy(c.dynamodb, tableArn, action.policy, signal());
    run.d.events.emit(run.obj, 'Normal', 'ResourcePolicyApplied', `PutResourcePolicy on ${model.tableName}`);
    run.log.info({ table: model.tableName, revisionId }, 'resource policy applied');
    return revisionId === undefined ? {} : { revisionId };
  }
  if (action.op === 'delete') {
    await deleteResourcePolicy(c.dynamodb, tableArn, signal());
    run.d.events.emit(run.obj, 'Normal', 'ResourcePolicyDeleted', `DeleteResourcePolicy on ${model.tableName}`);
    run.log.info({ table: model.tableName }, 'resource policy deleted');
    return undefined;
  }
  if (!model.resourcePolicy) return undefined;
  return live?.revisionId === undefined ? {} : { revisionId: live.revisionId };
}

const entry = (o: ObservedInsights): InsightsStatus => {
  const e: InsightsStatus = { contributorInsightsStatus: o.status };
  if (o.indexName !== undefined) e.indexName = o.indexName;
  if (o.failure !== undefined) e.failureException = o.failure;
  return e;
};

async function syncInsights(
  run: TableRun,
  model: TableModel,
  c: ProviderClients,
): Promise<{ status: InsightsStatus[] | undefined; changing: boolean } | null> {
  const owned = ownedInsights(run).map((e) => e.indexName ?? '');
  const owners = insightsOwners(model, owned);
  if (owners.length === 0) return owned.length > 0 ? { status: undefined, changing: false } : null;
  const signal = () => run.d.gate.signal();
  const observed: ObservedInsights[] = [];
  for (const o of owners) observed.push(await describeInsights(c.dynamodb, model.tableName, o, signal()));
  // A FAILED enable is tried again only for a new generation of the spec (see planContributorInsights).
  const specChanged = run.status.syncedGeneration !== run.obj.metadata.generation;
  const calls = planContributorInsights(model, observed, specChanged);
  const known = new Map(ownedInsights(run).map((e) => [e.indexName ?? '', e.contributorInsightsStatus]));
  for (const o of observed)
    if (
      o.status === 'FAILED' &&
      known.get(o.indexName ?? '') !== 'FAILED' &&
      !calls.some((c) => c.IndexName === o.indexName)
    )
      run.d.events.emit(
        run.obj,
        'Warning',
        'ContributorInsightsFailed',
        `contributor insights of ${o.indexName ? `GSI ${o.indexName}` : 'the table'} ${model.tableName} FAILED: ${o.failure ?? 'no reason given'}; fix the cause, then change the spec to try again`,
      );
  for (const call of calls) {
    const status = await updateInsights(c.dynamodb, call, signal());
    const seen = observed.find((o) => o.indexName === call.IndexName);
    if (seen) {
      seen.status = status ?? (call.ContributorInsightsAction === 'ENABLE' ? 'ENABLING' : 'DISABLING');
      delete seen.failure;
    }
  }
  if (calls.length > 0) {
    const what = calls.map((x) => `${x.ContributorInsightsAction} ${x.IndexName ? `GSI ${x.IndexName}` : 'table'}`);
    run.d.events.emit(
      run.obj,
      'Normal',
      'ContributorInsightsUpdated',
      `contributor insights of ${model.tableName}: ${what.join('; ')}`,
    );
    run.log.info({ table: model.tableName, calls: what }, 'contributor insights updated');
  }
  // An owner the spec no longer names leaves status once it is DISABLED.
  const named = (o: ObservedInsights): boolean =>
    o.indexName === undefined
      ? model.contributorInsights !== undefined
      : model.globalSecondaryIndexes.some((g) => g.indexName === o.indexName && g.contributorInsights !== undefined);
  const kept = observed.filter((o) => o.status !== 'DISABLED' || named(o));
  return { status: kept.length > 0 ? kept.map(entry) : undefined, changing: insightsChanging(observed) };
}

/**
 * Bring the resource policy and contributor insights to the spec. `full`: this reconcile observes
 * everything (otherwise only pending contributor insights are looked at). Returns the status patch
 * and whether to look again soon (an owner still ENABLING/DISABLING).
 */
export async function syncAccessInsights(
  run: TableRun,
  model: TableModel,
  c: ProviderClients,
  tableArn: string,
  full: boolean,
): Promise<{ patch: AccessInsightsPatch; again: boolean }> {
  const patch: AccessInsightsPatch = {};
  let again = false;
  if (full && tableArn) {
    const policy = await syncPolicy(run, model, c, tableArn);
    if (policy !== null) patch.resourcePolicy = policy;
  }
  if (full || insightsPending(run)) {
    const insights = await syncInsights(run, model, c);
    if (insights !== null) {
      patch.contributorInsights = insights.status;
      again = insights.changing;
    }
  }
  return { patch, again };
}
