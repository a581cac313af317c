// What the manager watches and what a change re-queues. Informers run on every replica (a standby keeps
// a warm cache). Tables and providers are watched in the same namespaces; a table's provider is in its
// own namespace and a provider's Secrets in the provider's, so the provider lookups and the Secret
// watches follow. A change to a provider, to one of its credentials Secrets or to a namespace's labels
// re-queues what depends on it instead of waiting for the resync.
import type { ClientCache } from '../aws/clients.ts';
import { referencedSecretKeys } from '../aws/provider-settings.ts';
import type { ReconcilerConfig } from '../config.ts';
import type { Controller } from '../controller/controller.ts';
import { providerKeyOf } from '../controller/table-resolve.ts';
import { Informer, KubeApiError, NAMESPACES, RESOURCES, SECRETS, keyOf, objectPath } from '@dynamodb-operator/kube';
import type { KubeHttp, KubeObject } from '@dynamodb-operator/kube';
import { SecretWatch } from '../kube/secret-watch.ts';
import type { Logger } from '../observability/log.ts';
import { providerChangeMatters } from './predicates.ts';

export const TABLE_KINDS = ['DynamoDBTable', 'DynamoDB'] as const;
export type TableKind = (typeof TABLE_KINDS)[number];

/** Per table, the two fields read across the whole cache (provider re-queue, tables gauge). */
export interface TableSummary {
  /** The provider's key: `namespace/name`, or `/name` for a ClusterAWSProvider. */
  provider: string;
  status: string;
}
export type TableInformer = Informer<KubeObject, TableSummary>;

export interface Watches {
  providers: Informer<KubeObject>;
  clusterProviders: Informer<KubeObject>;
  namespaces: Informer<KubeObject>;
  tables: Record<TableKind, TableInformer>;
  all: (Informer<KubeObject> | TableInformer)[];
  /** A namespace's labels from the cache; undefined when it is not (yet) known. */
  namespaceLabels(name: string): Record<string, string> | undefined;
  getSecret(namespace: string, name: string): Promise<KubeObject | undefined>;
}

export function createWatches(kube: KubeHttp, config: ReconcilerConfig, log: Logger): Watches {
  const ns = config.watchNamespaces;
  const tableOpts = config.watchLabelSelector ? { labelSelector: config.watchLabelSelector } : {};
  const providers = new Informer<KubeObject>(kube, RESOURCES.AWSProvider, ns, log);
  // Cluster-scoped, so watched whatever --watch-namespace says; namespaces for their labels, which
  // a ClusterAWSProvider's namespaceSelector reads.
  const clusterProviders = new Informer<KubeObject>(kube, RESOURCES.ClusterAWSProvider, undefined, log);
  const namespaces = new Informer<KubeObject>(kube, NAMESPACES, undefined, log);
  const summarize = (t: KubeObject): TableSummary => ({
    provider: providerKeyOf(t),
    status: typeof t.status?.tableStatus === 'string' ? t.status.tableStatus : 'UNKNOWN',
  });
  const tables: Record<TableKind, TableInformer> = {
    DynamoDBTable: new Informer(kube, RESOURCES.DynamoDBTable, ns, log, tableOpts, summarize),
    DynamoDB: new Informer(kube, RESOURCES.DynamoDB, ns, log, tableOpts, summarize),
  };
  return {
    providers,
    clusterProviders,
    namespaces,
    tables,
    all: [providers, clusterProviders, namespaces, tables.DynamoDBTable, tables.DynamoDB],
    namespaceLabels: (name) => {
      const namespace = namespaces.get(`/${name}`);
      return namespace ? (namespace.metadata.labels ?? {}) : undefined;
    },
    getSecret: async (namespace, name) => {
      try {
        return await kube.get<KubeObject>(objectPath(SECRETS, namespace, name));
      } catch (err) {
        if (err instanceof KubeApiError && err.status === 404) return undefined;
        throw err;
      }
    },
  };
}

/** The controllers a dependency change re-queues. */
export interface Queues {
  provider: Controller;
  clusterProvider: Controller;
  tables: Record<TableKind, Controller>;
}

/**
 * Wires provider, Secret and namespace changes to the queues of what depends on them; returns the
 * Secret watch (to stop with the informers).
 */
export function routeDependencyChanges(
  w: Watches,
  q: Queues,
  kube: KubeHttp,
  clients: ClientCache,
  log: Logger,
): SecretWatch {
  /** A provider change re-queues the tables that use it (a cluster provider's key is `/name`). */
  const requeueTablesOf = (p: KubeObject): void => {
    const providerKey = keyOf(p);
    for (const kind of TABLE_KINDS) {
      for (const [key, sum] of w.tables[kind].summaries()) {
        if (sum.provider === providerKey) q.tables[kind].enqueue(key);
      }
    }
  };
  /** New namespace labels may change which ClusterAWSProviders serve it and what the policy grants it. */
  const requeueNamespace = (namespace: string): void => {
    for (const kind of TABLE_KINDS) {
      for (const [key] of w.tables[kind].summaries()) {
        if (key.startsWith(`${namespace}/`)) q.tables[kind].enqueue(key);
      }
    }
    for (const p of w.providers.list()) if (p.metadata.namespace === namespace) q.provider.enqueue(keyOf(p));
  };
  const allProviders = (): KubeObject[] => [...w.providers.list(), ...w.clusterProviders.list()];
  const controllerOf = (p: KubeObject): Controller => (p.metadata.namespace ? q.provider : q.clusterProvider);
  // A credentials Secret change rebuilds the clients of the providers that use it and re-checks them.
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
  for (const informer of [w.providers, w.clusterProviders]) {
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
  w.namespaces.on({
    update: (o, n) => {
      if (JSON.stringify(o.metadata.labels ?? {}) !== JSON.stringify(n.metadata.labels ?? {})) {
        requeueNamespace(n.metadata.name);
      }
    },
  });
  return secretWatch;
}
