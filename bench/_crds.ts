// A freshly started test environment has no CRDs yet; the e2e root hook installs them, and the
// benchmarks, which may run first, do the same.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const crds = join(resolve(import.meta.dirname, '..'), 'charts', 'dynamodb-operator', 'crds');

/** Applies the chart's CRDs (server-side, as the chart's upgrade Job does) and waits until they are served. */
export function installCrds(env: Record<string, string | undefined>): void {
  const kubectl = join(env.DDBOP_BIN_DIR ?? '', 'kubectl');
  for (const args of [
    ['apply', '--server-side', '--force-conflicts', '-f', crds],
    ['wait', '--for=condition=Established', '--timeout=60s', '-f', crds],
  ]) {
    const r = spawnSync(kubectl, args, { env: { ...process.env, KUBECONFIG: env.KUBECONFIG }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`kubectl ${args[0]} CRDs failed: ${r.stderr}`);
  }
}
