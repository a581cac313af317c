// A queue of keys, not events (client-go's workqueue semantics): a key waiting in the queue is
// never queued twice; a key being processed is never handed to a second worker — if it is added
// meanwhile, it is queued again when the worker calls done(). Each key has at most one timer
// (requeueAfter / resync / backoff), replaced on every schedule, so periodic work cannot multiply.
import type { Metrics } from '../observability/metrics.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { RateLimiterOptions } from './rate-limiter.ts';

export class WorkQueue {
  private readonly queue: string[] = [];
  private head = 0;
  private readonly dirty = new Set<string>();
  private readonly processing = new Map<string, number>();
  private readonly addedAt = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private shuttingDown = false;
  private readonly limiter: RateLimiter;
  private readonly labels: { name: string; controller: string };
  private readonly gaugeTimer: NodeJS.Timeout | undefined;
  private publishedIdle = false;

  readonly name: string;
  private readonly metrics: Metrics | undefined;

  constructor(name: string, metrics?: Metrics, limiter: Partial<RateLimiterOptions> = {}) {
    this.name = name;
    this.metrics = metrics;
    this.limiter = new RateLimiter(limiter);
    this.labels = { name, controller: name };
    if (metrics) {
      metrics.wqDepth.set(this.labels, 0);
      this.gaugeTimer = setInterval(() => this.updateUnfinished(), 1000);
      this.gaugeTimer.unref();
    }
  }

  get length(): number {
    return this.queue.length - this.head;
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.metrics?.wqAdds.inc(this.labels);
    this.dirty.add(key);
    if (!this.addedAt.has(key)) this.addedAt.set(key, performance.now());
    if (this.processing.has(key)) return;
    this.push(key);
  }

  /** Queue the key after `ms`, replacing any timer the key already has. */
  schedule(key: string, ms: number): void {
    if (this.shuttingDown) return;
    const old = this.timers.get(key);
    if (old) clearTimeout(old);
    if (ms <= 0) {
      this.timers.delete(key);
      this.add(key);
      return;
    }
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    t.unref();
    this.timers.set(key, t);
  }

  /** Retry after the key's backoff (an error happened). */
  addRateLimited(key: string): number {
    this.metrics?.wqRetries.inc(this.labels);
    const delay = this.limiter.when(key);
    this.schedule(key, delay);
    return delay;
  }

  /** The key succeeded: its backoff starts from the base again. */
  forget(key: string): void {
    this.limiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.limiter.numRequeues(key);
  }

  /** Stop tracking a key entirely (the object is gone). */
  remove(key: string): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
    this.limiter.forget(key);
  }

  hasTimer(key: string): boolean {
    return this.timers.has(key);
  }

  /** Next key to work on; undefined once the queue shuts down. */
  get(): Promise<string | undefined> {
    if (this.length > 0) return Promise.resolve(this.take());
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(key: string): void {
    const started = this.processing.get(key);
    this.processing.delete(key);
    if (started !== undefined) this.metrics?.wqWorkDuration.observe(this.labels, (performance.now() - started) / 1000);
    if (this.dirty.has(key)) this.push(key);
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    if (this.gaugeTimer) clearInterval(this.gaugeTimer);
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  private push(key: string): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      this.metrics?.wqDepth.set(this.labels, this.length);
      waiter(this.startProcessing(key));
      return;
    }
    this.queue.push(key);
    this.metrics?.wqDepth.set(this.labels, this.length);
  }

  private take(): string {
    const key = this.queue[this.head] as string;
    this.head++;
    // Compact now and then so the array does not grow without bound.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.metrics?.wqDepth.set(this.labels, this.length);
    return this.startProcessing(key);
  }

  private startProcessing(key: string): string {
    this.dirty.delete(key);
    this.processing.set(key, performance.now());
    const added = this.addedAt.get(key);
    this.addedAt.delete(key);
    if (added !== undefined) this.metrics?.wqQueueDuration.observe(this.labels, (performance.now() - added) / 1000);
    return key;
  }

  private updateUnfinished(): void {
    // Idle, and zero already published: nothing to set (this runs every second, per queue, for ever).
    if (this.processing.size === 0 && this.publishedIdle) return;
    this.publishedIdle = this.processing.size === 0;
    const now = performance.now();
    let total = 0;
    let longest = 0;
    for (const started of this.processing.values()) {
      total += now - started;
      longest = Math.max(longest, now - started);
    }
    this.metrics?.wqUnfinished.set(this.labels, total / 1000);
    this.metrics?.wqLongest.set(this.labels, longest / 1000);
  }
}
