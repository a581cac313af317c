// Flags of the reconciler process (shared contract), each also readable from the environment.
// Pure: argv + env in, a validated config out, or an error that names the flag and the fix.

export interface ReconcilerConfig {
  metricsBindAddress: string;
  /** HTTPS on the metrics listener, /metrics only for tokens allowed `get` on /metrics (TokenReview + SAR). */
  metricsSecure: boolean;
  healthProbeBindAddress: string;
  leaderElect: boolean;
  leaderElectionNamespace: string;
  leaderElectionId: string;
  maxConcurrentReconciles: number;
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

export class ConfigError extends Error {
  override name = 'ConfigError';
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

function parseBool(flag: string, value: string): boolean {
  if (['true', '1', 'yes', ''].includes(value.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(value.toLowerCase())) return false;
  throw new ConfigError(`--${flag}: "${value}" is not a boolean; use true or false`);
}

const KNOWN = [
  'metrics-bind-address',
  'metrics-secure',
  'health-probe-bind-address',
  'leader-elect',
  'leader-election-namespace',
  'leader-election-id',
  'max-concurrent-reconciles',
  'resync-period',
  'drift-check-period',
  'aws-connect-timeout',
  'aws-request-timeout',
  'aws-call-timeout',
  'max-concurrent-per-provider',
  'log-level',
  'kubeconfig',
  'watch-namespace',
  'watch-label-selector',
  'identity',
  'tenancy-policy',
] as const;
type Flag = (typeof KNOWN)[number];

/** `--name=value`, `--name value`, or a bare `--leader-elect`. */
export function parseFlags(argv: string[]): Partial<Record<Flag, string>> {
  const out: Partial<Record<Flag, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}"; flags look like --name=value`);
    const eq = arg.indexOf('=');
    const name = (eq >= 0 ? arg.slice(2, eq) : arg.slice(2)) as Flag;
    if (!KNOWN.includes(name)) throw new ConfigError(`unknown flag --${name}; known: ${KNOWN.join(', ')}`);
    if (eq >= 0) {
      out[name] = arg.slice(eq + 1);
    } else if (name === 'leader-elect') {
      const next = argv[i + 1];
      if (next === 'true' || next === 'false') {
        out[name] = next;
        i++;
      } else out[name] = 'true';
    } else {
      const next = argv[i + 1];
      if (next === undefined) throw new ConfigError(`--${name} needs a value`);
      out[name] = next;
      i++;
    }
  }
  return out;
}

export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): ReconcilerConfig {
  const f = parseFlags(argv);
  const concurrency = Number(f['max-concurrent-reconciles'] ?? env.MAX_CONCURRENT_RECONCILES ?? '4');
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new ConfigError('--max-concurrent-reconciles: use a whole number between 1 and 256');
  }
  const leaderElect = parseBool('leader-elect', f['leader-elect'] ?? env.LEADER_ELECT ?? 'false');
  const leaderElectionNamespace = f['leader-election-namespace'] ?? env.POD_NAMESPACE ?? '';
  if (leaderElect && !leaderElectionNamespace) {
    throw new ConfigError('--leader-election-namespace: required with --leader-elect (or set POD_NAMESPACE)');
  }
  // 0 (the default) means half the workers, rounded up: a provider whose endpoint hangs can hold at
  // most that many, the rest keep serving the other providers.
  const perProvider = Number(f['max-concurrent-per-provider'] ?? env.MAX_CONCURRENT_PER_PROVIDER ?? '0');
  if (!Number.isInteger(perProvider) || perProvider < 0 || perProvider > 256) {
    throw new ConfigError(
      '--max-concurrent-per-provider: use a whole number between 0 (half of --max-concurrent-reconciles) and 256',
    );
  }
  const awsConnectTimeoutMs = parseDuration(
    'aws-connect-timeout',
    f['aws-connect-timeout'] ?? env.AWS_CONNECT_TIMEOUT ?? '3s',
  );
  const awsRequestTimeoutMs = parseDuration(
    'aws-request-timeout',
    f['aws-request-timeout'] ?? env.AWS_REQUEST_TIMEOUT ?? '10s',
  );
  const awsCallTimeoutMs = parseDuration('aws-call-timeout', f['aws-call-timeout'] ?? env.AWS_CALL_TIMEOUT ?? '30s');
  if (awsCallTimeoutMs < awsRequestTimeoutMs || awsCallTimeoutMs < awsConnectTimeoutMs) {
    throw new ConfigError(
      '--aws-call-timeout: must be at least --aws-request-timeout and --aws-connect-timeout (it bounds the whole call)',
    );
  }
  const cfg: ReconcilerConfig = {
    metricsBindAddress: f['metrics-bind-address'] ?? env.METRICS_BIND_ADDRESS ?? ':8080',
    metricsSecure: parseBool('metrics-secure', f['metrics-secure'] ?? env.METRICS_SECURE ?? 'false'),
    healthProbeBindAddress: f['health-probe-bind-address'] ?? env.HEALTH_PROBE_BIND_ADDRESS ?? ':8081',
    leaderElect,
    leaderElectionNamespace,
    leaderElectionId: f['leader-election-id'] ?? env.LEADER_ELECTION_ID ?? 'dynamodb-operator-reconciler',
    maxConcurrentReconciles: concurrency,
    resyncPeriodMs: parseDuration('resync-period', f['resync-period'] ?? env.RESYNC_PERIOD ?? '10m'),
    driftCheckPeriodMs: parseDuration('drift-check-period', f['drift-check-period'] ?? env.DRIFT_CHECK_PERIOD ?? '1h'),
    awsConnectTimeoutMs,
    awsRequestTimeoutMs,
    awsCallTimeoutMs,
    maxConcurrentPerProvider: perProvider === 0 ? Math.ceil(concurrency / 2) : Math.min(perProvider, concurrency),
    logLevel: f['log-level'] ?? env.LOG_LEVEL ?? 'info',
  };
  const kubeconfig = f.kubeconfig ?? env.KUBECONFIG;
  if (kubeconfig) cfg.kubeconfig = kubeconfig;
  const watchNamespaces = parseNamespaceList('watch-namespace', f['watch-namespace'] ?? env.WATCH_NAMESPACE ?? '');
  if (watchNamespaces.length > 0) cfg.watchNamespaces = watchNamespaces;
  const watchLabelSelector = (f['watch-label-selector'] ?? env.WATCH_LABEL_SELECTOR ?? '').trim();
  if (watchLabelSelector) cfg.watchLabelSelector = checkLabelSelector('watch-label-selector', watchLabelSelector);
  if (f.identity) cfg.identity = f.identity;
  const tenancyPolicyFile = f['tenancy-policy'] ?? env.TENANCY_POLICY_FILE;
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
