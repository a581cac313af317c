// What deleting an object needs from its spec, pure, read leniently from the stored object: deletion
// must never depend on the spec still being valid (e.g. an AWSProvider's defaultTags can push a table
// over the 50-tag limit long after it was created; its deletion must still go through).
import type { DeletionPolicy, TableModel } from '@dynamodb-operator/api';
import type { KubeObject } from '@dynamodb-operator/kube';

export type DeletionTarget = Pick<TableModel, 'tableName' | 'deletionPolicy' | 'deletionProtectionEnabled'>;

const POLICIES: readonly string[] = ['Delete', 'Retain', 'Orphan'];

/** undefined when the spec does not even name a table (then there is nothing in AWS to act on). */
export function deletionTargetOf(obj: KubeObject): DeletionTarget | undefined {
  const spec = obj.spec ?? {};
  const tableName = typeof spec.tableName === 'string' && spec.tableName !== '' ? spec.tableName : undefined;
  if (!tableName) return undefined;
  const p = spec.deletionPolicy;
  // Absent = the default (Delete). Present but unknown (the schema forbids it): the safe choice, keep the table.
  const deletionPolicy = (p === undefined ? 'Delete' : POLICIES.includes(String(p)) ? p : 'Retain') as DeletionPolicy;
  return { tableName, deletionPolicy, deletionProtectionEnabled: spec.deletionProtectionEnabled === true };
}
