// What a caller of startReconciler passes besides the config (in-process tests, hack/) and gets back.
import type { ConvergeContext, ConvergeResult } from '../controller/converge.ts';
import type { TenancyPolicy } from '@dynamodb-operator/api';
import type { Logger } from '../observability/log.ts';
import type { Metrics } from '../observability/metrics.ts';

export interface ReconcilerOverrides {
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Poll interval while tables are CREATING/DELETING/UPDATING (default 2s). */
  pollMs?: number;
  operatorTags?: Record<string, string>;
  /** The tenancy policy instead of config.tenancyPolicyFile (in-process tests). */
  tenancy?: TenancyPolicy;
  converge?: (ctx: ConvergeContext) => Promise<ConvergeResult>;
  logger?: Logger;
  /** Register default process metrics (off in in-process tests). */
  processMetrics?: boolean;
}

export interface ReconcilerHandle {
  metrics: Metrics;
  metricsPort?: number;
  healthPort?: number;
  isLeader(): boolean;
  /** Resolves once the informers have synced. */
  synced: Promise<void>;
  stop(): Promise<void>;
}
