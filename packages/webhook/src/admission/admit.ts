// /admit: /mutate and /validate in one round trip, for `webhook.admission: combined`. The defaults are
// applied to the object first and the validating plugins judge the defaulted object, which is what
// /validate would see when no other mutating webhook touches our kinds after us (the chart registers
// /admit with reinvocationPolicy IfNeeded, so a later mutation is judged again). Pure but for the
// provider-cache wait inside mutateRequest.
import jsonpatch from 'fast-json-patch';
import type { Operation as PatchOperation } from 'fast-json-patch';
import type { ProviderLookup } from '../providers/lookup.ts';
import { mutateRequest } from './mutate.ts';
import type { MutateDeps } from './mutate.ts';
import type { AdmissionPlugin } from './plugins.ts';
import { sanitizeWarnings } from './response.ts';
import type { AdmissionRequest, AdmissionResponse } from './types.ts';
import { VALIDATING_PLUGINS, validateRequest } from './validate.ts';

const decodePatch = (patch: string | undefined): PatchOperation[] =>
  patch === undefined ? [] : (JSON.parse(Buffer.from(patch, 'base64').toString('utf8')) as PatchOperation[]);

export async function admitRequest(
  request: AdmissionRequest,
  deps: MutateDeps,
  providers: ProviderLookup,
  plugins: readonly AdmissionPlugin[] = VALIDATING_PLUGINS,
): Promise<AdmissionResponse> {
  const mutated = await mutateRequest(request, deps);
  // A denial by /mutate (wrong kind, unparsable spec) already lists every error /validate would.
  if (!mutated.allowed || request.object === undefined) return mutated;
  const patch = decodePatch(mutated.patch);
  const object =
    patch.length === 0
      ? request.object
      : (jsonpatch.applyPatch(request.object, patch, false, false).newDocument as Record<string, unknown>);
  const validated = validateRequest({ ...request, object }, providers, plugins);
  const warnings = sanitizeWarnings([...(mutated.warnings ?? []), ...(validated.warnings ?? [])]);
  const response: AdmissionResponse = validated.allowed ? { ...mutated } : { ...validated };
  delete response.warnings;
  if (warnings.length > 0) response.warnings = warnings;
  return response;
}
