// spec.replicas (both kinds spell it the same way) → the model's replicas, each with its path.
import type { Replica } from '../model.ts';
import type { ReplicaSpec } from '../schemas/replicas.ts';

export function replicasOf(replicas: readonly ReplicaSpec[]): Replica[] {
  return replicas.map((r, i): Replica => {
    const path = `spec.replicas[${i}]`;
    const out: Replica = {
      regionName: r.regionName,
      globalSecondaryIndexes: (r.globalSecondaryIndexes ?? []).map((g, j) => {
        const gsi: Replica['globalSecondaryIndexes'][number] = {
          indexName: g.indexName,
          path: `${path}.globalSecondaryIndexes[${j}]`,
        };
        if (g.provisionedThroughputOverride) gsi.provisionedThroughputOverride = { ...g.provisionedThroughputOverride };
        if (g.onDemandThroughputOverride) gsi.onDemandThroughputOverride = { ...g.onDemandThroughputOverride };
        return gsi;
      }),
      path,
    };
    if (r.kmsMasterKeyId !== undefined) out.kmsMasterKeyId = r.kmsMasterKeyId;
    if (r.tableClassOverride) out.tableClassOverride = r.tableClassOverride;
    if (r.deletionProtectionEnabled !== undefined) out.deletionProtectionEnabled = r.deletionProtectionEnabled;
    if (r.pointInTimeRecovery !== undefined) out.pointInTimeRecovery = r.pointInTimeRecovery;
    if (r.provisionedThroughputOverride) out.provisionedThroughputOverride = { ...r.provisionedThroughputOverride };
    if (r.onDemandThroughputOverride) out.onDemandThroughputOverride = { ...r.onDemandThroughputOverride };
    return out;
  });
}
