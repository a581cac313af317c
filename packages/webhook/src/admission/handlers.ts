// The three admission paths and what decides each: the validating plugin chain (the rules, provider
// changes, tenancy), the mutating defaults, and both in one call for /admit.
import { PERMISSIVE_POLICY } from '@dynamodb-operator/api';
import type { TenancyPolicy } from '@dynamodb-operator/api';
import type { AdmissionHandler } from '../http/admission-app.ts';
import type { ProviderLookup } from '../providers/lookup.ts';
import { admitRequest } from './admit.ts';
import { mutateRequest } from './mutate.ts';
import { compileSchemas } from './parse-object.ts';
import { observeTenancyPlugin } from './plugins/observe-tenancy.ts';
import { providerChangesPlugin } from './plugins/provider-changes.ts';
import { tenancyPlugin } from './plugins/tenancy.ts';
import { VALIDATING_PLUGINS, validateRequest } from './validate.ts';

export interface HandlerSettings {
  /** Operator-wide default tags for tables, the lowest precedence. */
  defaultTags: Record<string, string>;
  /** The admin-owned tenancy policy; absent: PERMISSIVE_POLICY (everything allowed). */
  tenancyPolicy?: TenancyPolicy | undefined;
  /** How long /mutate waits for the provider cache's first sync. */
  providerSyncWaitMs?: number | undefined;
}

export function admissionHandlers(
  settings: HandlerSettings,
  providers: ProviderLookup,
): Record<'/validate' | '/mutate' | '/admit', AdmissionHandler> {
  const deps = {
    providers,
    operatorTags: settings.defaultTags,
    syncWaitMs: settings.providerSyncWaitMs ?? 3000,
  };
  compileSchemas();
  const policy = settings.tenancyPolicy ?? PERMISSIVE_POLICY;
  const validatingPlugins = [
    ...VALIDATING_PLUGINS,
    providerChangesPlugin(settings.defaultTags),
    tenancyPlugin(policy),
    observeTenancyPlugin(policy),
  ];
  return {
    '/validate': (request) => validateRequest(request, providers, validatingPlugins),
    '/mutate': (request) => mutateRequest(request, deps),
    '/admit': (request) => admitRequest(request, deps, providers, validatingPlugins),
  };
}
