// Decisions for a live table's resource policy and contributor insights, pure.
// - Resource policy: AWS may return the document reformatted, so two documents are the same policy
//   when they parse to the same JSON value, whatever the whitespace and key order; array order counts
//   (a Statement list is ordered in the document AWS stores).
// - Contributor insights: one UpdateContributorInsights per owner (table or GSI). An owner the spec
//   names is brought to its wish; an owner the spec no longer names is disabled only if the operator
//   enabled it (it is listed in status), so insights set up elsewhere are left alone. ENABLING and
//   DISABLING are waited out, never sent again; FAILED is reported and retried only when the spec
//   changes (`retryFailed`): enabling again at once would loop on a cause only a person can fix.
import { contributorInsightsTargets, updateContributorInsightsRequest } from '../render/access-insights.ts';
import type { UpdateContributorInsightsRequest } from '../render/access-insights.ts';
import type { TableModel } from '../model.ts';

/** JSON text with object keys sorted at every level; undefined when the text is not JSON. */
export function canonicalPolicy(text: string): string | undefined {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    return v;
  };
  try {
    return JSON.stringify(sort(JSON.parse(text)));
  } catch {
    return undefined;
  }
}

/** Whether two policy documents are the same policy (text that is not JSON compares as text). */
export function samePolicy(a: string, b: string): boolean {
  return (canonicalPolicy(a) ?? a) === (canonicalPolicy(b) ?? b);
}

export type PolicyAction = { op: 'put'; policy: string } | { op: 'delete' } | { op: 'none' };

/**
 * What to do about the resource policy. `live` is GetResourcePolicy's document (undefined: none);
 * `owned`: the status says the operator applied one (so removing the field deletes it).
 */
export function planResourcePolicy(model: TableModel, live: string | undefined, owned: boolean): PolicyAction {
  const want = model.resourcePolicy?.document;
  if (want !== undefined)
    return live !== undefined && samePolicy(want, live) ? { op: 'none' } : { op: 'put', policy: want };
  return live !== undefined && owned ? { op: 'delete' } : { op: 'none' };
}

export type InsightsStatus = 'ENABLING' | 'ENABLED' | 'DISABLING' | 'DISABLED' | 'FAILED';

/** One owner's contributor insights as read (DescribeContributorInsights). */
export interface ObservedInsights {
  /** Undefined for the table itself. */
  indexName?: string;
  status: InsightsStatus | string;
  failure?: string;
}

const key = (indexName: string | undefined): string => indexName ?? '';

/** The owners to read: those the spec names and those the operator enabled before (`owned`, '' = table). */
export function insightsOwners(model: TableModel, owned: readonly string[]): (string | undefined)[] {
  const named = contributorInsightsTargets(model).filter((t) => t.enabled !== undefined);
  const live = new Set(['', ...model.globalSecondaryIndexes.map((g) => g.indexName)]);
  const out = new Map<string, string | undefined>();
  for (const t of named) out.set(key(t.indexName), t.indexName);
  // A GSI removed from the spec takes its insights with it: nothing to disable there.
  for (const o of owned) if (live.has(o) && !out.has(o)) out.set(o, o === '' ? undefined : o);
  return [...out.values()];
}

/** The UpdateContributorInsights calls that bring `observed` to the spec. */
export function planContributorInsights(
  model: TableModel,
  observed: readonly ObservedInsights[],
  retryFailed = false,
): UpdateContributorInsightsRequest[] {
  const wish = new Map(contributorInsightsTargets(model).map((t) => [key(t.indexName), t.enabled]));
  return observed.flatMap((o) => {
    const want = wish.get(key(o.indexName)) ?? false;
    if (o.status === 'FAILED' && !retryFailed) return [];
    const settled = want
      ? o.status === 'ENABLED' || o.status === 'ENABLING'
      : o.status === 'DISABLED' || o.status === 'DISABLING';
    return settled ? [] : [updateContributorInsightsRequest(model.tableName, o.indexName, want)];
  });
}

/** Whether any owner is still changing (the caller polls until none is). */
export const insightsChanging = (observed: readonly ObservedInsights[]): boolean =>
  observed.some((o) => o.status === 'ENABLING' || o.status === 'DISABLING');
