// The table's tags as AWS wants them. `extraTags` (the operator's ownership tags) come last and win.
import type { TableModel } from '../model.ts';
import type { AwsTag } from './types.ts';

export function renderTags(model: Pick<TableModel, 'tags'>, extraTags: AwsTag[] = []): AwsTag[] {
  const merged = new Map(Object.entries(model.tags));
  for (const tag of extraTags) merged.set(tag.Key, tag.Value);
  return [...merged].map(([Key, Value]) => ({ Key, Value }));
}

/** Ownership tags the reconciler puts on every table it creates (see the shared contracts). */
export function ownershipTags(kind: string, namespace: string, name: string, uid: string): AwsTag[] {
  return [
    { Key: 'aws-infra-operator.runner.codes/owner', Value: `${kind}/${namespace}/${name}` },
    { Key: 'aws-infra-operator.runner.codes/owner-uid', Value: uid },
  ];
}
