// Leadership and the controllers' run state. The controllers start paused; once the informers have
// synced they work while this replica leads (at once when leader election is off) and pause when it
// loses the Lease, so only the leader's workers reconcile and every AWS call checks the gate first.
import type { ReconcilerConfig } from '../config.ts';
import type { Controller } from '../controller/controller.ts';
import type { KubeHttp } from '@dynamodb-operator/kube';
import { DEFAULT_TIMINGS, LeaderElector } from '../leader/election.ts';
import { LeaderGate } from '../leader/gate.ts';
import type { Logger } from '../observability/log.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { ReconcilerOverrides } from './options.ts';

export interface ElectionDeps {
  kube: KubeHttp;
  config: ReconcilerConfig;
  over: ReconcilerOverrides;
  identity: string;
  log: Logger;
  metrics: Metrics;
}

export class Lifecycle {
  readonly gate: LeaderGate;
  private controllers: Controller[] = [];
  private elector: LeaderElector | undefined;
  private electionRun: Promise<void> | undefined;
  private beginWork: Promise<void> = Promise.resolve();

  constructor() {
    this.gate = new LeaderGate(() => (this.elector ? this.elector.isLeader() : true));
  }

  /** Starts the controllers' queues, paused until this replica leads. */
  startPaused(controllers: Controller[]): void {
    this.controllers = controllers;
    for (const c of controllers) c.start();
  }

  /** Once synced: work now without leader election, else when elected (and pause when deposed). */
  leadAfter(synced: Promise<void>, d: ElectionDeps): void {
    const { config, over } = d;
    this.beginWork = synced.then(() => {
      d.log.info({ identity: d.identity, leaderElect: config.leaderElect }, 'informers synced');
      if (!config.leaderElect) {
        this.lead();
        return;
      }
      this.elector = new LeaderElector(
        d.kube,
        {
          namespace: config.leaderElectionNamespace,
          name: config.leaderElectionId,
          identity: d.identity,
          leaseDurationMs: over.leaseDurationMs ?? DEFAULT_TIMINGS.leaseDurationMs,
          renewDeadlineMs: over.renewDeadlineMs ?? DEFAULT_TIMINGS.renewDeadlineMs,
          retryPeriodMs: over.retryPeriodMs ?? DEFAULT_TIMINGS.retryPeriodMs,
          releaseOnStop: true,
        },
        d.log,
        d.metrics,
      );
      this.electionRun = this.elector.run({ onStartedLeading: this.lead, onStoppedLeading: this.halt });
    });
  }

  /** Stops the workers, then gives up the Lease (released, so a standby takes over at once). */
  async stop(): Promise<void> {
    this.halt();
    await Promise.all(this.controllers.map((c) => c.stop()));
    await this.elector?.stop();
    await this.electionRun;
  }

  /** Resolves when the post-sync start has run (or failed: stopping does not care). */
  settled(): Promise<void> {
    return this.beginWork.catch(() => {});
  }

  private readonly lead = (): void => {
    this.gate.begin();
    for (const c of this.controllers) c.resume();
  };

  private readonly halt = (): void => {
    for (const c of this.controllers) c.pause();
    this.gate.end();
  };
}
