// Flags of the reconciler process (shared contract), each also readable from the environment.
// Pure: argv + env in, a validated config out, or an error that names the flag and the fix.
import { ConfigError, helpText, parseBool, parseFlags } from '@dynamodb-operator/runtime';
import type { FlagSpec, FlagValues } from '@dynamodb-operator/runtime';
import { DEFAULT_MAX_CONNECTIONS } from '@dynamodb-operator/kube';

export { ConfigError };

export interface ReconcilerConfig {
  metricsBindAddress: string;
  /** HTTPS on the metrics listener, /metrics only for tokens allowed `get` on /metrics (TokenReview + SAR). */
  metricsSecure: boolean;
  healthProbeBindAddress: string;
  leaderElect: boolean;
  leaderElectionNamespace: string;
  leaderElectionId: string;
  maxConcurrentReconciles: number;
  /** Connections to the API server for requests (each watch has its own besides). */
  kubeApiConnections: number;
  resyncPeriodMs: number;
  /** How often a converged table's TTL, PITR and tags are read again for drift (beyond DescribeTable). */
  driftCheckPeriodMs: number;
  /** Per AWS call: TCP/TLS connect, no answer (request/socket), and the whole call incl. credentials. */
  awsConnectTimeoutMs: number;
  awsRequestTimeoutMs: number;
  awsCallTimeoutMs: number;
  /** At most this many of a kind's workers reconcile tables of one AWSProvider at once. */
  maxConcurrentPerProvider: number;
  logLevel: string;
  kubeconfig?: string;
  /** Watch only these namespaces (tables, providers and their Secrets); absent: all namespaces. */
  watchNamespaces?: string[];
  /** Kubernetes label selector on the list/watch of both table kinds (ACK's watchSelectors). */
  watchLabelSelector?: string;
  /** Identity written into the Lease; hostname + pid unless given. */
  identity?: string;
  /** JSON tenancy policy file; absent: everything allowed. */
  tenancyPolicyFile?: string;
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go-style durations as used by controller-runtime flags: `10m`, `30s`, `1h`, `500ms`. */
export function parseDuration(flag: string, value: string): number {
  const m = DURATION.exec(value.trim());
  if (!m || m[1] === undefined || m[2] === undefined) {
    throw new ConfigError(`--${flag}: "${value}" is not a duration; use e.g. 30s, 10m or 1h`);
  }
  const ms = Number(m[1]) * (UNIT_MS[m[2]] ?? 0);
  if (ms <= 0) throw new ConfigError(`--${flag}: must be greater than zero`);
  return ms;
}

export const USAGE = `Usage: node dist/reconciler/main.js [flags]   (from source: node packages/reconciler/src/main.ts [flags])

Reconciles DynamoDBTable, DynamoDB and AWSProvider objects with AWS DynamoDB. /metrics on
--metrics-bind-address, /healthz and /readyz on --health-probe-bind-address (an address of 0 turns one off).`;

/** Every flag: name, variable, default and help (the \`--help\` text is made from this table). */
export const FLAGS = [
  {
    name: 'metrics-bind-address',
    env: 'METRICS_BIND_ADDRESS',
    default: ':8080',
    value: 'ADDR',
    help: '/metrics (and the probes) listen address, host:port; 0 turns it off',
  },
  {
    name: 'metrics-secure',
    env: 'METRICS_SECURE',
    default: 'false',
    boolean: true,
    help: 'HTTPS on the metrics listener (a self-signed certificate), /metrics only for bearer tokens allowed "get" on /metrics (TokenReview + SubjectAccessReview)',
  },
  {
    name: 'health-probe-bind-address',
    env: 'HEALTH_PROBE_BIND_ADDRESS',
    default: ':8081',
    value: 'ADDR',
    help: '/healthz and /readyz listen address, host:port; 0 turns it off',
  },
  {
    name: 'leader-elect',
    env: 'LEADER_ELECT',
    default: 'false',
    boolean: true,
    help: 'run only while holding the Lease (several replicas, one active)',
  },
  {
    name: 'leader-election-namespace',
    env: 'POD_NAMESPACE',
    value: 'NS',
    help: 'namespace of the Lease; required with --leader-elect',
  },
  {
    name: 'leader-election-id',
    env: 'LEADER_ELECTION_ID',
    default: 'dynamodb-operator-reconciler',
    value: 'NAME',
    help: 'name of the Lease',
  },
  {
    name: 'max-concurrent-reconciles',
    env: 'MAX_CONCURRENT_RECONCILES',
    // A worker mostly waits on AWS and the API server: with 4 (half of them per provider), 200 new
    // tables of one provider queued behind two workers for 10+ s after the apply; 16 keeps up with it.
    default: '16',
    value: 'N',
    help: 'workers per kind, 1-256',
  },
  {
    name: 'kube-api-connections',
    env: 'KUBE_API_CONNECTIONS',
    // HTTP/1.1, one request per connection at a time; each idle TLS connection holds ~110 kB of RSS.
    default: String(DEFAULT_MAX_CONNECTIONS),
    value: 'N',
    help: 'connections to the API server for requests (watches have their own), 1-256; more requests queue',
  },
  {
    name: 'resync-period',
    env: 'RESYNC_PERIOD',
    default: '10m',
    value: 'DURATION',
    help: 'every object is reconciled again this often',
  },
  {
    name: 'drift-check-period',
    env: 'DRIFT_CHECK_PERIOD',
    default: '1h',
    value: 'DURATION',
    help: "how often a converged table's TTL, PITR and tags are read again for drift",
  },
  {
    name: 'aws-connect-timeout',
    env: 'AWS_CONNECT_TIMEOUT',
    default: '3s',
    value: 'DURATION',
    help: 'per AWS call: TCP/TLS connect',
  },
  {
    name: 'aws-request-timeout',
    env: 'AWS_REQUEST_TIMEOUT',
    default: '10s',
    value: 'DURATION',
    help: 'per AWS call: no answer for this long',
  },
  {
    name: 'aws-call-timeout',
    env: 'AWS_CALL_TIMEOUT',
    default: '30s',
    value: 'DURATION',
    help: 'per AWS call, the whole call including credentials',
  },
  {
    name: 'max-concurrent-per-provider',
    env: 'MAX_CONCURRENT_PER_PROVIDER',
    default: '0',
    value: 'N',
    help: "at most this many of a kind's workers on one AWSProvider's tables; 0 = half the workers",
  },
  { name: 'log-level', env: 'LOG_LEVEL', default: 'info', value: 'LEVEL', help: 'trace|debug|info|warn|error' },
  { name: 'kubeconfig', env: 'KUBECONFIG', value: 'FILE', help: 'cluster to work in (default: in-cluster config)' },
  {
    name: 'watch-namespace',
    env: 'WATCH_NAMESPACE',
    value: 'NS,..',
    help: 'watch only these namespaces (default: all)',
  },
  {
    name: 'watch-label-selector',
    env: 'WATCH_LABEL_SELECTOR',
    value: 'SELECTOR',
    help: 'label selector on the list/watch of both table kinds',
  },
  { name: 'identity', value: 'NAME', help: 'identity written into the Lease (default: hostname + pid)' },
  {
    name: 'tenancy-policy',
    env: 'TENANCY_POLICY_FILE',
    value: 'FILE',
    help: 'JSON tenancy policy (default: none, everything allowed)',
  },
] as const satisfies readonly FlagSpec[];

export const HELP = helpText(USAGE, FLAGS);

function wholeNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new ConfigError(`--${flag}: use a whole number between 1 and 256`);
  return n;
}

export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): ReconcilerConfig {
  return configFromFlags(parseFlags(FLAGS, argv, env).values);
}

/** Flag values (flag, variable or default, see FLAGS) → the validated config. */
export function configFromFlags(f: FlagValues<typeof FLAGS>): ReconcilerConfig {
  const get = (name: (typeof FLAGS)[number]['name']): string => f[name] ?? '';
  const concurrency = wholeNumber('max-concurrent-reconciles', get('max-concurrent-reconciles'));
  const kubeApiConnections = wholeNumber('kube-api-connections', get('kube-api-connections'));
  const leaderElect = parseBool('leader-elect', get('leader-elect'));
  const leaderElectionNamespace = get('leader-election-namespace');
  if (leaderElect && !leaderElectionNamespace) {
    throw new ConfigError('--leader-election-namespace: required with --leader-elect (or set POD_NAMESPACE)');
  }
  // 0 (the default) means half the workers, rounded up: a provider whose endpoint hangs can hold at
  // most that many, the rest keep serving the other providers.
  const perProvider = Number(get('max-concurrent-per-provider'));
  if (!Number.isInteger(perProvider) || perProvider < 0 || perProvider > 256) {
    throw new ConfigError(
      '--max-concurrent-per-provider: use a whole number between 0 (half of --max-concurrent-reconciles) and 256',
    );
  }
  const awsConnectTimeoutMs = parseDuration('aws-connect-timeout', get('aws-connect-timeout'));
  const awsRequestTimeoutMs = parseDuration('aws-request-timeout', get('aws-request-timeout'));
  const awsCallTimeoutMs = parseDuration('aws-call-timeout', get('aws-call-timeout'));
  if (awsCallTimeoutMs < awsRequestTimeoutMs || awsCallTimeoutMs < awsConnectTimeoutMs) {
    throw new ConfigError(
      '--aws-call-timeout: must be at least --aws-request-timeout and --aws-connect-timeout (it bounds the whole call)',
    );
  }
  const cfg: ReconcilerConfig = {
    metricsBindAddress: get('metrics-bind-address'),
    metricsSecure: parseBool('metrics-secure', get('metrics-secure')),
    healthProbeBindAddress: get('health-probe-bind-address'),
    leaderElect,
    leaderElectionNamespace,
    leaderElectionId: get('leader-election-id'),
    maxConcurrentReconciles: concurrency,
    kubeApiConnections,
    resyncPeriodMs: parseDuration('resync-period', get('resync-period')),
    driftCheckPeriodMs: parseDuration('drift-check-period', get('drift-check-period')),
    awsConnectTimeoutMs,
    awsRequestTimeoutMs,
    awsCallTimeoutMs,
    maxConcurrentPerProvider: perProvider === 0 ? Math.ceil(concurrency / 2) : Math.min(perProvider, concurrency),
    logLevel: get('log-level'),
  };
  const kubeconfig = f.kubeconfig;
  if (kubeconfig) cfg.kubeconfig = kubeconfig;
  const watchNamespaces = parseNamespaceList('watch-namespace', get('watch-namespace'));
  if (watchNamespaces.length > 0) cfg.watchNamespaces = watchNamespaces;
  const watchLabelSelector = get('watch-label-selector').trim();
  if (watchLabelSelector) cfg.watchLabelSelector = checkLabelSelector('watch-label-selector', watchLabelSelector);
  if (f.identity) cfg.identity = f.identity;
  const tenancyPolicyFile = f['tenancy-policy'];
  if (tenancyPolicyFile) cfg.tenancyPolicyFile = tenancyPolicyFile;
  return cfg;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** `a,b` (spaces allowed around names) → ['a', 'b'], each a DNS-1123 label; empty → [] (all namespaces). */
export function parseNamespaceList(flag: string, value: string): string[] {
  const names = value
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  for (const n of names) {
    if (n.length > 63 || !DNS1123_LABEL.test(n)) {
      throw new ConfigError(
        `--${flag}: "${n}" is not a namespace name (a DNS-1123 label: lower-case letters, digits and '-', ` +
          `starting and ending with a letter or digit, at most 63 characters); give names separated by commas, e.g. team-a,team-b`,
      );
    }
  }
  return [...new Set(names)];
}

// One requirement of a label selector: `key`, `!key`, `key=v`, `key==v`, `key!=v`, `key in (a,b)`,
// `key notin (a,b)`. Keys may have a DNS prefix (`example.com/team`). The API server is the final judge;
// this catches typos at start instead of as a 400 on every list.
const LABEL_KEY = String.raw`(?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`;
const LABEL_VALUE = String.raw`(?:[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;
const REQUIREMENT = new RegExp(
  String.raw`^(?:!?${LABEL_KEY}|${LABEL_KEY}\s*(?:==|!=|=)\s*${LABEL_VALUE}|${LABEL_KEY}\s+(?:in|notin)\s+\(\s*${LABEL_VALUE}(?:\s*,\s*${LABEL_VALUE})*\s*\))$`,
);

/** Checks a label selector's syntax; returns it unchanged. */
export function checkLabelSelector(flag: string, value: string): string {
  // Split on the commas outside the parentheses of `in (…)` / `notin (…)`.
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of value) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  for (const p of parts) {
    if (depth !== 0 || !REQUIREMENT.test(p.trim())) {
      throw new ConfigError(
        `--${flag}: "${p.trim()}" in "${value}" is not a label selector requirement; ` +
          'use e.g. team=a, tier!=dev, env in (prod,staging) or !legacy',
      );
    }
  }
  return value;
}

/** `:8080`, `0.0.0.0:8080`, `127.0.0.1:0` → host/port; `0` disables the listener. */
export function parseBindAddress(flag: string, value: string): { host: string; port: number } | undefined {
  if (value === '0') return undefined;
  const idx = value.lastIndexOf(':');
  if (idx < 0) throw new ConfigError(`--${flag}: "${value}" is not host:port; use e.g. :8080`);
  const port = Number(value.slice(idx + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`--${flag}: port in "${value}" must be 0-65535`);
  }
  return { host: value.slice(0, idx) || '0.0.0.0', port };
}
