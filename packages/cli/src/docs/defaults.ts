// The "default" column of the reference, taken from the defaulting code itself rather than written a
// second time: applyDefaults (what the mutating webhook patches in) runs on one sample object per kind
// that leaves every defaulted field out, and each changed path is reported with the value it received.
// Defaults that depend on other fields (billingMode PROVISIONED when capacity is given) are explained
// in the field's description; the column shows what a spec without those fields gets.
import { applyDefaults, GROUP_VERSION, parseObject } from '@dynamodb-operator/api';
import type { Kind } from '@dynamodb-operator/api';

const metadata = { name: 'sample', namespace: 'default' };
const providerRef = { name: 'aws' };

/** Valid objects that omit every defaulted field; indexes twice so that both defaulting branches run. */
export const DEFAULTS_SAMPLES: Record<Kind, Record<string, unknown>> = {
  AWSProvider: { apiVersion: GROUP_VERSION, kind: 'AWSProvider', metadata, spec: { region: 'us-east-1' } },
  ClusterAWSProvider: {
    apiVersion: GROUP_VERSION,
    kind: 'ClusterAWSProvider',
    metadata: { name: 'sample' },
    spec: { region: 'us-east-1', namespaces: ['team-*'] },
  },
  DynamoDBTable: {
    apiVersion: GROUP_VERSION,
    kind: 'DynamoDBTable',
    metadata,
    spec: {
      tableName: 'sample',
      providerRef,
      hashKey: { name: 'pk', type: 'S' },
      rangeKey: { name: 'sk', type: 'S' },
      attributes: [
        { name: 'g', type: 'S' },
        { name: 'l', type: 'S' },
      ],
      globalSecondaryIndexes: [{ indexName: 'by-g', hashKey: 'g' }],
      localSecondaryIndexes: [{ indexName: 'by-l', rangeKey: 'l' }],
      streamEnabled: true,
    },
  },
  DynamoDB: {
    apiVersion: GROUP_VERSION,
    kind: 'DynamoDB',
    metadata,
    spec: {
      tableName: 'sample',
      providerRef,
      attributes: [
        { name: 'pk', type: 'S' },
        { name: 'sk', type: 'S' },
        { name: 'g', type: 'S' },
        { name: 'l', type: 'S' },
      ],
      keySchema: [
        { attributeName: 'pk', keyType: 'HASH' },
        { attributeName: 'sk', keyType: 'RANGE' },
      ],
      globalSecondaryIndexes: [
        { indexName: 'by-g', keys: [{ attributeName: 'g', keyType: 'HASH' }] },
        { indexName: 'by-g2', keys: [{ attributeName: 'g', keyType: 'HASH' }], projection: {} },
      ],
      localSecondaryIndexes: [
        {
          indexName: 'by-l',
          keys: [
            { attributeName: 'pk', keyType: 'HASH' },
            { attributeName: 'l', keyType: 'RANGE' },
          ],
        },
        {
          indexName: 'by-l2',
          keys: [
            { attributeName: 'pk', keyType: 'HASH' },
            { attributeName: 'l', keyType: 'RANGE' },
          ],
          projection: {},
        },
      ],
      streamSpecification: { streamEnabled: true },
    },
  },
};

/** `spec.globalSecondaryIndexes[1].projection.type` → `spec.globalSecondaryIndexes[].projection.type` */
export const generalPath = (path: string): string => path.replace(/\[\d+\]/g, '[]');

function valueAt(root: unknown, path: string): unknown {
  let node = root;
  for (const part of path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Field path (indexes as `[]`) → the value the mutating webhook fills in when the field is left out. */
export function defaultValues(kind: Kind): Map<string, unknown> {
  const parsed = parseObject(DEFAULTS_SAMPLES[kind]);
  if (!parsed.ok) throw new Error(`defaults sample of ${kind} no longer parses: ${JSON.stringify(parsed.errors)}`);
  const { object, changedPaths } = applyDefaults(parsed.object, { operatorTags: {} });
  const defaults = new Map<string, unknown>();
  for (const path of changedPaths) defaults.set(generalPath(path), valueAt(object, path));
  return defaults;
}
