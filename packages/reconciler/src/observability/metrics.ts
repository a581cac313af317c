// All metrics of the reconciler in one registry: controller-runtime's names for reconcile,
// workqueue and leader election, `dynamodb_operator_*` for what is ours.
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import { processRegistry, restClientMetrics } from '@dynamodb-operator/runtime/metrics';
import type { RestClientMetrics } from '@dynamodb-operator/runtime/metrics';

export interface Metrics extends RestClientMetrics {
  registry: Registry;
  reconcileTotal: Counter<'controller' | 'result'>;
  reconcileErrors: Counter<'controller'>;
  terminalErrors: Counter<'controller'>;
  reconcileTime: Histogram<'controller'>;
  maxConcurrent: Gauge<'controller'>;
  activeWorkers: Gauge<'controller'>;
  wqDepth: Gauge<'name' | 'controller'>;
  wqAdds: Counter<'name' | 'controller'>;
  wqQueueDuration: Histogram<'name' | 'controller'>;
  wqWorkDuration: Histogram<'name' | 'controller'>;
  wqRetries: Counter<'name' | 'controller'>;
  wqUnfinished: Gauge<'name' | 'controller'>;
  wqLongest: Gauge<'name' | 'controller'>;
  leaderStatus: Gauge<'name'>;
  awsCalls: Counter<'operation' | 'code'>;
  awsDuration: Histogram<'operation'>;
  tables: Gauge<'kind' | 'status'>;
}

// controller-runtime's reconcile_time buckets.
const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25, 1.5, 1.75,
  2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];
// workqueue buckets: exponential 1e-8 .. ~1000s, as in client-go.
const WQ_BUCKETS = Array.from({ length: 11 }, (_, i) => 1e-8 * 10 ** i);

/** controller-runtime's reconcile metrics, per controller. */
function controllerMetrics(
  registry: Registry,
): Pick<
  Metrics,
  'reconcileTotal' | 'reconcileErrors' | 'terminalErrors' | 'reconcileTime' | 'maxConcurrent' | 'activeWorkers'
> {
  return {
    reconcileTotal: new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller',
      labelNames: ['controller', 'result'],
      registers: [registry],
    }),
    reconcileErrors: new Counter({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Total number of reconciliation errors per controller',
      labelNames: ['controller'],
      registers: [registry],
    }),
    terminalErrors: new Counter({
      name: 'controller_runtime_terminal_reconcile_errors_total',
      help: 'Total number of terminal reconciliation errors per controller',
      labelNames: ['controller'],
      registers: [registry],
    }),
    reconcileTime: new Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Length of time per reconciliation per controller',
      labelNames: ['controller'],
      buckets: RECONCILE_BUCKETS,
      registers: [registry],
    }),
    maxConcurrent: new Gauge({
      name: 'controller_runtime_max_concurrent_reconciles',
      help: 'Maximum number of concurrent reconciles per controller',
      labelNames: ['controller'],
      registers: [registry],
    }),
    activeWorkers: new Gauge({
      name: 'controller_runtime_active_workers',
      help: 'Number of currently used workers per controller',
      labelNames: ['controller'],
      registers: [registry],
    }),
  };
}

/** client-go's workqueue metrics, per queue. */
function workqueueMetrics(
  registry: Registry,
): Pick<
  Metrics,
  'wqDepth' | 'wqAdds' | 'wqQueueDuration' | 'wqWorkDuration' | 'wqRetries' | 'wqUnfinished' | 'wqLongest'
> {
  const wq = ['name', 'controller'] as const;
  return {
    wqDepth: new Gauge({
      name: 'workqueue_depth',
      help: 'Current depth of workqueue',
      labelNames: wq,
      registers: [registry],
    }),
    wqAdds: new Counter({
      name: 'workqueue_adds_total',
      help: 'Total number of adds handled by workqueue',
      labelNames: wq,
      registers: [registry],
    }),
    wqQueueDuration: new Histogram({
      name: 'workqueue_queue_duration_seconds',
      help: 'How long in seconds an item stays in workqueue before being requested',
      labelNames: wq,
      buckets: WQ_BUCKETS,
      registers: [registry],
    }),
    wqWorkDuration: new Histogram({
      name: 'workqueue_work_duration_seconds',
      help: 'How long in seconds processing an item from workqueue takes',
      labelNames: wq,
      buckets: WQ_BUCKETS,
      registers: [registry],
    }),
    wqRetries: new Counter({
      name: 'workqueue_retries_total',
      help: 'Total number of retries handled by workqueue',
      labelNames: wq,
      registers: [registry],
    }),
    wqUnfinished: new Gauge({
      name: 'workqueue_unfinished_work_seconds',
      help: 'How many seconds of work has been done that is in progress and has not been observed by work_duration',
      labelNames: wq,
      registers: [registry],
    }),
    wqLongest: new Gauge({
      name: 'workqueue_longest_running_processor_seconds',
      help: 'How many seconds has the longest running processor for workqueue been running',
      labelNames: wq,
      registers: [registry],
    }),
  };
}

/** Leader election, the AWS calls, the tables. */
function operatorMetrics(registry: Registry): Pick<Metrics, 'leaderStatus' | 'awsCalls' | 'awsDuration' | 'tables'> {
  return {
    leaderStatus: new Gauge({
      name: 'leader_election_master_status',
      help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master',
      labelNames: ['name'],
      registers: [registry],
    }),
    awsCalls: new Counter({
      name: 'dynamodb_operator_aws_api_calls_total',
      help: 'AWS API calls made by the reconciler, by operation and result code (OK or the AWS error name)',
      labelNames: ['operation', 'code'],
      registers: [registry],
    }),
    awsDuration: new Histogram({
      name: 'dynamodb_operator_aws_api_call_duration_seconds',
      help: 'Duration of AWS API calls by operation',
      labelNames: ['operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    tables: new Gauge({
      name: 'dynamodb_operator_tables',
      help: 'Table objects known to the reconciler by kind and observed table status',
      labelNames: ['kind', 'status'],
      registers: [registry],
    }),
  };
}

/** `withDefaults`: also Node's process metrics. client-go's rest_client_* (runtime) cover the API server. */
export function makeMetrics(withDefaults = true): Metrics {
  const registry = processRegistry(withDefaults);
  return {
    registry,
    ...controllerMetrics(registry),
    ...workqueueMetrics(registry),
    ...operatorMetrics(registry),
    ...restClientMetrics(registry),
  };
}
