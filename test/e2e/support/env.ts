// Where the running test environment is: read from `.testenv/env`, the shell-export file that
// `hack/testenv.sh up` writes, so the harness and a human shell (`. .testenv/env`) see the same thing.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface TestEnv {
  /** admin kubeconfig (system:masters client certificate) */
  kubeconfig: string;
  /** client certificate for user ddbop-e2e-lowpriv, which no RBAC rule grants anything */
  lowPrivilegeKubeconfig: string;
  motoEndpoint: string;
  dynaliteEndpoint: string;
  /** kubectl, helm, promtool, etcd, kube-apiserver */
  binDir: string;
  /** .testenv/logs: one log per component and per process a test starts */
  logsDir: string;
  /** repository root */
  root: string;
}

export const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
export const testenvDir = join(repoRoot, '.testenv');
export const envFile = join(testenvDir, 'env');

/** Parses `export NAME='value'` lines (the only form testenv.sh writes). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*export\s+([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m || m[1] === undefined || m[2] === undefined) continue;
    let value = m[2].trim();
    if (value.startsWith("'") && value.endsWith("'") && value.length >= 2) {
      // testenv.sh single-quotes every value and writes an embedded quote as '\''
      value = value.slice(1, -1).replaceAll("'\\''", "'");
    } else if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
      value = value.slice(1, -1);
    }
    out[m[1]] = value;
  }
  return out;
}

/** The raw variables of `.testenv/env`; throws with the fix when the environment is not up. */
export function loadTestEnvFile(): Record<string, string> {
  if (!existsSync(envFile)) {
    throw new Error(
      `${envFile} does not exist: the test environment is not up. Run \`hack/testenv.sh up\`, or run the ` +
        'suite through `npm run test:e2e` whose root hook brings it up.',
    );
  }
  return parseEnvFile(readFileSync(envFile, 'utf8'));
}

function required(vars: Record<string, string>, name: string): string {
  const value = vars[name];
  if (value === undefined || value === '') {
    throw new Error(`${envFile} has no ${name}: re-run \`hack/testenv.sh up\` (it rewrites the file).`);
  }
  return value;
}

/**
 * The running environment. `root` and `logsDir` are known without it, so a test file may read them at
 * import time (before the root hook has brought the environment up); the other fields read
 * `.testenv/env` when first used.
 */
export function testEnv(): TestEnv {
  let vars: Record<string, string> | undefined;
  const get = (name: string) => () => required((vars ??= loadTestEnvFile()), name);
  const env = { logsDir: join(testenvDir, 'logs'), root: repoRoot } as TestEnv;
  const lazy: [keyof TestEnv, string][] = [
    ['kubeconfig', 'KUBECONFIG'],
    ['lowPrivilegeKubeconfig', 'DDBOP_LOWPRIV_KUBECONFIG'],
    ['motoEndpoint', 'MOTO_ENDPOINT'],
    ['dynaliteEndpoint', 'DYNALITE_ENDPOINT'],
    ['binDir', 'DDBOP_BIN_DIR'],
  ];
  for (const [field, variable] of lazy) {
    Object.defineProperty(env, field, { get: get(variable), enumerable: true });
  }
  return env;
}
