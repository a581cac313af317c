// What the benchmarks share about their namespaces: a small worker pool, and the set-up and clean-up
// of a benchmark namespace on the test environment's API server.
import type { KubeHttp } from '@dynamodb-operator/kube';

const GROUP = 'aws-infra-operator.runner.codes/v1alpha1';

/** Runs fn over items with at most n at a time. */
export async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<unknown>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < items.length) await fn(items[i++] as T);
    }),
  );
}

/**
 * A namespace with an AWSProvider named `provider` for `endpoint` (an emulator), its keys in a Secret
 * `creds` (the emulators accept any).
 */
export async function createNamespace(kube: KubeHttp, ns: string, provider: string, endpoint: string): Promise<void> {
  await kube.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await kube.post(`/api/v1/namespaces/${ns}/secrets`, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'creds' },
    stringData: { 'access-key-id': 'test', 'secret-access-key': 'test' },
  });
  await kube.post(`/apis/${GROUP}/namespaces/${ns}/awsproviders`, {
    apiVersion: GROUP,
    kind: 'AWSProvider',
    metadata: { name: provider },
    spec: {
      region: 'us-east-1',
      endpoint,
      accessKeyIDRef: { name: 'creds', key: 'access-key-id' },
      secretAccessKeyRef: { name: 'creds', key: 'secret-access-key' },
    },
  });
}

/** Deletes every object of a collection, finalizers cleared first (no reconciler is left to do it). */
async function dropAll(kube: KubeHttp, path: string): Promise<void> {
  for (;;) {
    const page = await kube
      .get<{ items: { metadata: { name: string } }[] }>(`${path}?limit=2000`)
      .catch(() => ({ items: [] }));
    if (page.items.length === 0) return;
    await pool(page.items, 16, async (o) => {
      await kube.patch(`${path}/${o.metadata.name}`, { metadata: { finalizers: null } }).catch(() => {});
      await kube.request('DELETE', `${path}/${o.metadata.name}`).catch(() => {});
    });
  }
}

/**
 * Tables, then providers, then the namespace. The test environment runs no namespace controller: what
 * is left in a namespace stays there, and a provider left live would be watched by every later run's
 * reconcilers.
 */
export async function cleanNamespace(kube: KubeHttp, ns: string): Promise<void> {
  await dropAll(kube, `/apis/${GROUP}/namespaces/${ns}/dynamodbtables`);
  await dropAll(kube, `/apis/${GROUP}/namespaces/${ns}/awsproviders`);
  await kube.request('DELETE', `/api/v1/namespaces/${ns}`).catch(() => {});
}
