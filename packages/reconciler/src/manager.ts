// The manager: wires informers → controllers → AWS, leader election, metrics and probes, and runs
// them until stop(). Each role is in manager/: watches (informers, Secret watch, what a change
// re-queues), controllers, probes (gauge, healthz/readyz, listeners) and lifecycle (leadership, start/stop).
import { hostname } from 'node:os';
import { ClientCache } from './aws/clients.ts';
import { loadTenancyPolicy } from './aws/tenancy.ts';
import type { ReconcilerConfig } from './config.ts';
import { EventRecorder } from './controller/events.ts';
import { KubeHttp } from '@dynamodb-operator/kube';
import { makeLogger } from './observability/log.ts';
import { makeMetrics } from './observability/metrics.ts';
import { createControllers } from './manager/controllers.ts';
import { Lifecycle } from './manager/lifecycle.ts';
import type { ReconcilerHandle, ReconcilerOverrides } from './manager/options.ts';
import { informerProbes, serveProbes, startTablesGauge } from './manager/probes.ts';
import { createWatches, routeDependencyChanges } from './manager/watches.ts';

export type { ReconcilerHandle, ReconcilerOverrides } from './manager/options.ts';
export { providerChangeMatters, tableChangeMatters } from './manager/predicates.ts';

export async function startReconciler(
  config: ReconcilerConfig,
  over: ReconcilerOverrides = {},
): Promise<ReconcilerHandle> {
  const log = over.logger ?? makeLogger(config.logLevel);
  const metrics = makeMetrics(over.processMetrics ?? true);
  const kube = await KubeHttp.create(config.kubeconfig, metrics.restClient, {
    maxConnections: config.kubeApiConnections,
  });
  const identity = config.identity ?? `${hostname()}_${process.pid}`;
  const watches = createWatches(kube, config, log);
  const lifecycle = new Lifecycle();
  const clients = new ClientCache(metrics, {
    connectMs: config.awsConnectTimeoutMs,
    requestMs: config.awsRequestTimeoutMs,
    callMs: config.awsCallTimeoutMs,
  });
  const events = new EventRecorder(kube, log);
  // Read once at start: a policy that does not parse stops the process rather than allowing everything.
  const tenancy = over.tenancy ?? loadTenancyPolicy(config.tenancyPolicyFile);
  const controllers = createControllers({
    config,
    over,
    watches,
    kube,
    clients,
    events,
    gate: lifecycle.gate,
    tenancy,
    log,
    metrics,
  });
  const secretWatch = routeDependencyChanges(watches, controllers, kube, clients, log);

  for (const i of watches.all) i.start();
  const synced = Promise.all(watches.all.map((i) => i.waitForSync())).then(() => undefined);
  const stopGauge = startTablesGauge(metrics, watches.tables);
  lifecycle.startPaused(controllers.all);
  const listeners = await serveProbes(config, kube, metrics, informerProbes(watches.all));
  lifecycle.leadAfter(synced, { kube, config, over, identity, log, metrics });

  return {
    metrics,
    metricsPort: listeners.metricsPort,
    healthPort: listeners.healthPort,
    isLeader: () => lifecycle.gate.leading,
    synced,
    stop: async () => {
      await lifecycle.stop();
      for (const i of watches.all) i.stop();
      secretWatch.stop();
      await lifecycle.settled();
      stopGauge();
      await listeners.close();
      clients.destroy();
      kube.close();
    },
  };
}
