// startWebhook: the HTTPS admission server, the plain-HTTP health/metrics server, the serving
// certificate (reloaded on change) and the AWSProvider cache, wired together; close() drains them.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { admitRequest } from './admission/admit.ts';
import { mutateRequest } from './admission/mutate.ts';
import { providerChangesPlugin } from './admission/plugins/provider-changes.ts';
import { tenancyPlugin } from './admission/plugins/tenancy.ts';
import { observeTenancyPlugin } from './admission/plugins/observe-tenancy.ts';
import { VALIDATING_PLUGINS, validateRequest } from './admission/validate.ts';
import { admissionApp } from './http/admission-app.ts';
import { healthServer } from './http/health-server.ts';
import { inFlightLimiter } from './http/inflight.ts';
import { metricsAuthorizer } from '@dynamodb-operator/api';
import type { MetricsAuthorizer, TenancyPolicy } from '@dynamodb-operator/api';
import { PERMISSIVE_POLICY } from '@dynamodb-operator/api';
import { createLogger } from './log.ts';
import { createMetrics } from './metrics.ts';
import type { WebhookMetrics } from './metrics.ts';
import { KubeHttp, loadAccess } from '@dynamodb-operator/kube';
import type { ProviderLookup } from './providers/lookup.ts';
import { watchProviders } from './providers/provider-informers.ts';
import { loadCertPair, watchCertDir } from './tls/cert-files.ts';
import type { CertPair } from './tls/cert-files.ts';

/** /admit does both in one call (the chart's `webhook.admission: combined`). */
export const WEBHOOK_PATHS = ['/validate', '/mutate', '/admit'] as const;
/** Kubernetes caps an object at about 1.5 MiB; a review carries object + oldObject. */
export const DEFAULT_BODY_LIMIT = 3 * 1024 * 1024;
/** Admission requests at once. Memory is bounded by the byte budget below; this bounds the small ones
 * (and slow senders holding slots), well above what an API server or the benchmark's 50 connections use. */
export const DEFAULT_MAX_INFLIGHT_REQUESTS = 128;
/** Body bytes held at once. Deciding a large review costs 5x its body to parse and up to ~20x in transient
 * garbage (a 2.5 MB review of 100k tags: 12 MB parsed, 56 MB allocated by the rules), so 8 MiB (three
 * maximal reviews) with the chart's --max-old-space-size=128 kept a flood of 120 parallel 2.5 MB reviews
 * at a 212 MB peak RSS, inside the chart's 256Mi (test/e2e/webhook-exhaustion.test.ts). */
export const DEFAULT_MAX_INFLIGHT_BYTES = 8 * 1024 * 1024;

export interface WebhookConfig {
  /** HTTPS port; 0 picks a free one (see the returned handle's `port`). */
  port: number;
  host: string;
  /** Directory with tls.crt and tls.key. */
  certDir: string;
  /** Plain-HTTP port for /metrics /healthz /readyz; 0 picks a free one. */
  metricsPort: number;
  metricsHost?: string;
  /** Operator-wide default tags for tables, the lowest precedence. */
  defaultTags: Record<string, string>;
  logLevel?: string;
  /** Path of a kubeconfig; absent: in-cluster config. Ignored when `providers` is given. */
  kubeconfig?: string;
  /** Use this instead of a watch on the cluster (tests, benchmarks, no cluster at all). */
  providers?: ProviderLookup;
  logger?: Logger;
  bodyLimitBytes?: number;
  /** In-flight caps; beyond them a request gets 429 + Retry-After before its body is read. */
  maxInFlightRequests?: number;
  maxInFlightBytes?: number;
  /** PEM CA bundle file: when set, TLS requires a client certificate signed by it (the API server's). */
  clientCaFile?: string;
  /** Serve /metrics over HTTPS (serving certificate) only to callers authorized for GET /metrics. */
  metricsSecure?: boolean;
  /** Who may scrape in secure mode; default: TokenReview + SubjectAccessReview with the kubeconfig's access. */
  metricsAuthorizer?: MetricsAuthorizer;
  /** Longest time close() waits for in-flight requests before cutting connections. */
  drainTimeoutMs?: number;
  /** close() first keeps serving this long, each answer closing its connection (default 0). */
  shutdownDelayMs?: number;
  certDebounceMs?: number;
  certPollMs?: number;
  /** How long /mutate waits for the provider cache's first sync. */
  providerSyncWaitMs?: number;
  /** The admin-owned tenancy policy; absent: PERMISSIVE_POLICY (everything allowed, as before). */
  tenancyPolicy?: TenancyPolicy;
}

export interface WebhookHandle {
  port: number;
  metricsPort: number;
  metrics: WebhookMetrics;
  log: Logger;
  /** Why /readyz fails, or undefined when ready. */
  notReadyReason(): string | undefined;
  /** Re-read the cert dir now (also happens on file change and on each poll). */
  reloadCertificate(): Promise<boolean>;
  /** Stop accepting, drain in-flight requests, stop the watches. Idempotent. */
  close(): Promise<void>;
}

/** The API server client both need, made only when one does: the same access loader as the reconciler's
 * (client-node, ~81–85 MB of RSS, only for kubeconfigs with exec plugins or auth providers). */
function kubeClient(config: WebhookConfig, metrics: WebhookMetrics) {
  let kube: Promise<KubeHttp> | undefined;
  return {
    get: () => (kube ??= loadAccess(config.kubeconfig).then((access) => new KubeHttp(access, metrics.restClient))),
    close: async () => (await kube)?.close(),
  };
}

/** An informer whose last answer from the API server is older than this holds a stalled watch. */
export const PROVIDER_WATCH_STALE_MS = 25 * 60_000;

async function authorizerFor(config: WebhookConfig, kube: () => Promise<KubeHttp>): Promise<MetricsAuthorizer> {
  if (config.metricsAuthorizer) return config.metricsAuthorizer;
  const client = await kube();
  return metricsAuthorizer((path, body) => client.request('POST', path, { body, timeoutMs: 5000 }));
}

async function listen(server: HttpsServer | ReturnType<typeof healthServer>, port: number, host: string) {
  server.listen(port, host);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

export async function startWebhook(config: WebhookConfig): Promise<WebhookHandle> {
  const log = config.logger ?? createLogger(config.logLevel ?? 'info');
  const metrics = createMetrics(WEBHOOK_PATHS);
  let closing = false;

  // The certificate comes first: without one there is nothing to serve.
  let pair: CertPair = await loadCertPair(config.certDir);
  metrics.certReloads.inc({ result: 'success' });
  metrics.certNotAfter.set(pair.notAfter.getTime() / 1000);

  const kube = kubeClient(config, metrics);
  const providers = config.providers ?? watchProviders(await kube.get(), log);
  const deps = {
    providers,
    operatorTags: config.defaultTags,
    syncWaitMs: config.providerSyncWaitMs ?? 3000,
  };
  const validatingPlugins = [
    ...VALIDATING_PLUGINS,
    providerChangesPlugin(config.defaultTags),
    tenancyPlugin(config.tenancyPolicy ?? PERMISSIVE_POLICY),
    observeTenancyPlugin(config.tenancyPolicy ?? PERMISSIVE_POLICY),
  ];
  const app = admissionApp({
    handlers: {
      '/validate': (request) => validateRequest(request, providers, validatingPlugins),
      '/mutate': (request) => mutateRequest(request, deps),
      '/admit': (request) => admitRequest(request, deps, providers, validatingPlugins),
    },
    metrics,
    log,
    bodyLimitBytes: config.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
    limiter: inFlightLimiter({
      maxRequests: config.maxInFlightRequests ?? DEFAULT_MAX_INFLIGHT_REQUESTS,
      maxBytes: config.maxInFlightBytes ?? DEFAULT_MAX_INFLIGHT_BYTES,
    }),
  });
  const tlsOptions = (certPair: CertPair) => ({
    cert: certPair.cert,
    key: certPair.key,
    minVersion: 'TLSv1.2' as const,
  });
  // With a client CA, the handshake itself refuses callers without a certificate it signed: an
  // unauthenticated flood never reaches HTTP. The API server presents one when its admission config
  // names a kubeconfig for this webhook (see the chart README, "Client certificates").
  const clientCa = config.clientCaFile ? readFileSync(config.clientCaFile) : undefined;
  const clientAuth = clientCa ? { ca: clientCa, requestCert: true, rejectUnauthorized: true } : {};
  // While shutting down, every answer closes its connection: the API server then retires the connections
  // it pooled to this pod instead of writing its next review into one we are about to cut.
  const https = createServer({ ...tlsOptions(pair), ...clientAuth }, (req, res) => {
    if (closing) res.setHeader('Connection', 'close');
    app(req, res);
  });
  // A caller that trickles its body holds a slot; the API server never takes more than 30 s (timeoutSeconds).
  https.requestTimeout = 30_000;
  https.headersTimeout = 10_000;
  https.on('tlsClientError', (error) => log.debug({ err: error }, 'TLS handshake failed'));
  // The API server keeps idle connections for 90 s and does not retry a POST whose connection we closed
  // under it; Node's default of 5 s would turn that race into failed admissions (failurePolicy Fail).
  https.keepAliveTimeout = 120_000;

  const reloadCertificate = async (): Promise<boolean> => {
    try {
      const next = await loadCertPair(config.certDir);
      if (next.fingerprint === pair.fingerprint) return false;
      // New handshakes use the new context; connections already open keep theirs, so nothing in flight fails.
      https.setSecureContext({ ...tlsOptions(next), ...clientAuth });
      if ('setSecureContext' in health) health.setSecureContext(tlsOptions(next));
      pair = next;
      metrics.certReloads.inc({ result: 'success' });
      metrics.certNotAfter.set(next.notAfter.getTime() / 1000);
      log.info({ notAfter: next.notAfter.toISOString() }, 'serving certificate reloaded');
      return true;
    } catch (error) {
      // Mid-swap the files may not match yet; keep serving the old pair and try again on the next event.
      metrics.certReloads.inc({ result: 'error' });
      log.warn({ err: error }, 'serving certificate not reloaded; keeping the current one');
      return false;
    }
  };
  const watcher = watchCertDir(config.certDir, () => void reloadCertificate(), {
    debounceMs: config.certDebounceMs ?? 100,
    pollMs: config.certPollMs ?? 10_000,
    onWatchError: (error) => log.warn({ err: error }, 'watching the cert dir failed; relying on polling'),
  });

  const notReadyReason = (): string | undefined => {
    if (closing) return 'shutting down';
    if (!providers.synced()) return 'AWSProvider cache not synced';
    if (providers.lastContact && Date.now() - providers.lastContact() > PROVIDER_WATCH_STALE_MS) {
      return 'AWSProvider watch stalled: no answer from the API server';
    }
    return undefined;
  };
  const health = healthServer({
    registry: metrics.registry,
    notReadyReason,
    ...(config.metricsSecure
      ? { secure: { tls: tlsOptions(pair), authorize: await authorizerFor(config, kube.get) } }
      : {}),
  });

  const port = await listen(https, config.port, config.host);
  const metricsPort = await listen(health, config.metricsPort, config.metricsHost ?? config.host);
  log.info({ port, metricsPort, certDir: config.certDir }, 'webhook serving');

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing = true;
      // Not ready now, yet still serving: the endpoint removal takes a moment to reach the API server,
      // and reviews it sends meanwhile must not fail (failurePolicy Fail).
      const delayMs = config.shutdownDelayMs ?? 0;
      if (delayMs > 0) {
        log.info({ delayMs }, 'shutting down: serving with Connection: close before draining');
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
      watcher.stop();
      // close() stops accepting and closes idle keep-alive connections; busy ones finish their request.
      const drained = new Promise<void>((resolve) => https.close(() => resolve()));
      https.closeIdleConnections();
      const deadline = setTimeout(() => https.closeAllConnections(), config.drainTimeoutMs ?? 20_000);
      await drained;
      clearTimeout(deadline);
      await providers.stop();
      await kube.close();
      health.closeAllConnections();
      await new Promise<void>((resolve) => health.close(() => resolve()));
      log.info('webhook stopped');
    })();
    return closed;
  };

  return { port, metricsPort, metrics, log, notReadyReason, reloadCertificate, close };
}
