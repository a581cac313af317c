// Flags and environment → configuration. Pure: argv and env in, a config or a message out.
import { parseArgs } from 'node:util';

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

export const HELP = `Usage: node dist/webhook/main.js [flags]   (from source: node packages/webhook/src/main.ts [flags])

Admission webhook (validating + mutating) for AWSProvider, DynamoDBTable and DynamoDB.
HTTPS (TLS 1.2+) on --port: POST /validate, POST /mutate (AdmissionReview v1).
Plain HTTP on --metrics-port: GET /metrics, /healthz, /readyz (HTTPS and authorized /metrics with
--metrics-secure).

Flags (environment variable in brackets; the flag wins):
  --port N              HTTPS port [WEBHOOK_PORT] (default 9443)
  --host ADDR           listen address [WEBHOOK_HOST] (default 0.0.0.0)
  --cert-dir DIR        directory with tls.crt and tls.key, reloaded when they change
                        [WEBHOOK_CERT_DIR] (default /tmp/k8s-webhook-server/serving-certs)
  --metrics-port N      plain-HTTP port for /metrics /healthz /readyz [METRICS_PORT] (default 8080)
  --default-tags K=V,.. tags added to every table unless the provider or the user sets the key
                        [DEFAULT_TAGS] (default none)
  --log-level LEVEL     trace|debug|info|warn|error [LOG_LEVEL] (default info)
  --kubeconfig FILE     cluster to watch AWSProviders in [KUBECONFIG] (default: in-cluster config)
  --no-provider-cache   do not watch AWSProviders (their defaultTags are then not applied)
  --max-inflight-requests N
                        admission requests served at once; more get 429 + Retry-After before their
                        body is read [MAX_INFLIGHT_REQUESTS] (default 128)
  --max-inflight-bytes N
                        request body bytes held at once (declared Content-Length, or 3 MiB when not
                        declared); the default fits a 256Mi container with --max-old-space-size=128
                        [MAX_INFLIGHT_BYTES] (default 8388608 = 8 MiB)
  --shutdown-delay S    on SIGTERM keep serving S seconds, every answer closing its connection, so the
                        API server retires its pooled connections before they are cut (it does not
                        retry a POST on a closed one) [SHUTDOWN_DELAY] (default 5; 0 = drain at once)
  --client-ca-file FILE PEM CA bundle: TLS then requires a client certificate it signed (the API
                        server's, see the chart README) [CLIENT_CA_FILE] (default: none, any caller)
  --metrics-secure      serve --metrics-port over HTTPS (the serving certificate) and /metrics only
                        to bearer tokens allowed "get" on the non-resource URL /metrics (TokenReview +
                        SubjectAccessReview) [METRICS_SECURE=true]
  --tenancy-policy FILE JSON tenancy policy: which identities, role ARNs, endpoints and adoptions
                        each namespace may use (the chart's tenancy values) [TENANCY_POLICY_FILE]
                        (default: none, everything allowed)
  -h, --help            this text
`;

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

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
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'cert-dir': { type: 'string' },
        'metrics-port': { type: 'string' },
        'default-tags': { type: 'string' },
        'log-level': { type: 'string' },
        kubeconfig: { type: 'string' },
        'no-provider-cache': { type: 'boolean' },
        'max-inflight-requests': { type: 'string' },
        'max-inflight-bytes': { type: 'string' },
        'shutdown-delay': { type: 'string' },
        'client-ca-file': { type: 'string' },
        'metrics-secure': { type: 'boolean' },
        'tenancy-policy': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { kind: 'error', message: `${(error as Error).message} (see --help)` };
  }
  if (values.help) return { kind: 'help', text: HELP };
  const port = parsePort('--port', values.port ?? env.WEBHOOK_PORT ?? '9443');
  if (typeof port === 'string') return { kind: 'error', message: port };
  const metricsPort = parsePort('--metrics-port', values['metrics-port'] ?? env.METRICS_PORT ?? '8080');
  if (typeof metricsPort === 'string') return { kind: 'error', message: metricsPort };
  const defaultTags = parseDefaultTags(values['default-tags'] ?? env.DEFAULT_TAGS ?? '');
  if (typeof defaultTags === 'string') return { kind: 'error', message: defaultTags };
  const logLevel = values['log-level'] ?? env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    return { kind: 'error', message: `--log-level: "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}` };
  }
  const maxInFlightRequests = parsePositive(
    '--max-inflight-requests',
    values['max-inflight-requests'] ?? env.MAX_INFLIGHT_REQUESTS ?? '128',
  );
  if (typeof maxInFlightRequests === 'string') return { kind: 'error', message: maxInFlightRequests };
  const maxInFlightBytes = parsePositive(
    '--max-inflight-bytes',
    values['max-inflight-bytes'] ?? env.MAX_INFLIGHT_BYTES ?? String(8 * 1024 * 1024),
  );
  if (typeof maxInFlightBytes === 'string') return { kind: 'error', message: maxInFlightBytes };
  const delayText = values['shutdown-delay'] ?? env.SHUTDOWN_DELAY ?? '5';
  const shutdownDelaySeconds = Number(delayText);
  if (!Number.isFinite(shutdownDelaySeconds) || shutdownDelaySeconds < 0 || shutdownDelaySeconds > 60) {
    return { kind: 'error', message: `--shutdown-delay: "${delayText}" is not a number of seconds from 0 to 60` };
  }
  const config: CliConfig = {
    port,
    host: values.host ?? env.WEBHOOK_HOST ?? '0.0.0.0',
    certDir: values['cert-dir'] ?? env.WEBHOOK_CERT_DIR ?? '/tmp/k8s-webhook-server/serving-certs',
    metricsPort,
    defaultTags,
    logLevel,
    providerCache: values['no-provider-cache'] !== true,
    maxInFlightRequests,
    maxInFlightBytes,
    shutdownDelaySeconds,
    metricsSecure: values['metrics-secure'] === true || env.METRICS_SECURE === 'true',
  };
  const clientCaFile = values['client-ca-file'] ?? env.CLIENT_CA_FILE;
  if (clientCaFile) config.clientCaFile = clientCaFile;
  const kubeconfig = values.kubeconfig ?? env.KUBECONFIG;
  if (kubeconfig) config.kubeconfig = kubeconfig;
  const tenancyPolicyFile = values['tenancy-policy'] ?? env.TENANCY_POLICY_FILE;
  if (tenancyPolicyFile) config.tenancyPolicyFile = tenancyPolicyFile;
  return { kind: 'config', config };
}
