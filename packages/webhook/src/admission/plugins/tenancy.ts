// Denies what the admin-owned tenancy policy forbids: an AWSProvider naming an identity, role or
// endpoint its namespace is not granted, an adopt annotation where adoption (of that table name) is not
// granted, and a table naming a ClusterAWSProvider that does not serve its namespace. The decision is the api package's, shared with the reconciler, which checks
// again before any AWS call (this webhook can be bypassed or down, and the policy can change).
import {
  adoptionViolations,
  clusterProviderViolations,
  providerIdentityOf,
  providerViolations,
} from '@dynamodb-operator/api';
import type { FieldError, TenancyPolicy } from '@dynamodb-operator/api';
import type { AdmissionPlugin } from '../plugins.ts';

export const ADOPT_ANNOTATION = 'aws-infra-operator.runner.codes/adopt';
const ADOPT_PATH = `metadata.annotations[${ADOPT_ANNOTATION}]`;

const NONE = { errors: [], warnings: [] };

function metadataOf(object: Record<string, unknown> | undefined): Record<string, unknown> {
  const m = object?.metadata;
  return typeof m === 'object' && m !== null ? (m as Record<string, unknown>) : {};
}

function adopts(object: Record<string, unknown> | undefined): boolean {
  const annotations = metadataOf(object).annotations as Record<string, unknown> | undefined;
  return annotations?.[ADOPT_ANNOTATION] === 'true';
}

export function tenancyPlugin(policy: TenancyPolicy): AdmissionPlugin {
  return {
    name: 'tenancy',
    run: (context) => {
      const { request, object } = context;
      if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return NONE;
      // An object being deleted only loses finalizers: denying that would leave it stuck.
      if (metadataOf(object).deletionTimestamp) return NONE;
      const namespace = request.namespace ?? String(metadataOf(object).namespace ?? '');
      let errors: FieldError[] = [];
      // Labels as the cache last saw them (unknown: only the name globs of a grant decide).
      const labels = context.providers.namespaceLabels(namespace);
      if (request.kind.kind === 'AWSProvider') {
        errors = providerViolations(policy, namespace, providerIdentityOf(object.spec), labels);
      } else {
        const model = context.model();
        // An object that does not parse is denied by the rules plugin, which names its fields.
        if (model && adopts(object)) {
          errors = adoptionViolations(policy, namespace, model.tableName, ADOPT_PATH, labels);
        }
        if (model?.providerRef.kind === 'ClusterAWSProvider' && context.providers.synced()) {
          const provider = context.providers.get('', model.providerRef.name);
          // Not found: the provider-ref plugin warns. Unknown labels (a namespace newer than the cache) with
          // a label selector cannot be decided here; the reconciler decides it before any AWS call.
          if (provider?.scope && (labels !== undefined || !provider.scope.namespaceSelector)) {
            errors = [
              ...errors,
              ...clusterProviderViolations(
                model.providerRef.name,
                provider.scope,
                namespace,
                labels,
                `${model.providerRef.path}.name`,
              ),
            ];
          }
        }
      }
      return { errors, warnings: [] };
    },
  };
}
