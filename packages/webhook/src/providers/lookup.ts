// Where the webhook finds an AWSProvider's defaultTags, a ClusterAWSProvider's (under namespace '')
// and which namespaces it serves, and a namespace's labels. The real one is a watch-backed cache
// (provider-informers.ts); a fixed map serves tests, benchmarks and runs without a cluster.
import { clusterProviderScopeOf } from '@dynamodb-operator/api';
import type { ClusterProviderScope } from '@dynamodb-operator/api';

export interface ProviderInfo {
  defaultTags: Record<string, string>;
  /** A ClusterAWSProvider's spec.namespaces / spec.namespaceSelector. */
  scope?: ClusterProviderScope;
  /** spec.region: the table's own region, which no replica may name. */
  region?: string;
}

export interface ProviderLookup {
  /** The provider as last seen, or undefined when it does not exist (or the cache has not synced).
   * A ClusterAWSProvider is found under namespace ''. */
  get(namespace: string, name: string): ProviderInfo | undefined;
  /** A namespace's labels; undefined when the namespace is not known (or namespaces are not watched). */
  namespaceLabels(namespace: string): Record<string, string> | undefined;
  /** True once the initial list has been loaded: only then does "not found" mean "does not exist". */
  synced(): boolean;
  /** Resolves true when synced, false after timeoutMs. */
  waitForSync(timeoutMs: number): Promise<boolean>;
  /** When the API server last answered the watches (ms since the epoch); absent for a fixed set. */
  lastContact?(): number;
  stop(): Promise<void>;
}

/** A fixed set of providers keyed `namespace/name` (`/name` for a cluster provider); always synced. */
export function staticProviders(
  providers: Record<string, ProviderInfo> = {},
  namespaces: Record<string, Record<string, string>> = {},
): ProviderLookup {
  return {
    get: (namespace, name) => providers[`${namespace}/${name}`],
    namespaceLabels: (namespace) => namespaces[namespace],
    synced: () => true,
    waitForSync: () => Promise.resolve(true),
    stop: () => Promise.resolve(),
  };
}

/** spec.defaultTags of an AWSProvider object, keeping only string values (the schema allows no others). */
export function defaultTagsOf(object: unknown): Record<string, string> {
  const spec = (object as { spec?: { defaultTags?: unknown } } | null)?.spec;
  const tags = spec?.defaultTags;
  const result: Record<string, string> = {};
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) return result;
  for (const [key, value] of Object.entries(tags)) {
    if (typeof value === 'string') result[key] = value;
  }
  return result;
}

/** What the cache keeps of a provider object: its defaultTags, and for a cluster provider its scope. */
export function providerInfoOf(object: unknown, cluster: boolean): ProviderInfo {
  const info: ProviderInfo = { defaultTags: defaultTagsOf(object) };
  const region = (object as { spec?: { region?: unknown } } | null)?.spec?.region;
  if (typeof region === 'string') info.region = region;
  if (cluster) info.scope = clusterProviderScopeOf((object as { spec?: unknown } | null)?.spec);
  return info;
}

/** metadata.labels of an object, string values only. */
export function labelsOf(object: unknown): Record<string, string> {
  const labels = (object as { metadata?: { labels?: unknown } } | null)?.metadata?.labels;
  const out: Record<string, string> = {};
  if (typeof labels !== 'object' || labels === null) return out;
  for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') out[k] = v;
  return out;
}
