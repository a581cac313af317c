// AWSProviders of all namespaces from a list + watch (client-node's informer), so that /mutate reads a
// provider's defaultTags from memory instead of a GET per request. The informer stops on errors (for
// example before the CRD exists); it is restarted with capped exponential backoff.
import { API_GROUP, API_VERSION, KINDS } from '@dynamodb-operator/api';
import { CustomObjectsApi, makeInformer } from '@kubernetes/client-node';
import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { defaultTagsOf } from './lookup.ts';
import type { ProviderLookup } from './lookup.ts';

export const AWSPROVIDER_PLURAL = KINDS.AWSProvider.plural;

type ProviderObject = KubernetesObject & { spec?: unknown };

export function kubernetesProviderCache(kubeConfig: KubeConfig, log: Logger): ProviderLookup {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  let synced = false;
  let stopped = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let backoffMs = 500;
  const waiters = new Set<() => void>();

  const list = async (): Promise<KubernetesListObject<ProviderObject>> => {
    const result = (await api.listCustomObjectForAllNamespaces({
      group: API_GROUP,
      version: API_VERSION,
      resourcePlural: AWSPROVIDER_PLURAL,
    })) as KubernetesListObject<ProviderObject>;
    if (!synced) {
      synced = true;
      log.info({ providers: result.items.length }, 'AWSProvider cache synced');
      for (const wake of waiters) wake();
      waiters.clear();
    }
    backoffMs = 500;
    return result;
  };
  const informer = makeInformer<ProviderObject>(
    kubeConfig,
    `/apis/${API_GROUP}/${API_VERSION}/${AWSPROVIDER_PLURAL}`,
    list,
  );

  const start = (): void => {
    informer.start().catch((error: unknown) => restart(error));
  };
  const restart = (error: unknown): void => {
    if (stopped) return;
    log.warn({ err: error, retryInMs: backoffMs }, 'AWSProvider watch failed; restarting');
    if (restartTimer) clearTimeout(restartTimer);
    restartTimer = setTimeout(start, backoffMs);
    restartTimer.unref();
    backoffMs = Math.min(backoffMs * 2, 30_000);
  };
  informer.on('error', restart);
  start();

  return {
    get(namespace, name) {
      const object = informer.get(name, namespace);
      return object ? { defaultTags: defaultTagsOf(object) } : undefined;
    },
    // This fallback (kubeconfigs with exec plugins) watches AWSProviders only: cluster providers and
    // namespace labels are unknown here, so the tenancy plugin leaves that check to the reconciler.
    namespaceLabels: () => undefined,
    synced: () => synced,
    waitForSync(timeoutMs) {
      if (synced) return Promise.resolve(true);
      return new Promise((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          resolve(false);
        }, timeoutMs);
        waiters.add(wake);
      });
    },
    async stop() {
      stopped = true;
      if (restartTimer) clearTimeout(restartTimer);
      await informer.stop();
    },
  };
}
