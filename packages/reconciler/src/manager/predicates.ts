// Which informer updates re-queue an object: pure, so the decisions are unit-tested without a cluster.
import { MANAGEMENT_POLICY_ANNOTATION, PAUSED_ANNOTATION } from '@dynamodb-operator/api';
import { ADOPT_ANNOTATION, FINALIZER } from '../controller/ownership.ts';
import { CREATE_INTENT_ANNOTATION } from '../controller/table-context.ts';
import type { KubeObject } from '@dynamodb-operator/kube';

/** Changes that can matter to a reconcile; a status-only write (ours) is not one of them. */
export function tableChangeMatters(oldObj: KubeObject, newObj: KubeObject): boolean {
  if (oldObj.metadata.generation !== newObj.metadata.generation) return true;
  if (oldObj.metadata.deletionTimestamp !== newObj.metadata.deletionTimestamp) return true;
  const a = { ...(oldObj.metadata.annotations ?? {}) };
  const b = { ...(newObj.metadata.annotations ?? {}) };
  delete a[CREATE_INTENT_ANNOTATION];
  delete b[CREATE_INTENT_ANNOTATION];
  if (a[ADOPT_ANNOTATION] !== b[ADOPT_ANNOTATION]) return true;
  // Pause, resume and a new management policy take effect at once, not at the next resync.
  if (a[PAUSED_ANNOTATION] !== b[PAUSED_ANNOTATION]) return true;
  if (a[MANAGEMENT_POLICY_ANNOTATION] !== b[MANAGEMENT_POLICY_ANNOTATION]) return true;
  // Someone removed our finalizer from a live object: put it back.
  const had = (oldObj.metadata.finalizers ?? []).includes(FINALIZER);
  const has = (newObj.metadata.finalizers ?? []).includes(FINALIZER);
  return had && !has && !newObj.metadata.deletionTimestamp;
}

export function providerChangeMatters(oldObj: KubeObject, newObj: KubeObject): boolean {
  return oldObj.metadata.generation !== newObj.metadata.generation;
}
