// The SDK resolves a DynamoDB call's endpoint by running AWS's endpoint rules (a decision diagram over
// the region, the endpoint override, FIPS, dual-stack, the account-endpoint mode, and the ARN in the
// request) and caches the answer by those parameters, the ARN or table name included, 50 entries
// first-in first-out. A reconciler that walks a thousand tables in turn never hits that cache: every
// call ran the rules again (and formatted each step for a debug logger that discards it): 27 µs a call
// with an endpoint override, 52-62 µs on AWS, without V8's optimising compilers (cached: 2-4 µs). The
// rules read only whether the ARN parses, and its partition, service, region and account
// (test/shared-endpoints.test.ts holds the installed rules to that), so every table of one account and
// region shares one endpoint: the cache key here holds those parts instead of the name.

/** The endpoint rule inputs that name a resource: a table name or ARN, or a list of them. */
const RESOURCE_PARAMS: ReadonlySet<string> = new Set(['ResourceArn', 'ResourceArnList']);

/** What the rules can tell from a resource name: an ARN's partition, service, region and account. */
export function arnKey(value: string): string {
  // aws.parseArn's own test: six colon-separated fields, "arn", a partition, a service, a resource.
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || !parts[1] || !parts[2] || parts.slice(5).join(':') === '') {
    return 'name';
  }
  return `arn:${parts[1]}:${parts[2]}:${parts[3]}:${parts[4]}`;
}

function resourceKey(value: unknown): string | undefined {
  if (typeof value === 'string') return arnKey(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return `[${value.map(arnKey).join(',')}]`;
  return undefined;
}

/**
 * The cache key: every parameter as it is, a resource by resourceKey. Undefined (resolve, do not
 * cache) for a value that is not plain data, which no DynamoDB rule input is. Not sorted: the SDK
 * builds a command's parameters in one order, and another order only costs one more entry.
 */
export function endpointKey(params: Record<string, unknown>): string | undefined {
  let key = '';
  for (const name of Object.keys(params)) {
    const value = params[name];
    if (value === undefined) continue;
    if (RESOURCE_PARAMS.has(name)) {
      const resource = resourceKey(value);
      if (resource === undefined) return undefined;
      key += `${name}=${resource};`;
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'boolean' && typeof value !== 'number') return undefined;
    key += `${name}=${JSON.stringify(value)};`;
  }
  return key;
}

type EndpointProvider = (params: Record<string, unknown>, context?: unknown) => unknown;
interface WithEndpointProvider {
  config: { endpointProvider: EndpointProvider };
}

/** Entries kept: one per account, region and setting combination in use, far fewer than this. */
const MAX_ENTRIES = 64;

/**
 * Make the client resolve an endpoint once per account, region and settings rather than per table.
 * A rule that fails (an invalid configuration) throws as before and is not remembered.
 */
export function useSharedEndpoints(client: object): void {
  const config = (client as WithEndpointProvider).config;
  const resolve = config.endpointProvider;
  const known = new Map<string, unknown>();
  config.endpointProvider = (params, context) => {
    const key = endpointKey(params);
    if (key === undefined) return resolve(params, context);
    const hit = known.get(key);
    if (hit !== undefined) return hit;
    const endpoint = resolve(params, context);
    if (known.size >= MAX_ENTRIES) known.clear();
    known.set(key, endpoint);
    return endpoint;
  };
}
