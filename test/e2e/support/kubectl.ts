// The real kubectl that testenv.sh built (never /usr/bin/kubectl: on this machine that is a cloud SDK
// dispatcher), always with an explicit kubeconfig so a developer's own cluster is never touched.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { testEnv } from './env.ts';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs kubectl synchronously. Mind that it blocks this process's event loop: a server the test runs
 * in-process (e.g. a webhook the API server must call during the kubectl request) cannot answer
 * meanwhile — run such a server with startProcess instead.
 */
export function kubectl(args: string[], opts: { input?: string; kubeconfig?: string } = {}): CommandResult {
  const env = testEnv();
  const result = spawnSync(join(env.binDir, 'kubectl'), ['--kubeconfig', opts.kubeconfig ?? env.kubeconfig, ...args], {
    input: opts.input,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) {
    return { code: -1, stdout: result.stdout ?? '', stderr: `${result.stderr ?? ''}${String(result.error)}` };
  }
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** `kubectl apply -f -` with the YAML on stdin. */
export function applyYaml(yaml: string, extraArgs: string[] = []): CommandResult {
  return kubectl(['apply', '-f', '-', ...extraArgs], { input: yaml });
}
