// The plan() options of one table, from what the converger remembers and what the object carries:
// which tag keys we may remove, when TTL was last changed (AWS allows one change an hour), and whether
// capacity is managed elsewhere (the capacity-management annotation).
import type { PlanOptions } from '@dynamodb-operator/api';
import type { KubeObject } from '@dynamodb-operator/kube';
import type { TableMemo } from './memory.ts';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/**
 * `External`: capacity is set at create (and where AWS needs one) and never reverted, so an auto scaler
 * or a runbook may change it (what Terraform users write as ignore_changes). Any case; any other value, or
 * none: capacity is managed here.
 */
export const CAPACITY_MANAGEMENT_ANNOTATION = 'aws-infra-operator.runner.codes/capacity-management';

/** The object says capacity is managed elsewhere (any case: a user who wrote `external` means it). */
export function externalCapacityOf(object: KubeObject): boolean {
  return object.metadata.annotations?.[CAPACITY_MANAGEMENT_ANNOTATION]?.toLowerCase() === 'external';
}

/** Tag keys the user declared in the previous `kubectl apply` (so we set them, so we may remove them). */
function lastAppliedTagKeys(annotations: Record<string, string> | undefined): string[] {
  const raw = annotations?.[LAST_APPLIED];
  if (!raw) return [];
  try {
    const tags = (JSON.parse(raw) as { spec?: { tags?: unknown } }).spec?.tags;
    return tags && typeof tags === 'object' && !Array.isArray(tags) ? Object.keys(tags) : [];
  } catch {
    return [];
  }
}

function statusField<T>(status: unknown, key: string, ok: (v: unknown) => v is T): T | undefined {
  const v = status && typeof status === 'object' ? (status as Record<string, unknown>)[key] : undefined;
  return ok(v) ? v : undefined;
}
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isString = (v: unknown): v is string => typeof v === 'string';

/** Also records the desired tag keys as managed (we set them, so we may remove them later). */
export function planOptionsFor(
  m: TableMemo,
  object: KubeObject,
  desiredTags: Record<string, string>,
  now: Date,
): PlanOptions & { managedTagKeys: string[] } {
  const status = (object as { status?: unknown }).status;
  for (const k of Object.keys(desiredTags)) m.managedTagKeys.add(k);
  const managedTagKeys = [
    ...m.managedTagKeys,
    ...lastAppliedTagKeys(object.metadata.annotations),
    ...(statusField(status, 'managedTagKeys', isStringArray) ?? []),
  ];
  const statusTtl = statusField(status, 'lastTtlChangeTime', isString);
  const lastTtlChangeAt = m.lastTtlChangeAt ?? (statusTtl ? new Date(statusTtl) : undefined);
  const externalCapacity = externalCapacityOf(object);
  return {
    managedTagKeys,
    extraTags: desiredTags,
    now,
    ...(lastTtlChangeAt ? { lastTtlChangeAt } : {}),
    ...(externalCapacity ? { externalCapacity } : {}),
  };
}
