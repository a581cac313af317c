// What the benchmarks share about their namespaces: a small worker pool, and the clean-up of a
// benchmark namespace on the test environment's API server.
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
