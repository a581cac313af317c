// Replicas of a global table, version 2019.11.21 (AWS API reference: UpdateTable ReplicaUpdates,
// CreateReplicationGroupMemberAction, ReplicaGlobalSecondaryIndex; Developer Guide: global tables
// requirements):
// - a replica needs DynamoDB Streams on the table with NEW_AND_OLD_IMAGES (the replication reads both
//   images), and streams cannot be turned off or changed while replicas exist;
// - a region appears once; the table's own region is no replica (that needs the provider's region, so
//   the reconciler leaves it to AWS, which refuses it);
// - a PROVISIONED table's write capacity must be managed by auto scaling with a scaling policy, and so
//   must each GSI's: every region writes the same (CloudFormation's AWS::DynamoDB::GlobalTable requires
//   write auto scaling settings under PROVISIONED, for the table and each GSI; AWS CDK met the same rule);
// - a replica KMS key only when the table uses a customer managed key (otherwise every replica uses
//   the table's kind of key); a provisioned read override only under PROVISIONED, an on-demand read
//   cap only under PAY_PER_REQUEST; a GSI override names an index of the table, once.
import type { Replica, TableModel } from '../model.ts';
import { Findings, show } from './result.ts';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

function checkOverrides(
  owner: string,
  o: Replica | Replica['globalSecondaryIndexes'][number],
  provisioned: boolean,
  out: Findings,
): void {
  if (o.provisionedThroughputOverride && !provisioned)
    out.error(
      `${o.path}.provisionedThroughputOverride`,
      `${owner} overrides provisioned read capacity, but the table is PAY_PER_REQUEST: remove provisionedThroughputOverride, or use onDemandThroughputOverride`,
    );
  const cap = o.onDemandThroughputOverride;
  if (cap && provisioned)
    out.error(
      `${o.path}.onDemandThroughputOverride`,
      `${owner} caps on-demand reads, but the table is PROVISIONED: remove onDemandThroughputOverride, or use provisionedThroughputOverride`,
    );
  if (cap && cap.maxReadRequestUnits < 1 && cap.maxReadRequestUnits !== -1)
    out.error(
      `${o.path}.onDemandThroughputOverride.maxReadRequestUnits`,
      `maxReadRequestUnits of ${owner} is ${cap.maxReadRequestUnits}: use a whole number ≥ 1, or -1 for no limit`,
    );
}

export function checkReplicas(model: TableModel): Findings {
  const out = new Findings();
  const replicas = model.replicas ?? [];
  if (replicas.length === 0) return out;
  const first = replicas[0]?.path ?? 'spec.replicas';
  if (!model.stream.enabled)
    out.error(
      model.stream.path,
      `replicas (${first}) need DynamoDB Streams with NEW_AND_OLD_IMAGES, and streams are off: enable streams with view type NEW_AND_OLD_IMAGES, or remove spec.replicas`,
    );
  else if (model.stream.viewType !== undefined && model.stream.viewType !== 'NEW_AND_OLD_IMAGES')
    out.error(
      model.stream.viewTypePath,
      `replicas (${first}) need the stream view type NEW_AND_OLD_IMAGES, not ${model.stream.viewType}: set it to NEW_AND_OLD_IMAGES, or remove spec.replicas`,
    );
  const provisioned = model.billingMode === 'PROVISIONED';
  if (provisioned && !model.autoScaling?.write)
    out.error(
      model.autoScaling?.path ?? 'spec.autoScaling',
      `a PROVISIONED table with replicas needs auto scaling of its write capacity (AWS refuses a replica otherwise: every region must write alike): add spec.autoScaling.write, or use billingMode PAY_PER_REQUEST`,
    );
  if (provisioned)
    for (const g of model.globalSecondaryIndexes)
      if (!g.autoScaling?.write)
        out.error(
          `${g.path}.autoScaling`,
          `index ${show(g.indexName)} of a PROVISIONED table with replicas needs auto scaling of its write capacity: add autoScaling.write to it, or use billingMode PAY_PER_REQUEST`,
        );

  const seen = new Map<string, string>();
  const indexes = new Set(model.globalSecondaryIndexes.map((g) => g.indexName));
  for (const r of replicas) {
    const owner = `the replica in ${show(r.regionName)}`;
    if (!REGION.test(r.regionName))
      out.error(
        `${r.path}.regionName`,
        `${show(r.regionName)} is not an AWS Region name: use one such as eu-west-1 or ap-southeast-2`,
      );
    const dup = seen.get(r.regionName);
    if (dup)
      out.error(
        `${r.path}.regionName`,
        `region ${show(r.regionName)} is already a replica (${dup}): a region holds one replica; remove one of them`,
      );
    else seen.set(r.regionName, r.path);
    if (r.kmsMasterKeyId !== undefined && model.encryption.type !== 'CUSTOMER_MANAGED')
      out.error(
        `${r.path}.kmsMasterKeyId`,
        `${owner} names a KMS key, but the table does not use a customer managed key (encryption.type ${model.encryption.type ?? 'AWS_OWNED'}): remove kmsMasterKeyId, or set encryption.type CUSTOMER_MANAGED with encryption.kmsKeyArn`,
      );
    checkOverrides(owner, r, provisioned, out);
    const named = new Set<string>();
    for (const g of r.globalSecondaryIndexes) {
      if (!indexes.has(g.indexName))
        out.error(
          `${g.path}.indexName`,
          `${owner} overrides index ${show(g.indexName)}, which is not in spec.globalSecondaryIndexes: use the name of one of its GSIs, or remove the override`,
        );
      if (named.has(g.indexName))
        out.error(`${g.path}.indexName`, `${owner} overrides index ${show(g.indexName)} twice: keep one entry`);
      named.add(g.indexName);
      checkOverrides(`index ${show(g.indexName)} of ${owner}`, g, provisioned, out);
    }
  }
  return out;
}

/**
 * UPDATE: the operator sends a ReplicaUpdates Update for a changed table class or read override of an
 * existing replica. A changed KMS key is refused with the way out: the key is set at create (AWS
 * reports it as an ARN where the spec may name an alias, so the operator cannot tell a change from a
 * spelling). A read override removed from the spec is admitted with a warning: AWS keeps the last one.
 */
export function checkReplicasUpdate(model: TableModel, old: TableModel): Findings {
  const out = new Findings();
  const before = new Map((old.replicas ?? []).map((r) => [r.regionName, r]));
  if (model.replicas) {
    const kept = new Set(model.replicas.map((r) => r.regionName));
    for (const r of old.replicas ?? [])
      if (!kept.has(r.regionName))
        out.warn(
          `spec.replicas: the replica in ${r.regionName} is no longer in the spec: it is deleted, with its copy of the data in that region`,
        );
  }
  for (const r of model.replicas ?? []) {
    const was = before.get(r.regionName);
    if (!was) continue;
    if (was.kmsMasterKeyId !== r.kmsMasterKeyId)
      out.error(
        `${r.path}.kmsMasterKeyId`,
        `the KMS key of the replica in ${show(r.regionName)} is set when the replica is created and the operator does not change it: keep ${show(was.kmsMasterKeyId ?? '(none)')}, or remove the replica and add it back (its data in that region is deleted and copied again)`,
      );
    const gsis = new Map(r.globalSecondaryIndexes.map((g) => [g.indexName, g]));
    const dropped = [
      ...(was.provisionedThroughputOverride && !r.provisionedThroughputOverride
        ? ['provisionedThroughputOverride']
        : []),
      ...(was.onDemandThroughputOverride && !r.onDemandThroughputOverride ? ['onDemandThroughputOverride'] : []),
      ...was.globalSecondaryIndexes.flatMap((g) => {
        const now = gsis.get(g.indexName);
        return [
          ...(g.provisionedThroughputOverride && !now?.provisionedThroughputOverride
            ? [`globalSecondaryIndexes ${g.indexName} provisionedThroughputOverride`]
            : []),
          ...(g.onDemandThroughputOverride && !now?.onDemandThroughputOverride
            ? [`globalSecondaryIndexes ${g.indexName} onDemandThroughputOverride`]
            : []),
        ];
      }),
    ];
    if (dropped.length > 0)
      out.warn(
        `${r.path}: ${dropped.join(', ')} removed from the replica in ${r.regionName}: AWS keeps the last value (it has no way to clear an override); set the value you want instead`,
      );
  }
  return out;
}
