// Warnings (never errors) for changes that are allowed but costly or surprising in AWS. Pure.
import type { SecondaryIndex, TableModel } from '@dynamodb-operator/api';
import type { AdmissionPlugin } from '../plugins.ts';

const keysOf = (index: SecondaryIndex): string =>
  index.keySchema.map((key) => `${key.attributeName}:${key.keyType}`).join(',');
const projectionOf = (index: SecondaryIndex): string =>
  `${index.projection.type}:${[...index.projection.nonKeyAttributes].sort().join(',')}`;

/** Risks in the desired table itself (CREATE and UPDATE). */
export function riskyConfigWarnings(model: TableModel): string[] {
  const warnings: string[] = [];
  if ((model.deletionPolicy ?? 'Delete') === 'Delete' && model.deletionProtectionEnabled) {
    warnings.push(
      `${model.deletionPolicyPath}: Delete with deletion protection on: the table stays until protection is turned off`,
    );
  }
  return warnings;
}

/** Risks in going from old to new (UPDATE). */
export function riskyUpdateWarnings(old: TableModel, next: TableModel): string[] {
  const warnings: string[] = [];
  const oldBilling = old.billingMode ?? 'PAY_PER_REQUEST';
  const newBilling = next.billingMode ?? 'PAY_PER_REQUEST';
  if (oldBilling !== newBilling) {
    warnings.push(
      `${next.billingModePath}: switching ${oldBilling} to ${newBilling}; AWS allows one switch per 24 hours`,
    );
  }
  const nextByName = new Map(next.globalSecondaryIndexes.map((index) => [index.indexName, index]));
  for (const index of old.globalSecondaryIndexes) {
    const replacement = nextByName.get(index.indexName);
    if (!replacement) {
      warnings.push(
        `${next.globalSecondaryIndexesPath}: removing GSI ${index.indexName} deletes the index and its data`,
      );
    } else if (keysOf(index) !== keysOf(replacement) || projectionOf(index) !== projectionOf(replacement)) {
      warnings.push(
        `${replacement.path}: changing keys or projection of GSI ${index.indexName} deletes and re-creates (backfills) it`,
      );
    }
  }
  if (old.stream.enabled && next.stream.enabled && old.stream.viewType !== next.stream.viewType) {
    warnings.push(
      `${next.stream.viewTypePath}: a new stream view type replaces the stream (new ARN); consumers must move`,
    );
  }
  // AWS's DescribeTable names the key behind an alias, not the alias, so the planner cannot tell one KMS
  // key from another when the spec names an alias: a move from a KMS key to an alias is not seen there.
  const kms = (m: TableModel): boolean => m.encryption.enabled && (m.encryption.type ?? 'AWS_MANAGED') !== 'AWS_OWNED';
  const key = next.encryption.kmsKeyArn;
  if (kms(old) && key !== undefined && /(?:^|:)alias\//.test(key) && key !== old.encryption.kmsKeyArn) {
    warnings.push(
      `${next.encryption.path}.kmsKeyArn: AWS reports key ARNs, so a move from a KMS key to an alias is not seen; use the key ID or ARN`,
    );
  }
  if (old.stream.enabled && !next.stream.enabled) {
    warnings.push(`${next.stream.path}: turning streams off ends the stream; its records stay readable for 24 hours`);
  }
  return warnings;
}

export const riskyChangesPlugin: AdmissionPlugin = {
  name: 'risky-changes',
  run: (context) => {
    const model = context.model();
    if (!model) return { errors: [], warnings: [] };
    const warnings = riskyConfigWarnings(model);
    const old = context.request.operation === 'UPDATE' ? context.oldModel() : undefined;
    if (old) warnings.push(...riskyUpdateWarnings(old, model));
    return { errors: [], warnings };
  },
};
