// Small kubectl/helm readers for the cluster suites: objects as typed JSON, pods of a Deployment, the
// reconciler's Lease holder, and an asynchronous kubectl (the upgrade loop runs while helm waits).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { kubectl, testEnv } from '../support/index.ts';

export function getJson<T>(args: string[]): T {
  const r = kubectl([...args, '-o', 'json']);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export interface Pod {
  metadata: { name: string; deletionTimestamp?: string; labels?: Record<string, string> };
  spec: {
    nodeName?: string;
    containers: { image: string }[];
    volumes?: { name: string; projected?: { sources: { serviceAccountToken?: { path: string } }[] } }[];
  };
  status: {
    phase?: string;
    podIP?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: { ready: boolean; restartCount: number; imageID: string; containerID?: string }[];
  };
}

export function podsOf(namespace: string, component: string): Pod[] {
  return getJson<{ items: Pod[] }>(['get', 'pods', '-n', namespace, '-l', `app.kubernetes.io/component=${component}`])
    .items;
}

export const podReady = (p: Pod): boolean =>
  p.metadata.deletionTimestamp === undefined &&
  p.status.phase === 'Running' &&
  (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** The pod name part of the reconciler's Lease holder (identity `<hostname>_<pid>`; hostname = pod name). */
export function leaseHolderPod(namespace: string, lease: string): string | undefined {
  const r = kubectl(['get', 'lease', lease, '-n', namespace, '-o', 'jsonpath={.spec.holderIdentity}']);
  if (r.code !== 0 || r.stdout === '') return undefined;
  return r.stdout.slice(0, r.stdout.lastIndexOf('_'));
}

/** kubectl without blocking the event loop; resolves with the exit code (never rejects). */
export function kubectlAsync(args: string[], input?: string): Promise<{ code: number; stderr: string }> {
  const env = testEnv();
  return new Promise((resolve) => {
    const child = execFile(
      join(env.binDir, 'kubectl'),
      ['--kubeconfig', env.kubeconfig, ...args],
      { timeout: 60_000 },
      (err, _stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}
