// AWSProviders of all namespaces, ClusterAWSProviders and the namespaces' labels, each an informer of
// @dynamodb-operator/kube (the reconciler's list + watch: bookmarks, 410 relist, backoff, stall
// watchdog, short-watch backoff), keeping only a summary per object (defaultTags, scope, region;
// labels), so that admission never does a GET per request. Synced once all three have listed.
import { Informer, NAMESPACES, RESOURCES } from '@dynamodb-operator/kube';
import type { KubeHttp, KubeObject, Logger } from '@dynamodb-operator/kube';
import { labelsOf, providerInfoOf } from './lookup.ts';
import type { ProviderInfo, ProviderLookup } from './lookup.ts';

/** A ProviderLookup over three informers; `lastContact` is the oldest of their last answers. */
export function watchProviders(kube: KubeHttp, log: Logger): ProviderLookup & { lastContact(): number } {
  const providers = new Informer<KubeObject, ProviderInfo>(kube, RESOURCES.AWSProvider, undefined, log, {}, (o) =>
    providerInfoOf(o, false),
  );
  const clusterProviders = new Informer<KubeObject, ProviderInfo>(
    kube,
    RESOURCES.ClusterAWSProvider,
    undefined,
    log,
    {},
    (o) => providerInfoOf(o, true),
  );
  const namespaces = new Informer<KubeObject, Record<string, string>>(kube, NAMESPACES, undefined, log, {}, labelsOf);
  const all = [providers, clusterProviders, namespaces];
  for (const informer of all) {
    informer.start();
    void informer.waitForSync().then(() => {
      if (informer.synced) log.info({ resource: informer.resource.plural, objects: informer.size }, 'cache synced');
    });
  }
  const synced = () => all.every((i) => i.synced);
  return {
    // Cluster-scoped objects have no namespace: their key is `/name`.
    get: (namespace, name) =>
      namespace === '' ? clusterProviders.summary(`/${name}`) : providers.summary(`${namespace}/${name}`),
    namespaceLabels: (namespace) => namespaces.summary(`/${namespace}`),
    synced,
    lastContact: () => Math.min(...all.map((i) => i.lastContact)),
    async waitForSync(timeoutMs) {
      if (synced()) return true;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const ready = Promise.all(all.map((i) => i.waitForSync())).then(() => synced());
      try {
        return await Promise.race([ready, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    stop() {
      for (const informer of all) informer.stop();
      return Promise.resolve();
    },
  };
}
