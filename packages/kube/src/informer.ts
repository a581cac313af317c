// List + watch cache of one resource (client-go's reflector + store, reduced to what we need):
// paginated list, then a watch from the list's resourceVersion with bookmarks; relist on 410 Gone;
// reconnect with exponential backoff; a stalled connection (no byte, not even a bookmark, for longer
// than the server-side watch timeout) is dropped and re-opened; a watch that ends at once having
// delivered nothing counts as a failure and backs off (client-go's "very short watch"), so a server
// or proxy that closes watches immediately is not hammered in a hot loop. Handlers never run inside
// the socket's data callback: it only parses lines and updates the store, and the notifications are
// queued and delivered on later turns of the event loop, so a slow or throwing handler can neither
// stall nor kill the stream. `synced` turns true once the first complete list has been delivered to
// the handlers. Errors are logged and retried — nothing here ever exits the process.
//
// The cache keeps each object as its JSON text (parsed again on get(): a few microseconds) plus a
// small caller-defined summary: a parsed Kubernetes object costs several times its JSON size in V8,
// and with 10,000 tables that difference is most of the reconciler's heap.
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeApiError } from './http.ts';
import type { KubeHttp } from './http.ts';
import { collectionPath, keyOf } from './resources.ts';
import type { KubeObject, Resource } from './resources.ts';
import type { Logger } from './log.ts';

/** A watch that ends sooner than this without a single event is a failure, not a normal end. */
export const SHORT_WATCH_MS = 1000;
/** Handler notifications delivered per turn of the event loop, at most this long, before yielding to I/O. */
const DELIVERY_BUDGET_MS = 10;

export interface InformerHandlers<T> {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  delete?(obj: T): void;
}

interface ListResponse<T> {
  metadata: { resourceVersion?: string; continue?: string };
  items: T[];
}

export interface InformerOptions {
  pageSize: number;
  minWatchTimeoutSec: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** List and watch only what this selects (e.g. `metadata.name=creds`: one object). */
  fieldSelector?: string;
  /** List and watch only objects with these labels (a Kubernetes label selector, e.g. `team=a,tier!=dev`). */
  labelSelector?: string;
  /** Top-level fields never kept in the cache (e.g. a Secret's `data`). */
  omit?: readonly string[];
  /** On 403 Forbidden: log once and stop, instead of retrying with backoff forever. */
  stopOnForbidden?: boolean;
}

const DEFAULTS: InformerOptions = { pageSize: 500, minWatchTimeoutSec: 300, backoffBaseMs: 500, backoffMaxMs: 30_000 };

interface Entry<S> {
  rv: string;
  json: string;
  summary: S;
}

export class Informer<T extends KubeObject, S = undefined> {
  private readonly store = new Map<string, Entry<S>>();
  private readonly handlers: InformerHandlers<T>[] = [];
  private rv = '';
  private stopped = false;
  private abort = new AbortController();
  private failures = 0;
  private syncedFlag = false;
  private syncWaiters: (() => void)[] = [];
  private readonly pending: (() => void)[] = [];
  private delivering = false;
  /** Last time the API server answered us (list page, watch event or bookmark). */
  lastContact = 0;
  private changes = 0;
  private readonly opts: InformerOptions;

  private readonly http: KubeHttp;
  readonly resource: Resource;
  /** The namespace in the request path: one namespace, or undefined (all namespaces). */
  private readonly namespace: string | undefined;
  /** Several namespaces: listed cluster-wide and filtered here (see the constructor). */
  private readonly keepNamespaces: ReadonlySet<string> | undefined;
  private readonly log: Logger;

  private readonly summarize: (obj: T) => S;

  constructor(
    http: KubeHttp,
    resource: Resource,
    namespace: string | readonly string[] | undefined,
    log: Logger,
    opts: Partial<InformerOptions> = {},
    summarize?: (obj: T) => S,
  ) {
    this.summarize = summarize ?? (() => undefined as S);
    this.http = http;
    this.resource = resource;
    // One namespace: a namespaced list/watch (works with a namespaced Role). Several: one cluster-wide
    // list/watch whose objects outside the list are dropped before the cache — the chart's reconciler
    // RBAC is a ClusterRole anyway, and one watch keeps one resourceVersion instead of N reflectors.
    const list = typeof namespace === 'string' ? [namespace] : (namespace ?? []);
    this.namespace = list.length === 1 ? list[0] : undefined;
    this.keepNamespaces = list.length > 1 ? new Set(list) : undefined;
    this.log = log;
    this.opts = { ...DEFAULTS, ...opts };
  }

  on(h: InformerHandlers<T>): void {
    this.handlers.push(h);
  }

  /** Counts every change to the cache: whoever derives figures from it can tell when to recompute. */
  get storeChanges(): number {
    return this.changes;
  }

  get synced(): boolean {
    return this.syncedFlag;
  }

  waitForSync(): Promise<void> {
    if (this.syncedFlag) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** Whether the cache holds the object, without parsing it. */
  has(key: string): boolean {
    return this.store.has(key);
  }

  get(key: string): T | undefined {
    const e = this.store.get(key);
    return e ? (JSON.parse(e.json) as T) : undefined;
  }

  *list(): IterableIterator<T> {
    for (const e of this.store.values()) yield JSON.parse(e.json) as T;
  }

  /** One object's summary, without parsing it. */
  summary(key: string): S | undefined {
    return this.store.get(key)?.summary;
  }

  /** Key → summary, without parsing any object. */
  *summaries(): IterableIterator<[string, S]> {
    for (const [k, e] of this.store) yield [k, e.summary];
  }

  /** managedFields are large and never needed here: dropping them roughly halves the cache. */
  private slim(obj: T): T {
    const md = obj.metadata as Record<string, unknown>;
    if (md.managedFields) delete md.managedFields;
    for (const k of this.opts.omit ?? []) delete (obj as Record<string, unknown>)[k];
    return obj;
  }

  private entry(obj: T): Entry<S> {
    return { rv: obj.metadata.resourceVersion ?? '', json: JSON.stringify(obj), summary: this.summarize(obj) };
  }

  get size(): number {
    return this.store.size;
  }

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
    this.pending.length = 0;
    for (const w of this.syncWaiters.splice(0)) w();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.rv) await this.relist();
        await this.watchOnce();
      } catch (err) {
        if (this.stopped) return;
        if (err instanceof KubeApiError && err.status === 403 && this.opts.stopOnForbidden) {
          this.log.warn({ resource: this.resource.plural, err }, 'list/watch forbidden; not watching');
          this.stopped = true;
          return;
        }
        if (err instanceof KubeApiError && (err.status === 410 || err.reason === 'Expired' || err.reason === 'Gone')) {
          this.log.info({ resource: this.resource.plural }, 'watch expired (410), relisting');
          this.rv = '';
          continue;
        }
        this.failures++;
        const delay = Math.min(this.opts.backoffBaseMs * 2 ** (this.failures - 1), this.opts.backoffMaxMs);
        this.log.warn({ resource: this.resource.plural, err, retryInMs: delay }, 'list/watch failed');
        await sleep(delay * (0.8 + Math.random() * 0.4), undefined, { signal: this.abort.signal }).catch(() => {});
      }
    }
  }

  private async relist(): Promise<void> {
    // Each page is turned into cache entries (JSON text) at once: holding every parsed object of a
    // 10,000-object list until the end would cost ~50 MB at the moment the reconciler starts.
    const fresh = new Map<string, Entry<S>>();
    let cont = '';
    let rv = '';
    do {
      const q = new URLSearchParams({ limit: String(this.opts.pageSize) });
      if (cont) q.set('continue', cont);
      this.setSelectors(q);
      const page = await this.http.get<ListResponse<T>>(
        `${collectionPath(this.resource, this.namespace)}?${q}`,
        this.abort.signal,
      );
      this.lastContact = Date.now();
      for (const item of page.items) if (this.inScope(item)) fresh.set(keyOf(item), this.entry(this.slim(item)));
      cont = page.metadata.continue ?? '';
      rv = page.metadata.resourceVersion ?? rv;
    } while (cont);
    // Replace the store, telling handlers what changed while we were not watching.
    for (const [key, old] of this.store) {
      if (!fresh.has(key)) {
        this.store.delete(key);
        this.changes++;
        this.emit('delete', JSON.parse(old.json) as T);
      }
    }
    for (const [key, e] of fresh) {
      const old = this.store.get(key);
      this.store.set(key, e);
      this.changes++;
      if (!old) this.emit('add', JSON.parse(e.json) as T);
      else if (old.rv !== e.rv) this.emit('update', JSON.parse(e.json) as T, JSON.parse(old.json) as T);
    }
    this.rv = rv;
    this.failures = 0;
    // Synced once the handlers have seen the first list, not merely once the store holds it.
    if (!this.syncedFlag) this.enqueue(() => this.markSynced());
  }

  private markSynced(): void {
    if (this.syncedFlag) return;
    this.syncedFlag = true;
    for (const w of this.syncWaiters.splice(0)) w();
  }

  private async watchOnce(): Promise<void> {
    // Randomised server-side timeout (as client-go does) so that many watches do not reconnect together.
    const timeoutSec = this.opts.minWatchTimeoutSec + Math.floor(Math.random() * this.opts.minWatchTimeoutSec);
    const q = new URLSearchParams({
      watch: '1',
      allowWatchBookmarks: 'true',
      resourceVersion: this.rv,
      timeoutSeconds: String(timeoutSec),
    });
    this.setSelectors(q);
    let expired = false;
    let events = 0;
    const opened = Date.now();
    await this.http.watch(
      `${collectionPath(this.resource, this.namespace)}?${q}`,
      (ev) => {
        this.lastContact = Date.now();
        this.failures = 0;
        events++;
        const obj = ev.object as unknown as T;
        if (ev.type === 'ERROR') {
          const status = ev.object as { code?: number; message?: string };
          if (status.code === 410) expired = true;
          this.log.info(
            { resource: this.resource.plural, code: status.code, msg: status.message },
            'watch error event',
          );
          return;
        }
        const rv = obj.metadata?.resourceVersion;
        if (rv) this.rv = rv;
        if (ev.type === 'BOOKMARK' || !this.inScope(obj)) return;
        const key = keyOf(obj);
        const old = this.store.get(key);
        const oldObj = old ? (JSON.parse(old.json) as T) : undefined;
        if (ev.type === 'DELETED') {
          this.store.delete(key);
          this.changes++;
          this.emit('delete', oldObj ?? this.slim(obj));
        } else {
          const fresh = this.slim(obj);
          this.store.set(key, this.entry(fresh));
          this.changes++;
          if (oldObj) this.emit('update', fresh, oldObj);
          else this.emit('add', fresh);
        }
      },
      this.abort.signal,
      (timeoutSec + 60) * 1000,
    );
    this.lastContact = Date.now();
    if (expired) this.rv = '';
    else if (events === 0 && Date.now() - opened < SHORT_WATCH_MS && !this.stopped) {
      throw new Error(`very short watch: ended after ${Date.now() - opened} ms without an event`);
    }
  }

  private setSelectors(q: URLSearchParams): void {
    if (this.opts.fieldSelector) q.set('fieldSelector', this.opts.fieldSelector);
    if (this.opts.labelSelector) q.set('labelSelector', this.opts.labelSelector);
  }

  private inScope(obj: T): boolean {
    return !this.keepNamespaces || this.keepNamespaces.has(obj.metadata?.namespace ?? '');
  }

  private emit(type: 'add' | 'update' | 'delete', obj: T, old?: T): void {
    for (const h of this.handlers) {
      this.enqueue(() => {
        if (type === 'add') h.add?.(obj);
        else if (type === 'update') h.update?.(old as T, obj);
        else h.delete?.(obj);
      });
    }
  }

  private enqueue(task: () => void): void {
    this.pending.push(task);
    if (this.delivering) return;
    this.delivering = true;
    setImmediate(() => this.deliver());
  }

  /** Runs queued notifications in order, yielding to I/O after a time budget. */
  private deliver(): void {
    const until = performance.now() + DELIVERY_BUDGET_MS;
    let i = 0;
    while (i < this.pending.length && performance.now() < until) {
      const task = this.pending[i++] as () => void;
      try {
        task();
      } catch (err) {
        this.log.error({ resource: this.resource.plural, err }, 'informer handler threw');
      }
    }
    this.pending.splice(0, i);
    if (this.pending.length > 0) setImmediate(() => this.deliver());
    else this.delivering = false;
  }
}
