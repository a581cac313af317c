// Warns when a table refers to an AWSProvider (or ClusterAWSProvider) that does not exist (yet): the
// table is admitted, but nothing happens in AWS until the provider appears, and its defaultTags could
// not be applied.
import type { AdmissionPlugin } from '../plugins.ts';

export const providerRefPlugin: AdmissionPlugin = {
  name: 'provider-ref',
  run: (context) => {
    const model = context.model();
    if (!model || !context.providers.synced()) return { errors: [], warnings: [] };
    const cluster = model.providerRef.kind === 'ClusterAWSProvider';
    const namespace = cluster ? '' : (model.providerRef.namespace ?? model.namespace);
    if (context.providers.get(namespace, model.providerRef.name)) return { errors: [], warnings: [] };
    const what = cluster
      ? `ClusterAWSProvider ${model.providerRef.name}`
      : `AWSProvider ${namespace}/${model.providerRef.name}`;
    return {
      errors: [],
      warnings: [`${model.providerRef.path}: ${what} not found; the table waits for it`],
    };
  },
};
