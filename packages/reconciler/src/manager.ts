// The manager: wires informers → controllers → AWS, leader election, metrics and probes, and runs
// them until stop(). Informers run on every replica (a standby keeps a warm cache); only the leader's
// workers reconcile, and every AWS call checks leadership first.
import { hostname } from 'node:os';
import type http from 'node:http';
import { ClientCache } from './aws/clients.ts';
import { referencedSecretKeys } from './aws/provider-settings.ts';
import type { ReconcilerConfig } from './config.ts';
import { parseBindAddress } from './config.ts';
import { Controller } from './controller/controller.ts';
import { createPlanConverger } from './update/index.ts';
import type { ConvergeContext, ConvergeResult } from './controller/converge.ts';
import { EventRecorder } from './controller/events.ts';
import { ADOPT_ANNOTATION, FINALIZER } from './controller/ownership.ts';
import { reconcileProvider } from './controller/provider-reconciler.ts';
import { loadTenancyPolicy } from './aws/tenancy.ts';
import { MANAGEMENT_POLICY_ANNOTATION, PAUSED_ANNOTATION } from '@dynamodb-operator/api';
import type { TenancyPolicy } from '@dynamodb-operator/api';
import { CREATE_INTENT_ANNOTATION } from './controller/table-context.ts';
import type { TableDeps } from './controller/table-context.ts';
import { TerminalMemo } from './controller/terminal-memo.ts';
import { reconcileTable } from './controller/table-reconciler.ts';
import { providerKeyOf } from './controller/table-resolve.ts';
import { KubeApiError, KubeHttp } from './kube/http.ts';
import { Informer } from './kube/informer.ts';
import { SecretWatch } from './kube/secret-watch.ts';
import { NAMESPACES, RESOURCES, SECRETS, keyOf, objectPath } from './kube/resources.ts';
import type { KubeObject } from './kube/resources.ts';
import { DEFAULT_TIMINGS, LeaderElector } from './leader/election.ts';
import { LeaderGate } from './leader/gate.ts';
import { makeLogger } from './observability/log.ts';
import type { Logger } from './observability/log.ts';
import { close, listen } from './observability/http.ts';
import { metricsAuthorizer } from '@dynamodb-operator/api';
import { selfSignedCertificate } from './observability/self-signed.ts';
import { makeMetrics } from './observability/metrics.ts';
import type { Metrics } from './observability/metrics.ts';

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

type TableKind = 'DynamoDBTable' | 'DynamoDB';
interface TableSummary {
  /** The provider's key: `namespace/name`, or `/name` for a ClusterAWSProvider. */
  provider: string;
  status: string;
}

/** Changes that can matter to a reconcile; a status-only write (ours) is not one of them. */
export function tableChangeMatters(oldObj: KubeObject, newObj: KubeObject): boolean {
  if (oldObj.metadata.generation !== newObj.metadata.generation) return true;
  if (oldObj.metadata.deletionTimestamp !== newObj.metadata.deletionTimestamp) return true;
  const a = { ...(oldObj.metadata.annotations ?? {}) };
  const b = { ...(newObj.metadata.annotations ?? {}) };
  delete a[CREATE_INTENT_ANNOTATION];
  delete b[CREATE_INTENT_ANNOTATION];
  if (a[ADOPT_ANNOTATION] !== b[ADOPT_ANNOTATION]) return true;
  // Pause, resume and a new management policy take effect at once, not at the next resync.
  if (a[PAUSED_ANNOTATION] !== b[PAUSED_ANNOTATION]) return true;
  if (a[MANAGEMENT_POLICY_ANNOTATION] !== b[MANAGEMENT_POLICY_ANNOTATION]) return true;
  // Someone removed our finalizer from a live object: put it back.
  const had = (oldObj.metadata.finalizers ?? []).includes(FINALIZER);
  const has = (newObj.metadata.finalizers ?? []).includes(FINALIZER);
  return had && !has && !newObj.metadata.deletionTimestamp;
}

export function providerChangeMatters(oldObj: KubeObject, newObj: KubeObject): boolean {
  return oldObj.metadata.generation !== newObj.metadata.generation;
}

export async function startReconciler(
  config: ReconcilerConfig,
  over: ReconcilerOverrides = {},
): Promise<ReconcilerHandle> {
  const log = over.logger ?? makeLogger(config.logLevel);
  const metrics = makeMetrics(over.processMetrics ?? true);
  const kube = await KubeHttp.create(config.kubeconfig, metrics.restClient);
  // Tables and providers are watched in the same namespaces; a table's provider is in its own namespace
  // and a provider's Secrets in the provider's, so the provider lookups and the Secret watches follow.
  const ns = config.watchNamespaces;
  const tableOpts = config.watchLabelSelector ? { labelSelector: config.watchLabelSelector } : {};
  const identity = config.identity ?? `${hostname()}_${process.pid}`;

  const providers = new Informer<KubeObject>(kube, RESOURCES.AWSProvider, ns, log);
  // Cluster-scoped, so watched whatever --watch-namespace says; namespaces for their labels, which
  // a ClusterAWSProvider's namespaceSelector reads.
  const clusterProviders = new Informer<KubeObject>(kube, RESOURCES.ClusterAWSProvider, undefined, log);
  const namespaces = new Informer<KubeObject>(kube, NAMESPACES, undefined, log);
  // Per table, the two fields read across the whole cache (provider re-queue, tables gauge).
  const summarize = (t: KubeObject): TableSummary => ({
    provider: providerKeyOf(t),
    status: typeof t.status?.tableStatus === 'string' ? t.status.tableStatus : 'UNKNOWN',
  });
  const tableInformers: Record<TableKind, Informer<KubeObject, TableSummary>> = {
    DynamoDBTable: new Informer(kube, RESOURCES.DynamoDBTable, ns, log, tableOpts, summarize),
    DynamoDB: new Informer(kube, RESOURCES.DynamoDB, ns, log, tableOpts, summarize),
  };
  const informers = [providers, clusterProviders, namespaces, tableInformers.DynamoDBTable, tableInformers.DynamoDB];
  const namespaceLabels = (name: string): Record<string, string> | undefined => {
    const namespace = namespaces.get(`/${name}`);
    return namespace ? (namespace.metadata.labels ?? {}) : undefined;
  };

  let elector: LeaderElector | undefined;
  const gate = new LeaderGate(() => (elector ? elector.isLeader() : true));
  const clients = new ClientCache(metrics, {
    connectMs: config.awsConnectTimeoutMs,
    requestMs: config.awsRequestTimeoutMs,
    callMs: config.awsCallTimeoutMs,
  });
  const events = new EventRecorder(kube, log);
  // Read once at start: a policy that does not parse stops the process rather than allowing everything.
  const tenancy = over.tenancy ?? loadTenancyPolicy(config.tenancyPolicyFile);
  const getSecret = async (namespace: string, name: string): Promise<KubeObject | undefined> => {
    try {
      return await kube.get<KubeObject>(objectPath(SECRETS, namespace, name));
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return undefined;
      throw err;
    }
  };

  const providerController = new Controller({
    name: 'awsprovider',
    workers: Math.min(config.maxConcurrentReconciles, 4),
    resyncMs: config.resyncPeriodMs,
    log,
    metrics,
    exists: (k) => providers.get(k) !== undefined,
    reconcile: (key, l) =>
      reconcileProvider({ providers, kube, clients, events, gate, getSecret, tenancy, namespaceLabels }, key, l),
  });
  const clusterProviderController = new Controller({
    name: 'clusterawsprovider',
    workers: Math.min(config.maxConcurrentReconciles, 2),
    resyncMs: config.resyncPeriodMs,
    log,
    metrics,
    exists: (k) => clusterProviders.get(k) !== undefined,
    reconcile: (key, l) =>
      reconcileProvider(
        {
          providers: clusterProviders,
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

  const tableControllers = {} as Record<TableKind, Controller>;
  // Issue 7: existing tables converge one planned step per reconcile (packages/reconciler/src/update).
  const planConverger = createPlanConverger({
    deepCheckIntervalMs: config.driftCheckPeriodMs,
    resyncMs: config.resyncPeriodMs,
  });
  const terminalMemo = new TerminalMemo();
  for (const kind of ['DynamoDBTable', 'DynamoDB'] as const) {
    const deps: TableDeps = {
      kind,
      resource: RESOURCES[kind],
      tables: tableInformers[kind],
      providers,
      kube,
      clients,
      events,
      gate,
      getSecret,
      operatorTags: over.operatorTags ?? {},
      tenancy,
      clusterProviders,
      namespaceLabels,
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
      exists: (k) => tableInformers[kind].get(k) !== undefined,
      reconcile: (key, l) => reconcileTable(deps, key, l),
      // One provider (e.g. a hung endpoint) never holds every worker.
      groupOf: (k) => {
        const t = tableInformers[kind].get(k);
        return t ? providerKeyOf(t) : undefined;
      },
      maxPerGroup: config.maxConcurrentPerProvider,
    });
    tableControllers[kind] = controller;
    tableInformers[kind].on({
      add: (o) => controller.enqueue(keyOf(o)),
      update: (o, n) => {
        if (tableChangeMatters(o, n)) controller.enqueue(keyOf(n));
      },
      delete: (o) => controller.queue.remove(keyOf(o)),
    });
  }

  /** A provider change re-queues the tables that use it (a cluster provider's key is `/name`). */
  const requeueTablesOf = (p: KubeObject): void => {
    const providerKey = keyOf(p);
    for (const kind of ['DynamoDBTable', 'DynamoDB'] as const) {
      for (const [key, sum] of tableInformers[kind].summaries()) {
        if (sum.provider === providerKey) tableControllers[kind].enqueue(key);
      }
    }
  };
  /** New namespace labels may change which ClusterAWSProviders serve it and what the policy grants it. */
  const requeueNamespace = (namespace: string): void => {
    for (const kind of ['DynamoDBTable', 'DynamoDB'] as const) {
      for (const [key] of tableInformers[kind].summaries()) {
        if (key.startsWith(`${namespace}/`)) tableControllers[kind].enqueue(key);
      }
    }
    for (const p of providers.list()) if (p.metadata.namespace === namespace) providerController.enqueue(keyOf(p));
  };
  const allProviders = (): KubeObject[] => [...providers.list(), ...clusterProviders.list()];
  // A change to a credentials Secret rebuilds the clients of the providers that use it, re-checks
  // them and re-queues their tables (instead of waiting for their resync).
  const controllerOf = (p: KubeObject): Controller =>
    p.metadata.namespace ? providerController : clusterProviderController;
  const secretWatch = new SecretWatch(kube, log, (namespace, name) => {
    for (const p of allProviders()) {
      if (!referencedSecretKeys(p).includes(`${namespace}/${name}`)) continue;
      log.info({ namespace, secret: name, provider: keyOf(p) }, 'credentials Secret changed');
      clients.invalidate(keyOf(p));
      controllerOf(p).enqueue(keyOf(p));
      requeueTablesOf(p);
    }
  });
  const watchReferencedSecrets = (): void => secretWatch.sync(allProviders().flatMap((p) => referencedSecretKeys(p)));
  for (const informer of [providers, clusterProviders]) {
    informer.on({
      add: (p) => {
        controllerOf(p).enqueue(keyOf(p));
        requeueTablesOf(p);
        watchReferencedSecrets();
      },
      update: (o, n) => {
        if (providerChangeMatters(o, n)) controllerOf(n).enqueue(keyOf(n));
        if (providerChangeMatters(o, n) || o.status?.ready !== n.status?.ready) requeueTablesOf(n);
        if (providerChangeMatters(o, n)) watchReferencedSecrets();
      },
      delete: (p) => {
        controllerOf(p).enqueue(keyOf(p));
        requeueTablesOf(p);
        watchReferencedSecrets();
      },
    });
  }
  namespaces.on({
    update: (o, n) => {
      if (JSON.stringify(o.metadata.labels ?? {}) !== JSON.stringify(n.metadata.labels ?? {})) {
        requeueNamespace(n.metadata.name);
      }
    },
  });

  const controllers = [
    providerController,
    clusterProviderController,
    tableControllers.DynamoDBTable,
    tableControllers.DynamoDB,
  ];
  for (const i of informers) i.start();
  const synced = Promise.all(informers.map((i) => i.waitForSync())).then(() => undefined);

  // Tables by kind and observed status, from the cache.
  const gaugeTimer = setInterval(() => {
    metrics.tables.reset();
    for (const kind of ['DynamoDBTable', 'DynamoDB'] as const) {
      const counts = new Map<string, number>();
      for (const [, sum] of tableInformers[kind].summaries()) counts.set(sum.status, (counts.get(sum.status) ?? 0) + 1);
      for (const [status, n] of counts) metrics.tables.set({ kind, status }, n);
    }
  }, 5_000);
  gaugeTimer.unref();

  const start = (): void => {
    gate.begin();
    for (const c of controllers) c.resume();
  };
  const halt = (): void => {
    for (const c of controllers) c.pause();
    gate.end();
  };
  for (const c of controllers) c.start();

  // Probes: healthz fails when an informer has been cut off from the API server for too long
  // (watchdog); readyz waits for the first complete list of every informer.
  const staleMs = 25 * 60_000;
  const healthz = () => {
    const stale = informers.filter((i) => i.synced && Date.now() - i.lastContact > staleMs);
    return stale.length
      ? { ok: false, detail: `no contact with the API server for ${stale.map((i) => i.resource.plural).join(', ')}` }
      : { ok: true, detail: 'informers live' };
  };
  const readyz = () => {
    const waiting = informers.filter((i) => !i.synced);
    return waiting.length
      ? { ok: false, detail: `waiting for informers: ${waiting.map((i) => i.resource.plural).join(', ')}` }
      : { ok: true, detail: 'informers synced' };
  };
  const servers: http.Server[] = [];
  const out: ReconcilerHandle = {
    metrics,
    isLeader: () => gate.leading,
    synced,
    stop: async () => {},
  };
  const metricsAddr = parseBindAddress('metrics-bind-address', config.metricsBindAddress);
  const healthAddr = parseBindAddress('health-probe-bind-address', config.healthProbeBindAddress);
  if (metricsAddr) {
    const secure = config.metricsSecure
      ? {
          tls: selfSignedCertificate([hostname(), 'localhost', '127.0.0.1']),
          authorize: metricsAuthorizer((path, body) => kube.post(path, body)),
        }
      : undefined;
    const m = await listen(metricsAddr.host, metricsAddr.port, { metrics: metrics.registry, healthz, readyz }, secure);
    servers.push(m.server);
    out.metricsPort = m.port;
  }
  if (healthAddr) {
    const h = await listen(healthAddr.host, healthAddr.port, { healthz, readyz });
    servers.push(h.server);
    out.healthPort = h.port;
  }

  let electionRun: Promise<void> | undefined;
  const beginWork = synced.then(() => {
    log.info({ identity, leaderElect: config.leaderElect }, 'informers synced');
    if (!config.leaderElect) {
      start();
      return;
    }
    elector = new LeaderElector(
      kube,
      {
        namespace: config.leaderElectionNamespace,
        name: config.leaderElectionId,
        identity,
        leaseDurationMs: over.leaseDurationMs ?? DEFAULT_TIMINGS.leaseDurationMs,
        renewDeadlineMs: over.renewDeadlineMs ?? DEFAULT_TIMINGS.renewDeadlineMs,
        retryPeriodMs: over.retryPeriodMs ?? DEFAULT_TIMINGS.retryPeriodMs,
        releaseOnStop: true,
      },
      log,
      metrics,
    );
    electionRun = elector.run({ onStartedLeading: start, onStoppedLeading: halt });
  });

  out.stop = async () => {
    halt();
    await Promise.all(controllers.map((c) => c.stop()));
    await elector?.stop();
    await electionRun;
    for (const i of informers) i.stop();
    secretWatch.stop();
    await beginWork.catch(() => {});
    clearInterval(gaugeTimer);
    await Promise.all(servers.map((s) => close(s)));
    clients.destroy();
    kube.close();
  };
  return out;
}
