// Where the mutating webhook finds an AWSProvider's defaultTags. The real one is a watch-backed cache
// (provider-cache.ts); a fixed map serves tests, benchmarks and runs without a cluster.
export interface ProviderInfo {
  defaultTags: Record<string, string>;
}

export interface ProviderLookup {
  /** The provider as last seen, or undefined when it does not exist (or the cache has not synced). */
  get(namespace: string, name: string): ProviderInfo | undefined;
  /** True once the initial list has been loaded: only then does "not found" mean "does not exist". */
  synced(): boolean;
  /** Resolves true when synced, false after timeoutMs. */
  waitForSync(timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

/** A fixed set of providers keyed `namespace/name`; always synced. */
export function staticProviders(providers: Record<string, ProviderInfo> = {}): ProviderLookup {
  return {
    get: (namespace, name) => providers[`${namespace}/${name}`],
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
