// A kubeconfig that authenticates as a ServiceAccount (a TokenRequest token), so a process started by a
// test runs with exactly the RBAC the chart grants that ServiceAccount — as it would in its pod.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { testenvDir } from '../support/env.ts';
import { kubectl, testEnv } from '../support/index.ts';

interface KubeconfigFile {
  clusters: { name: string; cluster: Record<string, unknown> }[];
  'current-context'?: string;
  contexts: { name: string; context: { cluster: string } }[];
}

export function serviceAccountKubeconfig(namespace: string, serviceAccount: string): string {
  const token = kubectl(['create', 'token', serviceAccount, '-n', namespace, '--duration=2h']);
  if (token.code !== 0) throw new Error(`kubectl create token ${namespace}/${serviceAccount} failed: ${token.stderr}`);
  const admin = parse(readFileSync(testEnv().kubeconfig, 'utf8')) as KubeconfigFile;
  const context = admin.contexts.find((c) => c.name === admin['current-context']) ?? admin.contexts[0];
  const cluster = admin.clusters.find((c) => c.name === context?.context.cluster);
  if (!cluster) throw new Error(`${testEnv().kubeconfig}: no cluster for the current context`);
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'testenv', cluster: cluster.cluster }],
    users: [{ name: serviceAccount, user: { token: token.stdout.trim() } }],
    contexts: [{ name: serviceAccount, context: { cluster: 'testenv', user: serviceAccount, namespace } }],
    'current-context': serviceAccount,
  };
  const dir = join(testenvDir, 'kubeconfigs');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${namespace}.${serviceAccount}.yaml`);
  writeFileSync(file, stringify(config), { mode: 0o600 });
  return file;
}
