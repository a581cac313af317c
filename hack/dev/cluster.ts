// `hack/run dev --cluster`: the playground as users run the product — the two images from
// hack/images.sh as pods of a `helm install` into the single-node cluster of `hack/testenv.sh up
// --cluster` (kubelet + containerd on our own bridge). Slower to start than the default playground
// (the cluster and the images), so it is opt-in. The chart makes its own webhook certificate here
// (certManager.enabled=false): one thing less to start for a quick look.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { helm, withValuesFile, chartDir } from '../../test/e2e/support-chart/helm.ts';
import { kubectl } from '../../test/e2e/support/index.ts';
import { OPERATOR_NAMESPACE } from './wiring.ts';

export const RELEASE = 'ddbop';
const root = join(import.meta.dirname, '..', '..');
const testenvScript = join(root, 'hack', 'testenv.sh');

export interface ClusterState {
  release: string;
  namespace: string;
  /** true when this playground brought the cluster parts up (and so `down` takes them down) */
  startedCluster: boolean;
}

/** The values of the playground's release: the local images (never pulled), the chart's own certificate. */
export function playgroundValues(tag: string): object {
  const image = { tag, pullPolicy: 'Never' };
  // The example providers keep their credential Secret in `default`; the chart grants Secrets only in
  // the release namespace unless told which others.
  const rbac = { secrets: { scope: 'namespaces', namespaces: ['default'] } };
  // The chart's tenancy default allows AWS's endpoints only: the emulator's address explicitly.
  const tenancy = { endpoints: [clusterMotoEndpoint()] };
  return { webhook: { image }, reconciler: { image, rbac }, certManager: { enabled: false }, tenancy };
}

/** moto as pods reach it (the bridge's gateway address), from .testenv/cluster/env. */
export function clusterMotoEndpoint(): string {
  const env = readFileSync(join(root, '.testenv', 'cluster', 'env'), 'utf8');
  const m = /^export DDBOP_CLUSTER_MOTO_ENDPOINT='([^']+)'$/m.exec(env);
  if (!m?.[1])
    throw new Error('.testenv/cluster/env has no DDBOP_CLUSTER_MOTO_ENDPOINT: re-run hack/testenv.sh up --cluster');
  return m[1];
}

/** Cluster parts up (or reused; images reloaded when they changed), then `helm upgrade --install --wait`. */
export function installIntoCluster(say: (line: string) => void): ClusterState {
  const wasUp = spawnSync('bash', [testenvScript, 'status', '--cluster'], { stdio: 'ignore' }).status === 0;
  const up = spawnSync('bash', [testenvScript, 'up', '--cluster'], { stdio: 'inherit' });
  if (up.status !== 0) throw new Error('hack/testenv.sh up --cluster failed (its log tail is above)');
  const state = { release: RELEASE, namespace: OPERATOR_NAMESPACE, startedCluster: !wasUp };
  say(`helm install ${RELEASE} into ${OPERATOR_NAMESPACE} (images ${process.env.IMAGE_TAG ?? 'dev'}, as pods)`);
  const result = withValuesFile(playgroundValues(process.env.IMAGE_TAG ?? 'dev'), (file) =>
    helm([
      'upgrade',
      '--install',
      RELEASE,
      chartDir,
      '--namespace',
      OPERATOR_NAMESPACE,
      '--create-namespace',
      '--values',
      file,
      '--wait',
      '--timeout',
      '5m',
    ]),
  );
  if (result.code !== 0) throw new Error(`helm upgrade --install failed:\n${result.stderr}${result.stdout}`);
  const pods = kubectl(['get', 'pods', '-n', OPERATOR_NAMESPACE, '-o', 'wide']);
  process.stderr.write(pods.stdout);
  return state;
}

export function uninstallFromCluster(state: ClusterState, say: (line: string) => void): void {
  say(`helm uninstall ${state.release}`);
  helm(['uninstall', state.release, '--namespace', state.namespace, '--wait']);
  kubectl(['delete', 'namespace', state.namespace, '--ignore-not-found', '--wait=false']);
  if (state.startedCluster) spawnSync('bash', [testenvScript, 'down', '--cluster'], { stdio: 'inherit' });
}
