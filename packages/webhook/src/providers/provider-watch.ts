// AWSProviders of all namespaces from a list + watch, kept in memory as namespace/name → defaultTags,
// so that /mutate never does a GET per request. The loop: list (remember resourceVersion) → watch from
// it (bookmarks on) → on a normal end, watch again from the last version; on 410 Gone or an error,
// list again after a capped exponential backoff.
import { Agent, request } from 'node:https';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { API_GROUP, API_VERSION, restClientCode } from '@dynamodb-operator/api';
import type { RestClientObserver } from '@dynamodb-operator/api';
import type { KubeAccess } from './kube-access.ts';
import { defaultTagsOf } from './lookup.ts';
import type { ProviderInfo, ProviderLookup } from './lookup.ts';

export const AWSPROVIDER_PLURAL = 'awsproviders';
const COLLECTION = `/apis/${API_GROUP}/${API_VERSION}/${AWSPROVIDER_PLURAL}`;

interface ObjectLike {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
  spec?: unknown;
}
interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: ObjectLike & { code?: number; message?: string };
}

class Gone extends Error {}

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
  const providers = new Map<string, ProviderInfo>();
  let synced = false;
  let stopped = false;
  let current: ClientRequest | undefined;
  let timer: NodeJS.Timeout | undefined;
  let backoffMs = 500;
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
      current = req;
      req.on('error', (error) => {
        // Only before a response: afterwards errors surface on the response stream, already counted.
        if (!responded) observe('GET', host, path, restClientCode(undefined), seconds());
        reject(error);
      });
      req.end();
    });

  const list = async (): Promise<string> => {
    const res = await open(COLLECTION);
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      items?: ObjectLike[];
      metadata?: { resourceVersion?: string };
    };
    providers.clear();
    for (const item of body.items ?? []) providers.set(key(item), { defaultTags: defaultTagsOf(item) });
    if (!synced) {
      synced = true;
      log.info({ providers: providers.size }, 'AWSProvider cache synced');
      for (const wake of waiters) wake();
      waiters.clear();
    }
    return body.metadata?.resourceVersion ?? '';
  };

  /** Applies events until the server ends the watch; returns the last resourceVersion seen. */
  const watch = async (resourceVersion: string): Promise<string> => {
    const query = `watch=true&allowWatchBookmarks=true&timeoutSeconds=290&resourceVersion=${encodeURIComponent(resourceVersion)}`;
    const res = await open(`${COLLECTION}?${query}`, true);
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
          providers.set(key(event.object), { defaultTags: defaultTagsOf(event.object) });
        } else if (event.type === 'DELETED') {
          providers.delete(key(event.object));
        }
        version = event.object.metadata?.resourceVersion ?? version;
      }
      backoffMs = 500;
    }
    return version;
  };

  const run = async (): Promise<void> => {
    let version = '';
    while (!stopped) {
      try {
        if (version === '') version = await list();
        version = await watch(version);
      } catch (error) {
        if (stopped) return;
        if (error instanceof Gone) {
          version = '';
          continue;
        }
        log.warn({ err: error, retryInMs: backoffMs }, 'AWSProvider list/watch failed; retrying');
        version = '';
        await new Promise<void>((resolve) => {
          timer = setTimeout(resolve, backoffMs);
        });
        backoffMs = Math.min(backoffMs * 2, 30_000);
      }
    }
  };
  void run();

  return {
    get: (namespace, name) => providers.get(`${namespace}/${name}`),
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
      if (timer) clearTimeout(timer);
      current?.destroy();
      agent.destroy();
      return Promise.resolve();
    },
  };
}
