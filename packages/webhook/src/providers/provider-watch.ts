// AWSProviders of all namespaces, ClusterAWSProviders and the namespaces' labels, each from a list +
// watch, kept in memory (namespace/name → defaultTags; name → scope; namespace → labels), so that
// admission never does a GET per request. The loop per collection: list (remember resourceVersion) →
// watch from it (bookmarks on) → on a normal end, watch again from the last version; on 410 Gone or an
// error, list again after a capped exponential backoff. Synced once all three have listed.
import { Agent, request } from 'node:https';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { API_GROUP, API_VERSION, KINDS, restClientCode } from '@dynamodb-operator/api';
import type { RestClientObserver } from '@dynamodb-operator/api';
import type { KubeAccess } from './kube-access.ts';
import { labelsOf, providerInfoOf } from './lookup.ts';
import type { ProviderInfo, ProviderLookup } from './lookup.ts';

export const AWSPROVIDER_PLURAL = KINDS.AWSProvider.plural;
export const CLUSTER_AWSPROVIDER_PLURAL = KINDS.ClusterAWSProvider.plural;
const PROVIDERS = `/apis/${API_GROUP}/${API_VERSION}/${AWSPROVIDER_PLURAL}`;
const CLUSTER_PROVIDERS = `/apis/${API_GROUP}/${API_VERSION}/${CLUSTER_AWSPROVIDER_PLURAL}`;
const NAMESPACES = '/api/v1/namespaces';

interface ObjectLike {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; labels?: unknown };
  spec?: unknown;
}
interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: ObjectLike & { code?: number; message?: string };
}

class Gone extends Error {}

interface Collection<V> {
  path: string;
  what: string;
  value(object: ObjectLike): V;
  items: Map<string, V>;
  synced: boolean;
}

export function watchProviders(
  access: KubeAccess,
  log: Logger,
  observe: RestClientObserver = () => {},
): ProviderLookup {
  const host = access.server.host;
  const agent = new Agent({
    keepAlive: true,
    ca: access.ca,
    cert: access.cert,
    key: access.key,
    rejectUnauthorized: !access.insecureSkipTlsVerify,
  });
  const providers: Collection<ProviderInfo> = {
    path: PROVIDERS,
    what: 'AWSProvider',
    value: (o) => providerInfoOf(o, false),
    items: new Map(),
    synced: false,
  };
  const clusterProviders: Collection<ProviderInfo> = {
    path: CLUSTER_PROVIDERS,
    what: 'ClusterAWSProvider',
    value: (o) => providerInfoOf(o, true),
    items: new Map(),
    synced: false,
  };
  const namespaces: Collection<Record<string, string>> = {
    path: NAMESPACES,
    what: 'Namespace',
    value: labelsOf,
    items: new Map(),
    synced: false,
  };
  let synced = false;
  let stopped = false;
  const requests = new Set<ClientRequest>();
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Set<() => void>();

  const key = (object: ObjectLike) => `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;

  /** `streaming`: a watch, counted when its headers arrive and not timed (client-go does the same). */
  const open = (path: string, streaming = false): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const token = access.token();
      const started = performance.now();
      let responded = false;
      const seconds = () => (streaming ? undefined : (performance.now() - started) / 1000);
      const req = request(
        {
          host: access.server.hostname.replace(/^\[|\]$/g, ''),
          port: access.server.port || 443,
          path,
          method: 'GET',
          agent,
          headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        },
        (res) => {
          responded = true;
          if (res.statusCode === 200) {
            if (streaming) observe('GET', host, path, restClientCode(200), undefined);
            else res.once('end', () => observe('GET', host, path, restClientCode(200), seconds()));
            return resolve(res);
          }
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => {
            observe('GET', host, path, restClientCode(res.statusCode), seconds());
            const error = new Error(`GET ${path.split('?')[0]}: HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
            reject(res.statusCode === 410 ? new Gone(error.message) : error);
          });
        },
      );
      requests.add(req);
      req.on('close', () => requests.delete(req));
      req.on('error', (error) => {
        // Only before a response: afterwards errors surface on the response stream, already counted.
        if (!responded) observe('GET', host, path, restClientCode(undefined), seconds());
        reject(error);
      });
      req.end();
    });

  const markSynced = <V>(c: Collection<V>): void => {
    if (c.synced) return;
    c.synced = true;
    log.info({ [c.what]: c.items.size }, `${c.what} cache synced`);
    if (!synced && providers.synced && clusterProviders.synced && namespaces.synced) {
      synced = true;
      for (const wake of waiters) wake();
      waiters.clear();
    }
  };

  const list = async <V>(c: Collection<V>): Promise<string> => {
    const res = await open(c.path);
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      items?: ObjectLike[];
      metadata?: { resourceVersion?: string };
    };
    c.items.clear();
    for (const item of body.items ?? []) c.items.set(key(item), c.value(item));
    markSynced(c);
    return body.metadata?.resourceVersion ?? '';
  };

  /** Applies events until the server ends the watch; returns the last resourceVersion seen. */
  const watch = async <V>(c: Collection<V>, resourceVersion: string, reset: () => void): Promise<string> => {
    const query = `watch=true&allowWatchBookmarks=true&timeoutSeconds=290&resourceVersion=${encodeURIComponent(resourceVersion)}`;
    const res = await open(`${c.path}?${query}`, true);
    let version = resourceVersion;
    let pending = '';
    for await (const chunk of res) {
      pending += (chunk as Buffer).toString('utf8');
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (line === '') continue;
        const event = JSON.parse(line) as WatchEvent;
        if (event.type === 'ERROR') {
          if (event.object.code === 410) throw new Gone(event.object.message ?? 'resourceVersion too old');
          throw new Error(`watch error: ${event.object.message ?? JSON.stringify(event.object)}`);
        }
        if (event.type === 'ADDED' || event.type === 'MODIFIED') {
          c.items.set(key(event.object), c.value(event.object));
        } else if (event.type === 'DELETED') {
          c.items.delete(key(event.object));
        }
        version = event.object.metadata?.resourceVersion ?? version;
      }
      reset();
    }
    return version;
  };

  const run = async <V>(c: Collection<V>): Promise<void> => {
    let version = '';
    let backoffMs = 500;
    const reset = (): void => {
      backoffMs = 500;
    };
    while (!stopped) {
      try {
        if (version === '') version = await list(c);
        version = await watch(c, version, reset);
      } catch (error) {
        if (stopped) return;
        if (error instanceof Gone) {
          version = '';
          continue;
        }
        log.warn({ err: error, retryInMs: backoffMs }, `${c.what} list/watch failed; retrying`);
        version = '';
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, backoffMs);
          timers.add(timer);
        });
        backoffMs = Math.min(backoffMs * 2, 30_000);
      }
    }
  };
  void run(providers);
  void run(clusterProviders);
  void run(namespaces);

  return {
    // Cluster-scoped objects have no namespace: their key is `/name`.
    get: (namespace, name) =>
      namespace === '' ? clusterProviders.items.get(`/${name}`) : providers.items.get(`${namespace}/${name}`),
    namespaceLabels: (namespace) => namespaces.items.get(`/${namespace}`),
    synced: () => synced,
    waitForSync(timeoutMs) {
      if (synced) return Promise.resolve(true);
      return new Promise((resolve) => {
        const wake = (): void => {
          clearTimeout(deadline);
          resolve(true);
        };
        const deadline = setTimeout(() => {
          waiters.delete(wake);
          resolve(false);
        }, timeoutMs);
        waiters.add(wake);
      });
    },
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      for (const req of requests) req.destroy();
      agent.destroy();
      return Promise.resolve();
    },
  };
}
