// Checks shared by /validate and /mutate before any rule runs: is this one of our kinds, does the object
// say what the request says, and is there anything to decide at all. Pure.
import { API_GROUP, API_VERSION, GROUP_VERSION, setOwn, TABLE_KINDS } from '@dynamodb-operator/api';
import { denyWith } from './response.ts';
import type { DenialTarget } from './response.ts';
import type { AdmissionRequest, AdmissionResponse } from './types.ts';
import { allow } from './response.ts';

export const SERVED_KINDS: readonly string[] = ['AWSProvider', 'ClusterAWSProvider', ...TABLE_KINDS];

export type GateResult =
  /** Decide nothing: answer with this response. */
  | { done: true; response: AdmissionResponse }
  /** Evaluate `object` (namespace filled in from the request when the object lacks it). */
  | { done: false; object: Record<string, unknown>; target: DenialTarget };

const metadataOf = (object: Record<string, unknown>): Record<string, unknown> => {
  const metadata = object.metadata;
  return typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata)
    ? (metadata as Record<string, unknown>)
    : {};
};

export function gate(request: AdmissionRequest): GateResult {
  const { uid, kind } = request;
  if (kind.group !== API_GROUP || kind.version !== API_VERSION || !SERVED_KINDS.includes(kind.kind)) {
    const served = SERVED_KINDS.join(', ');
    const message =
      `this webhook serves ${served} in ${API_GROUP}/${API_VERSION}, not ${kind.kind} in ${kind.group}/${kind.version}: ` +
      'fix the rules of the webhook configuration';
    return { done: true, response: denyWith(uid, 400, 'BadRequest', message) };
  }
  // DELETE and CONNECT are not registered; if they arrive, there is nothing in them to check.
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') {
    return { done: true, response: allow(uid) };
  }
  const object = request.object ?? {};
  if (object.apiVersion !== GROUP_VERSION || object.kind !== kind.kind) {
    const message = `request.object must be apiVersion ${GROUP_VERSION}, kind ${kind.kind} (as request.kind says)`;
    return { done: true, response: denyWith(uid, 400, 'BadRequest', message) };
  }
  const metadata = metadataOf(object);
  // An object on its way out (finalizer removal by the reconciler) must never be blocked by a rule.
  if (request.operation === 'UPDATE' && metadata.deletionTimestamp) return { done: true, response: allow(uid) };
  const name = typeof metadata.name === 'string' ? metadata.name : request.name;
  const target: DenialTarget = { group: kind.group, kind: kind.kind, ...(name ? { name } : {}) };
  // The object we evaluate (never patched: patches are computed under /spec only). Its namespace comes
  // from the request when the object has none, and null metadata fields are dropped: typed Go clients
  // send `creationTimestamp: null` on CREATE, and /mutate sees it before the API server fills it in.
  if ((metadata.namespace === undefined && request.namespace) || hasNull(metadata)) {
    const cleaned = withoutNulls(metadata);
    if (cleaned.namespace === undefined && request.namespace) cleaned.namespace = request.namespace;
    return { done: false, object: { ...object, metadata: cleaned }, target };
  }
  return { done: false, object, target };
}

// Loops, not Object.entries/fromEntries: every CREATE from a typed client takes this path.
function hasNull(record: Record<string, unknown>): boolean {
  for (const key in record) if (Object.hasOwn(record, key) && record[key] === null) return true;
  return false;
}

function withoutNulls(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in record) {
    if (Object.hasOwn(record, key) && record[key] !== null) setOwn(out, key, record[key]);
  }
  return out;
}
