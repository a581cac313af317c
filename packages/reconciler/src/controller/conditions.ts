// metav1.Condition bookkeeping, pure: lastTransitionTime moves only when the status flips, so a
// status that did not change serialises identically and is not written again.
import type { Condition } from '@dynamodb-operator/api';

export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

export function setCondition(existing: Condition[] | undefined, next: ConditionInput, now: string): Condition[] {
  const list = [...(existing ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const prev = i >= 0 ? list[i] : undefined;
  const merged: Condition = {
    type: next.type,
    status: next.status,
    reason: next.reason,
    message: next.message,
    ...(next.observedGeneration !== undefined ? { observedGeneration: next.observedGeneration } : {}),
    lastTransitionTime: prev && prev.status === next.status ? prev.lastTransitionTime : now,
  };
  if (i >= 0) list[i] = merged;
  else list.push(merged);
  return list;
}

export function getCondition(list: unknown, type: string): Condition | undefined {
  if (!Array.isArray(list)) return undefined;
  return (list as Condition[]).find((c) => c?.type === type);
}

/** Deterministic comparison of two status objects, ignoring the given keys (e.g. lastSyncTime). */
export function sameStatus(
  a: Record<string, unknown> | undefined,
  b: Record<string, unknown> | undefined,
  ignore: string[] = [],
): boolean {
  return canonical(a ?? {}, ignore) === canonical(b ?? {}, ignore);
}

function canonical(v: unknown, ignore: string[]): string {
  return JSON.stringify(sortKeys(v, new Set(ignore)));
}

function sortKeys(v: unknown, ignore: Set<string>): unknown {
  if (Array.isArray(v)) return v.map((x) => sortKeys(x, new Set()));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const val = (v as Record<string, unknown>)[k];
      if (ignore.has(k) || val === undefined) continue;
      out[k] = sortKeys(val, new Set());
    }
    return out;
  }
  return v;
}
