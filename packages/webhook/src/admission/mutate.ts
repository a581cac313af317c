// /mutate: the api package's defaults as a JSON patch. Defaults only ever fill in what is missing, so
// only `add` operations under /spec are kept: whatever else `compare` might see (fields the schema
// strips, values it normalises) is the user's, and a mutating webhook must not rewrite it — except a
// YAML 1.1 boolean read as an enum string, written back canonical (see defaultsPatch).
import { applyDefaults, isTableObject, validateObject, yamlBooleanReplacements } from '@dynamodb-operator/api';
import type { KnownObject } from '@dynamodb-operator/api';
import type { Operation as PatchOperation } from 'fast-json-patch';
import type { ProviderLookup } from '../providers/lookup.ts';
import { addedFields } from './added-fields.ts';
import { gate } from './gate.ts';
import { parseReviewed } from './parse-object.ts';
import { allow, denyInvalid } from './response.ts';
import type { AdmissionRequest, AdmissionResponse } from './types.ts';

export interface MutateDeps {
  providers: ProviderLookup;
  /** Operator-wide default tags (--default-tags); the lowest precedence. */
  operatorTags: Record<string, string>;
  /** How long a request may wait for the provider cache's first sync. */
  syncWaitMs: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `add` operations under /spec that turn `spec` into `defaultedSpec`, plus the one kind of `replace`
 * the api allows: a YAML 1.1 boolean the schema reads as an enum string (`type: N` → false → "N"), so
 * the stored object is canonical. Pure.
 */
export function defaultsPatch(spec: unknown, defaultedSpec: unknown): PatchOperation[] {
  if (!isRecord(defaultedSpec)) return [];
  if (!isRecord(spec)) return [{ op: 'add', path: '/spec', value: defaultedSpec }];
  return [...addedFields(spec, defaultedSpec), ...yamlBooleanReplacements(spec, defaultedSpec)].map((operation) => ({
    ...operation,
    path: `/spec${operation.path}`,
  }));
}

/** A ClusterAWSProvider is looked up under namespace '' (how the provider cache keys cluster-scoped objects). */
function providerRefOf(object: KnownObject): { namespace: string; name: string } | undefined {
  if (!isTableObject(object)) return undefined;
  const ref: unknown = object.spec.providerRef;
  if (!isRecord(ref) || typeof ref.name !== 'string') return undefined;
  if (ref.kind === 'ClusterAWSProvider') return { namespace: '', name: ref.name };
  const namespace = typeof ref.namespace === 'string' ? ref.namespace : object.metadata.namespace;
  return namespace ? { namespace, name: ref.name } : undefined;
}

export async function mutateRequest(request: AdmissionRequest, deps: MutateDeps): Promise<AdmissionResponse> {
  const gated = gate(request);
  if (gated.done) return gated.response;
  const parsed = parseReviewed(gated.object);
  if (!parsed.ok) {
    // Never let through what cannot be parsed; report every error, as /validate would.
    const full = validateObject(gated.object, request.operation === 'UPDATE' ? request.oldObject : undefined);
    const errors = full.errors.length > 0 ? full.errors : parsed.errors;
    return denyInvalid(request.uid, gated.target, errors);
  }
  const warnings: string[] = [];
  let providerTags: Record<string, string> | undefined;
  const ref = providerRefOf(parsed.object);
  if (ref) {
    if (!deps.providers.synced() && !(await deps.providers.waitForSync(deps.syncWaitMs))) {
      warnings.push(`AWSProvider cache not loaded yet: defaultTags of ${ref.namespace}/${ref.name} were not applied`);
    }
    providerTags = deps.providers.get(ref.namespace, ref.name)?.defaultTags;
  }
  const defaulted = applyDefaults(parsed.object, { operatorTags: deps.operatorTags, providerTags });
  return allow(request.uid, warnings, defaultsPatch(gated.object.spec, defaulted.object.spec));
}
