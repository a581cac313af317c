// The single-node cluster of `hack/testenv.sh up --cluster` (kubelet + containerd + controller-manager +
// scheduler on our own bridge), for the suites that install the chart as users do. The root hook brings up
// the plain environment; ensureCluster() adds the cluster parts (or reuses them) and says whether it did,
// so the suite can take them down again and leave the other suites the environment it found.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnvFile, repoRoot, testenvDir } from '../support/env.ts';

const testenvScript = join(repoRoot, 'hack', 'testenv.sh');
const clusterEnvFile = join(testenvDir, 'cluster', 'env');

export interface ClusterEnv {
  node: string;
  podCidr: string;
  /** moto as pods reach it: the bridge's gateway address (a forwarder to moto on loopback) */
  motoEndpoint: string;
  containerdSock: string;
}

export function clusterIsUp(): boolean {
  return spawnSync('bash', [testenvScript, 'status', '--cluster'], { stdio: 'ignore' }).status === 0;
}

/** Brings the cluster parts up (builds them on a machine's first run); returns true when this call did. */
export function ensureCluster(): boolean {
  if (clusterIsUp()) return false;
  const up = spawnSync('bash', [testenvScript, 'up', '--cluster'], { stdio: 'inherit' });
  if (up.status !== 0)
    throw new Error(`hack/testenv.sh up --cluster failed (exit ${up.status ?? up.signal}); see above`);
  return true;
}

/** Stops only the cluster parts (the plain environment keeps running for the other suites). */
export function stopCluster(): void {
  spawnSync('bash', [testenvScript, 'down', '--cluster'], { stdio: 'inherit' });
}

export function clusterEnv(): ClusterEnv {
  if (!existsSync(clusterEnvFile))
    throw new Error(`${clusterEnvFile} does not exist: run hack/testenv.sh up --cluster`);
  const vars = parseEnvFile(readFileSync(clusterEnvFile, 'utf8'));
  const get = (name: string): string => {
    const v = vars[name];
    if (!v) throw new Error(`${clusterEnvFile} has no ${name}: re-run hack/testenv.sh up --cluster`);
    return v;
  };
  return {
    node: get('DDBOP_CLUSTER_NODE'),
    podCidr: get('DDBOP_CLUSTER_POD_CIDR'),
    motoEndpoint: get('DDBOP_CLUSTER_MOTO_ENDPOINT'),
    containerdSock: get('DDBOP_CLUSTER_CONTAINERD_SOCK'),
  };
}

/** `ctr -n k8s.io` against the cluster's containerd. */
export function ctr(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('ctr', ['--address', clusterEnv().containerdSock, '-n', 'k8s.io', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}
