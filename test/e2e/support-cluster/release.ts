// What the cluster suite installs and applies: the release's values (the local images, never pulled;
// webhooks scoped to the test's labelled namespace; two reconcilers watching only it) and the seed table.
import { clusterEnv } from './cluster.ts';

export interface ReleaseNames {
  id: string;
  tablesNs: string;
  leaseId: string;
  tableName: string;
}

export function releaseValues(n: ReleaseNames, tag: string): object {
  return {
    // The chart's tenancy default allows AWS's endpoints only: moto's address (as pods reach it) explicitly.
    tenancy: { endpoints: [clusterEnv().motoEndpoint] },
    webhook: {
      image: { tag, pullPolicy: 'Never' },
      namespaceSelectorExpressions: [{ key: 'ddbop-cluster-test', operator: 'In', values: [n.id] }],
    },
    defaultTags: { 'installed-by': 'cluster-test' },
    reconciler: {
      replicaCount: 2,
      image: { tag, pullPolicy: 'Never' },
      watchNamespace: n.tablesNs,
      leaderElection: { id: n.leaseId },
      resyncPeriod: '1m',
      rbac: { secrets: { scope: 'namespaces', namespaces: [n.tablesNs], resourceNames: ['aws-credentials'] } },
    },
  };
}

export function seedTableYaml(n: ReleaseNames, tags: Record<string, string> = {}, name = 'seed'): string {
  return [
    'apiVersion: aws-infra-operator.runner.codes/v1alpha1',
    'kind: DynamoDBTable',
    `metadata: {name: ${name}, namespace: ${n.tablesNs}}`,
    'spec:',
    `  tableName: ${n.tableName}`,
    '  providerRef: {name: emulator}',
    '  billingMode: PAY_PER_REQUEST',
    '  hashKey: {name: ID, type: "S"}',
    '  deletionPolicy: Delete',
    `  tags: ${JSON.stringify(tags)}`,
  ].join('\n');
}
