// The four controllers (AWSProvider, ClusterAWSProvider and the two table kinds) and what feeds the
// table queues. Only the leader's workers reconcile (lifecycle.ts); every AWS call checks the gate.
import type { TenancyPolicy } from '@dynamodb-operator/api';
import type { ClientCache } from '../aws/clients.ts';
import type { ReconcilerConfig } from '../config.ts';
import { Controller } from '../controller/controller.ts';
import type { EventRecorder } from '../controller/events.ts';
import { reconcileProvider } from '../controller/provider-reconciler.ts';
import type { TableDeps } from '../controller/table-context.ts';
import { reconcileTable } from '../controller/table-reconciler.ts';
import { TerminalMemo } from '../controller/terminal-memo.ts';
import { RESOURCES, keyOf } from '@dynamodb-operator/kube';
import type { KubeHttp } from '@dynamodb-operator/kube';
import type { LeaderGate } from '../leader/gate.ts';
import type { Logger } from '../observability/log.ts';
import type { Metrics } from '../observability/metrics.ts';
import { createPlanConverger } from '../update/index.ts';
import type { ReconcilerOverrides } from './options.ts';
import { tableChangeMatters } from './predicates.ts';
import type { Queues, TableKind, Watches } from './watches.ts';
import { TABLE_KINDS } from './watches.ts';

export interface ControllerDeps {
  config: ReconcilerConfig;
  over: ReconcilerOverrides;
  watches: Watches;
  kube: KubeHttp;
  clients: ClientCache;
  events: EventRecorder;
  gate: LeaderGate;
  tenancy: TenancyPolicy | undefined;
  log: Logger;
  metrics: Metrics;
}

export interface Controllers extends Queues {
  all: Controller[];
}

export function createControllers(d: ControllerDeps): Controllers {
  const { config, watches: w, kube, clients, events, gate, tenancy, log, metrics } = d;
  const { getSecret, namespaceLabels } = w;
  const provider = new Controller({
    name: 'awsprovider',
    workers: Math.min(config.maxConcurrentReconciles, 4),
    resyncMs: config.resyncPeriodMs,
    log,
    metrics,
    exists: (k) => w.providers.has(k),
    reconcile: (key, l) =>
      reconcileProvider(
        { providers: w.providers, kube, clients, events, gate, getSecret, tenancy, namespaceLabels },
        key,
        l,
      ),
  });
  const clusterProvider = new Controller({
    name: 'clusterawsprovider',
    workers: Math.min(config.maxConcurrentReconciles, 2),
    resyncMs: config.resyncPeriodMs,
    log,
    metrics,
    exists: (k) => w.clusterProviders.has(k),
    reconcile: (key, l) =>
      reconcileProvider(
        {
          providers: w.clusterProviders,
          kube,
          clients,
          events,
          gate,
          getSecret,
          tenancy,
          resource: RESOURCES.ClusterAWSProvider,
        },
        key,
        l,
      ),
  });
  const tables = createTableControllers(d);
  return { provider, clusterProvider, tables, all: [provider, clusterProvider, tables.DynamoDBTable, tables.DynamoDB] };
}

/** One controller per table kind, sharing the plan converger and the terminal-error memo. */
function createTableControllers(d: ControllerDeps): Record<TableKind, Controller> {
  const { config, over, watches: w, log, metrics } = d;
  // Existing tables converge one planned step per reconcile (packages/reconciler/src/update).
  const planConverger = createPlanConverger({
    deepCheckIntervalMs: config.driftCheckPeriodMs,
    resyncMs: config.resyncPeriodMs,
  });
  const terminalMemo = new TerminalMemo();
  const out = {} as Record<TableKind, Controller>;
  for (const kind of TABLE_KINDS) {
    const deps: TableDeps = {
      kind,
      resource: RESOURCES[kind],
      tables: w.tables[kind],
      providers: w.providers,
      kube: d.kube,
      clients: d.clients,
      events: d.events,
      gate: d.gate,
      getSecret: w.getSecret,
      operatorTags: over.operatorTags ?? {},
      tenancy: d.tenancy,
      clusterProviders: w.clusterProviders,
      namespaceLabels: w.namespaceLabels,
      converge: over.converge ?? planConverger.converge,
      // A replaced converger reads what it needs itself: no rotation then.
      ...(over.converge ? {} : { steadyRead: planConverger.steadyRead }),
      terminalMemo,
      pollMs: over.pollMs ?? 2_000,
    };
    const controller = new Controller({
      name: kind.toLowerCase(),
      workers: config.maxConcurrentReconciles,
      resyncMs: config.resyncPeriodMs,
      log,
      metrics,
      // Both from the cache's summaries: parsing the whole object for them cost two JSON.parse per reconcile.
      exists: (k) => w.tables[kind].has(k),
      reconcile: (key, l) => reconcileTable(deps, key, l),
      // One provider (e.g. a hung endpoint) never holds every worker.
      groupOf: (k) => w.tables[kind].summary(k)?.provider,
      maxPerGroup: config.maxConcurrentPerProvider,
    });
    out[kind] = controller;
    w.tables[kind].on({
      add: (o) => controller.enqueue(keyOf(o)),
      update: (o, n) => {
        if (tableChangeMatters(o, n)) controller.enqueue(keyOf(n));
      },
      delete: (o) => controller.queue.remove(keyOf(o)),
    });
  }
  return out;
}
