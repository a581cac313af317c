// Observe-only reads a table the object did not create: its ARN, size, indexes and tags end up in the
// object's status. Under the tenancy policy that is adoption (for reading), so it needs the same grant
// as the adopt annotation; the reconciler checks again before any AWS call.
import { MANAGEMENT_POLICY_PATH, adoptionViolations, readManagement } from '@dynamodb-operator/api';
import type { TenancyPolicy } from '@dynamodb-operator/api';
import type { AdmissionPlugin } from '../plugins.ts';

const NONE = { errors: [], warnings: [] };

export function observeTenancyPlugin(policy: TenancyPolicy): AdmissionPlugin {
  return {
    name: 'observe-tenancy',
    run: (context) => {
      const { request, object } = context;
      if (request.kind.kind === 'AWSProvider' || request.kind.kind === 'ClusterAWSProvider') return NONE;
      const metadata = (object.metadata ?? {}) as { annotations?: Record<string, string>; namespace?: string };
      if (readManagement(metadata.annotations).policy !== 'Observe') return NONE;
      const tableName = context.model()?.tableName;
      // An object that does not parse is denied by the rules plugin, which names its fields.
      if (tableName === undefined) return NONE;
      const namespace = request.namespace ?? String(metadata.namespace ?? '');
      // Label-selector adoption grants: the namespace's labels as the cache last saw them.
      const labels = context.providers.namespaceLabels(namespace);
      return {
        errors: adoptionViolations(policy, namespace, tableName, MANAGEMENT_POLICY_PATH, labels),
        warnings: [],
      };
    },
  };
}
