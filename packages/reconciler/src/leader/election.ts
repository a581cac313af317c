// Leader election on a coordination.k8s.io/v1 Lease with controller-runtime's default timings
// (lease 15s, renew deadline 10s, retry 2s). Safety: `isLeader()` turns false the moment our last
// successful renewal is older than the renew deadline — 5s before any other replica may take the
// lease — and onStoppedLeading fires at once, so two replicas never both act.
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeApiError, LEASES, collectionPath, objectPath } from '@dynamodb-operator/kube';
import type { KubeHttp } from '@dynamodb-operator/kube';
import type { Logger } from '../observability/log.ts';
import type { Metrics } from '../observability/metrics.ts';
import { decideLease, microTime, sameRecord } from './decide.ts';
import type { LeaseRecord } from './decide.ts';

export interface ElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** Give the lease up on a graceful stop so a successor need not wait for expiry. */
  releaseOnStop: boolean;
}

export const DEFAULT_TIMINGS = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

interface Lease {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: LeaseRecord;
}

export class LeaderElector {
  private observed: LeaseRecord | undefined;
  private observedAt = 0;
  private lastRenew = 0;
  private leading = false;
  private stopped = false;
  private readonly abort = new AbortController();

  private readonly http: KubeHttp;
  private readonly opts: ElectionOptions;
  private readonly log: Logger;
  private readonly metrics: Metrics | undefined;

  constructor(http: KubeHttp, opts: ElectionOptions, log: Logger, metrics?: Metrics) {
    this.http = http;
    this.opts = opts;
    this.log = log;
    this.metrics = metrics;
    metrics?.leaderStatus.set({ name: opts.name }, 0);
  }

  isLeader(): boolean {
    return this.leading && Date.now() - this.lastRenew < this.opts.renewDeadlineMs;
  }

  /** Runs until stopped: acquire, then renew; calls back on each transition. */
  async run(cb: { onStartedLeading(): void; onStoppedLeading(): void }): Promise<void> {
    while (!this.stopped) {
      // Acquire.
      while (!this.stopped && !(await this.tryAcquireOrRenew())) {
        await this.pause(this.opts.retryPeriodMs * (1 + Math.random() * 0.2));
      }
      if (this.stopped) return;
      this.leading = true;
      this.metrics?.leaderStatus.set({ name: this.opts.name }, 1);
      this.log.info({ lease: this.opts.name, identity: this.opts.identity }, 'became leader');
      cb.onStartedLeading();
      // Renew until a renewal does not succeed within the renew deadline.
      const watchdog = setInterval(() => {
        if (this.leading && !this.isLeader()) this.lose(cb, 'renew deadline passed');
      }, 250);
      try {
        while (!this.stopped && this.leading) {
          await this.pause(this.opts.retryPeriodMs);
          if (this.stopped || !this.leading) break;
          const ok = await this.tryAcquireOrRenew();
          if (!ok && this.leading && !this.isLeader()) this.lose(cb, 'lease renewal failed');
          if (!ok && this.observed?.holderIdentity && this.observed.holderIdentity !== this.opts.identity) {
            this.lose(cb, `lease taken by ${this.observed.holderIdentity}`);
          }
        }
      } finally {
        clearInterval(watchdog);
      }
    }
  }

  private lose(cb: { onStoppedLeading(): void }, why: string): void {
    if (!this.leading) return;
    this.leading = false;
    this.metrics?.leaderStatus.set({ name: this.opts.name }, 0);
    this.log.warn({ lease: this.opts.name, identity: this.opts.identity, why }, 'leader election lost');
    cb.onStoppedLeading();
  }

  private async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.abort.signal }).catch(() => {});
  }

  /** One attempt; true when we hold the lease afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const path = objectPath(LEASES, this.opts.namespace, this.opts.name);
    const now = Date.now();
    let current: Lease | undefined;
    try {
      current = await this.http.request<Lease>('GET', path, { timeoutMs: this.opts.retryPeriodMs * 2 });
    } catch (err) {
      if (!(err instanceof KubeApiError && err.status === 404)) {
        this.log.warn({ err }, 'reading the leader lease failed');
        return false;
      }
    }
    if (!sameRecord(current?.spec, this.observed)) {
      this.observed = current?.spec;
      this.observedAt = now;
    }
    const decision = decideLease(current?.spec, this.observedAt, now, this.opts.identity, this.opts.leaseDurationMs);
    if (decision === 'wait') return false;
    const transitions = current?.spec.leaseTransitions ?? 0;
    const spec: LeaseRecord = {
      holderIdentity: this.opts.identity,
      leaseDurationSeconds: this.opts.leaseDurationMs / 1000,
      renewTime: microTime(now),
      acquireTime: decision === 'renew' ? (current?.spec.acquireTime ?? microTime(now)) : microTime(now),
      leaseTransitions: decision === 'acquire' ? transitions + 1 : transitions,
    };
    try {
      const body: Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.opts.name, namespace: this.opts.namespace },
        spec,
      };
      const timeout = { timeoutMs: this.opts.retryPeriodMs * 2 };
      // Optimistic concurrency: the PUT carries the resourceVersion we read, so two candidates
      // racing for an expired lease cannot both win.
      const written =
        decision === 'create'
          ? await this.http.request<Lease>('POST', collectionPath(LEASES, this.opts.namespace), { body, ...timeout })
          : await this.http.request<Lease>('PUT', path, {
              body: { ...body, metadata: { ...body.metadata, resourceVersion: current?.metadata.resourceVersion } },
              ...timeout,
            });
      this.observed = written.spec;
      this.observedAt = now;
      this.lastRenew = now;
      return true;
    } catch (err) {
      this.log.info({ err, decision }, 'lease write failed');
      return false;
    }
  }

  /** Stop; with releaseOnStop and while leading, hand the lease back for a fast handover. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    const wasLeading = this.isLeader();
    this.leading = false;
    this.metrics?.leaderStatus.set({ name: this.opts.name }, 0);
    if (!wasLeading || !this.opts.releaseOnStop) return;
    try {
      const path = objectPath(LEASES, this.opts.namespace, this.opts.name);
      const current = await this.http.request<Lease>('GET', path, { timeoutMs: 2000 });
      if (current.spec.holderIdentity !== this.opts.identity) return;
      await this.http.request('PUT', path, {
        body: {
          ...current,
          spec: { ...current.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(Date.now()) },
        },
        timeoutMs: 2000,
      });
    } catch (err) {
      this.log.warn({ err }, 'releasing the leader lease failed');
    }
  }
}
