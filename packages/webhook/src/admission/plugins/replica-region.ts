// A replica in the table's own region is refused: that region holds the table itself, and AWS refuses
// such a ReplicaUpdates Create. The region is the provider's spec.region as the provider cache last saw
// it; a provider the cache does not know (or has not synced) lets the table through, and AWS's refusal
// then shows on the object.
import type { AdmissionPlugin } from '../plugins.ts';

export const replicaRegionPlugin: AdmissionPlugin = {
  name: 'replica-region',
  run: (context) => {
    const model = context.model();
    if (!model?.replicas?.length || !context.providers.synced()) return { errors: [], warnings: [] };
    const cluster = model.providerRef.kind === 'ClusterAWSProvider';
    const namespace = cluster ? '' : (model.providerRef.namespace ?? model.namespace);
    const region = context.providers.get(namespace, model.providerRef.name)?.region;
    const kind = cluster ? 'ClusterAWSProvider' : 'AWSProvider';
    const errors = model.replicas
      .filter((r) => region !== undefined && r.regionName === region)
      .map((r) => ({
        path: `${r.path}.regionName`,
        message: `${r.regionName} is the table's own region (${kind} ${model.providerRef.name} has spec.region ${region}): a replica goes in another region; use another region, or remove this replica`,
      }));
    return { errors, warnings: [] };
  },
};
