// A controller in the controller-runtime sense: a work queue of keys, N workers, one reconcile per
// key at a time. After each reconcile the key gets exactly one timer: requeueAfter, backoff after an
// error, or the jittered resync — so steady state costs one reconcile per key per resync period.
// Keys may belong to a group (a table's AWSProvider): at most maxPerGroup workers serve one group at
// a time, so a provider whose endpoint hangs cannot occupy every worker while other providers'
// tables wait. A key of a saturated group is parked (not an error, no backoff) and queued again as
// soon as a worker of its group finishes.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../observability/log.ts';
import type { Metrics } from '../observability/metrics.ts';
import { GroupLimiter } from '../queue/group-limiter.ts';
import { WorkQueue } from '../queue/workqueue.ts';
import { NotLeaderError } from '../leader/gate.ts';
import { TerminalError } from './errors.ts';
import type { ReconcileResult } from './table-context.ts';
import { splitKey } from '@dynamodb-operator/kube';

export interface ControllerOptions {
  name: string;
  workers: number;
  resyncMs: number;
  reconcile(key: string, log: Logger): Promise<ReconcileResult>;
  /** Is the key still known (in the cache)? Keys of deleted objects are dropped. */
  exists(key: string): boolean;
  log: Logger;
  metrics?: Metrics;
  /** The key's group (e.g. its provider), or undefined for no limit. */
  groupOf?(key: string): string | undefined;
  /** Workers one group may hold at once (default: all). */
  maxPerGroup?: number;
}

export function jitter(ms: number, fraction = 0.1, random = Math.random): number {
  return Math.round(ms * (1 - fraction + 2 * fraction * random()));
}

export class Controller {
  readonly queue: WorkQueue;
  private readonly o: ControllerOptions;
  private active = false;
  private activeWaiters: (() => void)[] = [];
  private workers: Promise<void>[] = [];
  private busy = 0;
  private readonly groups: GroupLimiter | undefined;

  constructor(o: ControllerOptions) {
    this.o = o;
    if (o.groupOf && o.maxPerGroup !== undefined && o.maxPerGroup < o.workers) {
      this.groups = new GroupLimiter(o.maxPerGroup);
    }
    this.queue = new WorkQueue(o.name, o.metrics);
    o.metrics?.maxConcurrent.set({ controller: o.name }, o.workers);
    o.metrics?.activeWorkers.set({ controller: o.name }, 0);
  }

  get name(): string {
    return this.o.name;
  }

  enqueue(key: string): void {
    this.queue.add(key);
  }

  /** Start the workers (idempotent); they process keys only while resumed. */
  start(): void {
    if (this.workers.length > 0) return;
    for (let i = 0; i < this.o.workers; i++) this.workers.push(this.work());
  }

  resume(): void {
    this.active = true;
    for (const w of this.activeWaiters.splice(0)) w();
  }

  pause(): void {
    this.active = false;
  }

  async stop(): Promise<void> {
    this.active = false;
    this.queue.shutDown();
    for (const w of this.activeWaiters.splice(0)) w();
    await Promise.all(this.workers);
  }

  private whenActive(): Promise<void> {
    if (this.active) return Promise.resolve();
    return new Promise((resolve) => this.activeWaiters.push(resolve));
  }

  private async work(): Promise<void> {
    for (;;) {
      await this.whenActive();
      const key = await this.queue.get();
      if (key === undefined) return;
      if (!this.active) {
        // Paused between get and now: put it back for whoever leads next.
        this.queue.done(key);
        this.queue.add(key);
        continue;
      }
      const group = this.groups ? this.o.groupOf?.(key) : undefined;
      if (group !== undefined && this.groups && !this.groups.tryAcquire(group, key)) {
        // Parked: released by the next worker of this group to finish (below).
        this.o.log.debug({ controller: this.o.name, key, group }, 'group at its concurrency limit; key deferred');
        this.queue.done(key);
        continue;
      }
      try {
        await this.processOne(key);
      } finally {
        if (group !== undefined && this.groups) {
          const next = this.groups.release(group);
          if (next !== undefined) this.queue.add(next);
        }
      }
    }
  }

  private async processOne(key: string): Promise<void> {
    const { name, metrics } = this.o;
    const { namespace, name: objName } = splitKey(key);
    const log = this.o.log.child({ controller: name, namespace, name: objName, reconcileID: randomUUID() });
    this.busy++;
    metrics?.activeWorkers.set({ controller: name }, this.busy);
    const end = metrics?.reconcileTime.startTimer({ controller: name });
    try {
      const res = await this.o.reconcile(key, log);
      this.queue.forget(key);
      if (!this.o.exists(key)) {
        this.queue.remove(key);
      } else if (res.requeueAfterMs !== undefined) {
        metrics?.reconcileTotal.inc({ controller: name, result: 'requeue_after' });
        this.queue.schedule(key, res.requeueAfterMs);
      } else {
        metrics?.reconcileTotal.inc({ controller: name, result: 'success' });
        this.queue.schedule(key, jitter(this.o.resyncMs));
      }
    } catch (err) {
      if (err instanceof NotLeaderError) {
        log.info('leadership lost during reconcile; the next leader takes the key');
        this.queue.schedule(key, 0);
      } else if (err instanceof TerminalError) {
        metrics?.reconcileTotal.inc({ controller: name, result: 'error' });
        metrics?.reconcileErrors.inc({ controller: name });
        metrics?.terminalErrors.inc({ controller: name });
        log.warn({ reason: err.reason, err }, 'terminal error: not retried until the object or its provider changes');
        this.queue.forget(key);
        this.queue.schedule(key, jitter(this.o.resyncMs));
      } else {
        metrics?.reconcileTotal.inc({ controller: name, result: 'error' });
        metrics?.reconcileErrors.inc({ controller: name });
        const delay = this.queue.addRateLimited(key);
        log.warn({ err, retryInMs: Math.round(delay) }, 'reconcile failed; retrying with backoff');
      }
    } finally {
      end?.();
      this.busy--;
      metrics?.activeWorkers.set({ controller: name }, this.busy);
      this.queue.done(key);
    }
  }
}
