// Real cert-manager (controller + cainjector) as local processes, built from the Go module proxy by
// hack/cert-manager/install.sh, and its CRDs from the same module.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../support/env.ts';
import { kubectl, startProcess, testEnv } from '../support/index.ts';
import type { ManagedProcess } from '../support/index.ts';

export interface CertManagerInstall {
  binDir: string;
  crdsDir: string;
}

/** Builds (first run only) and returns where the binaries and CRDs are. */
export function installCertManager(): CertManagerInstall {
  const r = spawnSync('bash', [join(repoRoot, 'hack', 'cert-manager', 'install.sh')], {
    encoding: 'utf8',
    timeout: 1_200_000,
  });
  if (r.status !== 0) throw new Error(`hack/cert-manager/install.sh failed (exit ${r.status}):\n${r.stderr}`);
  const vars = Object.fromEntries(
    r.stdout
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  const binDir = vars.CERT_MANAGER_BIN_DIR;
  const crdsDir = vars.CERT_MANAGER_CRDS_DIR;
  if (!binDir || !crdsDir) throw new Error(`hack/cert-manager/install.sh printed no paths:\n${r.stdout}`);
  return { binDir, crdsDir };
}

/** Applies cert-manager's CRDs (server-side, idempotent) and waits until they are Established. */
export function applyCertManagerCrds(install: CertManagerInstall): void {
  const applied = kubectl(['apply', '--server-side', '--force-conflicts', '-f', install.crdsDir]);
  if (applied.code !== 0) throw new Error(`applying cert-manager CRDs failed:\n${applied.stderr}`);
  const ready = kubectl(['wait', '--for=condition=Established', '--timeout=60s', '-f', install.crdsDir]);
  if (ready.code !== 0) throw new Error(`cert-manager CRDs not Established:\n${ready.stderr}`);
}

/** Starts controller and cainjector for one namespace, so concurrent test runs never act on each other's objects. */
export function startCertManager(install: CertManagerInstall, namespace: string): ManagedProcess[] {
  const args = [`--kubeconfig=${testEnv().kubeconfig}`, `--namespace=${namespace}`];
  return [
    startProcess(`cert-manager-controller-${namespace}`, join(install.binDir, 'controller'), args),
    startProcess(`cert-manager-cainjector-${namespace}`, join(install.binDir, 'cainjector'), args),
  ];
}
