// /validate: every plugin's findings; any error denies (422) with all of them.
import type { ProviderLookup } from '../providers/lookup.ts';
import { gate } from './gate.ts';
import { admissionContext, runPlugins } from './plugins.ts';
import type { AdmissionPlugin } from './plugins.ts';
import { providerRefPlugin } from './plugins/provider-ref.ts';
import { replicaRegionPlugin } from './plugins/replica-region.ts';
import { riskyChangesPlugin } from './plugins/risky-changes.ts';
import { rulesPlugin } from './plugins/rules.ts';
import { allow, denyInvalid } from './response.ts';
import type { AdmissionRequest, AdmissionResponse } from './types.ts';

export const VALIDATING_PLUGINS: readonly AdmissionPlugin[] = [
  rulesPlugin,
  providerRefPlugin,
  replicaRegionPlugin,
  riskyChangesPlugin,
];

export function validateRequest(
  request: AdmissionRequest,
  providers: ProviderLookup,
  plugins: readonly AdmissionPlugin[] = VALIDATING_PLUGINS,
): AdmissionResponse {
  const gated = gate(request);
  if (gated.done) return gated.response;
  const findings = runPlugins(plugins, admissionContext(request, gated.object, providers));
  return findings.errors.length > 0
    ? denyInvalid(request.uid, gated.target, findings.errors, findings.warnings)
    : allow(request.uid, findings.warnings);
}
