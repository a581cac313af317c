// Flags and environment → configuration. Pure: argv and env in, a config or a message out.
import { ConfigError, helpText, LOG_LEVELS, parseBool, parseFlags } from '@dynamodb-operator/runtime';
import type { FlagSpec, FlagValues } from '@dynamodb-operator/runtime';

export interface CliConfig {
  port: number;
  host: string;
  certDir: string;
  metricsPort: number;
  defaultTags: Record<string, string>;
  logLevel: string;
  kubeconfig?: string;
  providerCache: boolean;
  maxInFlightRequests: number;
  maxInFlightBytes: number;
  /** SIGTERM → keep serving this long (answers say Connection: close), then drain. */
  shutdownDelaySeconds: number;
  clientCaFile?: string;
  metricsSecure: boolean;
  /** JSON tenancy policy file; absent: everything allowed. */
  tenancyPolicyFile?: string;
}

export type ConfigResult =
  { kind: 'config'; config: CliConfig } | { kind: 'help'; text: string } | { kind: 'error'; message: string };

const USAGE = `Usage: node dist/webhook/main.js [flags]   (from source: node packages/webhook/src/main.ts [flags])

Admission webhook (validating + mutating) for AWSProvider, DynamoDBTable and DynamoDB.
HTTPS (TLS 1.2+) on --port: POST /validate, POST /mutate (AdmissionReview v1).
Plain HTTP on --metrics-port: GET /metrics, /healthz, /readyz (HTTPS and authorized /metrics with
--metrics-secure).`;

/** Every flag: name, variable, default and help (the \`--help\` text is made from this table). */
export const FLAGS = [
  { name: 'port', env: 'WEBHOOK_PORT', default: '9443', value: 'N', help: 'HTTPS port' },
  { name: 'host', env: 'WEBHOOK_HOST', default: '0.0.0.0', value: 'ADDR', help: 'listen address' },
  {
    name: 'cert-dir',
    env: 'WEBHOOK_CERT_DIR',
    default: '/tmp/k8s-webhook-server/serving-certs',
    value: 'DIR',
    help: 'directory with tls.crt and tls.key, reloaded when they change',
  },
  {
    name: 'metrics-port',
    env: 'METRICS_PORT',
    default: '8080',
    value: 'N',
    help: 'plain-HTTP port for /metrics /healthz /readyz',
  },
  {
    name: 'default-tags',
    env: 'DEFAULT_TAGS',
    value: 'K=V,..',
    help: 'tags added to every table unless the provider or the user sets the key (default none)',
  },
  { name: 'log-level', env: 'LOG_LEVEL', default: 'info', value: 'LEVEL', help: 'trace|debug|info|warn|error' },
  {
    name: 'kubeconfig',
    env: 'KUBECONFIG',
    value: 'FILE',
    help: 'cluster to watch AWSProviders in (default: in-cluster config)',
  },
  {
    name: 'no-provider-cache',
    boolean: true,
    help: 'do not watch AWSProviders (their defaultTags are then not applied)',
  },
  {
    name: 'max-inflight-requests',
    env: 'MAX_INFLIGHT_REQUESTS',
    default: '128',
    value: 'N',
    help: 'admission requests served at once; more get 429 + Retry-After before their body is read',
  },
  {
    name: 'max-inflight-bytes',
    env: 'MAX_INFLIGHT_BYTES',
    default: String(8 * 1024 * 1024),
    value: 'N',
    help:
      'request body bytes held at once (declared Content-Length, or 3 MiB when not declared); the default ' +
      '(8 MiB) fits a 256Mi container with --max-old-space-size=128',
  },
  {
    name: 'shutdown-delay',
    env: 'SHUTDOWN_DELAY',
    default: '5',
    value: 'S',
    help:
      'on SIGTERM keep serving S seconds, every answer closing its connection, so the API server retires ' +
      'its pooled connections before they are cut (it does not retry a POST on a closed one); 0 = drain at once',
  },
  {
    name: 'client-ca-file',
    env: 'CLIENT_CA_FILE',
    value: 'FILE',
    help:
      "PEM CA bundle: TLS then requires a client certificate it signed (the API server's, see the chart " +
      'README) (default: none, any caller)',
  },
  {
    name: 'metrics-secure',
    env: 'METRICS_SECURE',
    default: 'false',
    boolean: true,
    help:
      'serve --metrics-port over HTTPS (the serving certificate) and /metrics only to bearer tokens allowed ' +
      '"get" on the non-resource URL /metrics (TokenReview + SubjectAccessReview)',
  },
  {
    name: 'tenancy-policy',
    env: 'TENANCY_POLICY_FILE',
    value: 'FILE',
    help:
      "JSON tenancy policy: which identities, role ARNs, endpoints and adoptions each namespace may use (the chart's " +
      'tenancy values) (default: none, everything allowed)',
  },
] as const satisfies readonly FlagSpec[];

export const HELP = helpText(USAGE, FLAGS);

export function parseDefaultTags(text: string): Record<string, string> | string {
  const tags: Record<string, string> = {};
  for (const entry of text.split(',')) {
    if (entry.trim() === '') continue;
    const at = entry.indexOf('=');
    const key = at < 0 ? '' : entry.slice(0, at).trim();
    if (key === '') return `--default-tags: "${entry}" is not key=value (write k=v,k2=v2)`;
    tags[key] = entry.slice(at + 1).trim();
  }
  return tags;
}

function parsePositive(flag: string, text: string): number | string {
  const value = Number(text);
  return Number.isSafeInteger(value) && value > 0 ? value : `${flag}: "${text}" is not a positive integer`;
}

function parsePort(flag: string, text: string): number | string {
  const port = Number(text);
  return Number.isInteger(port) && port >= 0 && port <= 65535 ? port : `${flag}: "${text}" is not a port (0-65535)`;
}

export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ConfigResult {
  try {
    const parsed = parseFlags(FLAGS, argv, env);
    if (parsed.help) return { kind: 'help', text: HELP };
    const config = configFromFlags(parsed.values);
    return typeof config === 'string' ? { kind: 'error', message: config } : { kind: 'config', config };
  } catch (error) {
    if (error instanceof ConfigError) return { kind: 'error', message: `${error.message} (see --help)` };
    throw error;
  }
}

/** Flag values (flag, variable or default, see FLAGS) → the config, or a message naming the flag. */
function configFromFlags(values: FlagValues<typeof FLAGS>): CliConfig | string {
  const get = (name: (typeof FLAGS)[number]['name']): string => values[name] ?? '';
  const port = parsePort('--port', get('port'));
  if (typeof port === 'string') return port;
  const metricsPort = parsePort('--metrics-port', get('metrics-port'));
  if (typeof metricsPort === 'string') return metricsPort;
  const defaultTags = parseDefaultTags(get('default-tags'));
  if (typeof defaultTags === 'string') return defaultTags;
  const logLevel = get('log-level');
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    return `--log-level: "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`;
  }
  const maxInFlightRequests = parsePositive('--max-inflight-requests', get('max-inflight-requests'));
  if (typeof maxInFlightRequests === 'string') return maxInFlightRequests;
  const maxInFlightBytes = parsePositive('--max-inflight-bytes', get('max-inflight-bytes'));
  if (typeof maxInFlightBytes === 'string') return maxInFlightBytes;
  const delayText = get('shutdown-delay');
  const shutdownDelaySeconds = Number(delayText);
  if (!Number.isFinite(shutdownDelaySeconds) || shutdownDelaySeconds < 0 || shutdownDelaySeconds > 60) {
    return `--shutdown-delay: "${delayText}" is not a number of seconds from 0 to 60`;
  }
  const config: CliConfig = {
    port,
    host: get('host'),
    certDir: get('cert-dir'),
    metricsPort,
    defaultTags,
    logLevel,
    providerCache: values['no-provider-cache'] !== 'true',
    maxInFlightRequests,
    maxInFlightBytes,
    shutdownDelaySeconds,
    metricsSecure: parseBool('metrics-secure', get('metrics-secure')),
  };
  if (values['client-ca-file']) config.clientCaFile = values['client-ca-file'];
  if (values.kubeconfig) config.kubeconfig = values.kubeconfig;
  if (values['tenancy-policy']) config.tenancyPolicyFile = values['tenancy-policy'];
  return config;
}
