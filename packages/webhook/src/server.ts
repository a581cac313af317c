// startWebhook: the HTTPS admission server, the plain-HTTP health/metrics server, the serving
// certificate (reloaded on change) and the AWSProvider cache, wired together; close() drains them.
import { once } from 'node:events';
import type { Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { metricsAuthorizer } from '@dynamodb-operator/api';
import type { MetricsAuthorizer, TenancyPolicy } from '@dynamodb-operator/api';
import { KubeHttp, loadAccess } from '@dynamodb-operator/kube';
import { createLogger, listenProbes } from '@dynamodb-operator/runtime';
import type { Logger, ProbeEndpoints } from '@dynamodb-operator/runtime';
import { admissionHandlers } from './admission/handlers.ts';
import { admissionApp } from './http/admission-app.ts';
import { admissionServer, servingTls } from './http/admission-server.ts';
import { inFlightLimiter } from './http/inflight.ts';
import { createMetrics } from './metrics.ts';
import type { WebhookMetrics } from './metrics.ts';
import type { ProviderLookup } from './providers/lookup.ts';
import { watchProviders } from './providers/provider-informers.ts';
import { certificateReloader, loadServingCertificate } from './tls/reloader.ts';

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

async function listen(server: Server, port: number, host: string): Promise<number> {
  server.listen(port, host);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** /healthz: the process answers; /readyz: the reason it is not ready, if any; /metrics. */
function probeEndpoints(metrics: WebhookMetrics, notReadyReason: () => string | undefined): ProbeEndpoints {
  return {
    metrics: metrics.registry,
    healthz: () => ({ ok: true, detail: 'serving' }),
    readyz: () => {
      const reason = notReadyReason();
      return reason === undefined ? { ok: true, detail: 'ready' } : { ok: false, detail: reason };
    },
  };
}

export async function startWebhook(config: WebhookConfig): Promise<WebhookHandle> {
  const log = config.logger ?? createLogger({ component: 'webhook', level: config.logLevel ?? 'info' });
  const metrics = createMetrics(WEBHOOK_PATHS);
  let closing = false;

  // The certificate comes first: without one there is nothing to serve.
  const initial = await loadServingCertificate(config.certDir, metrics);

  const kube = kubeClient(config, metrics);
  const providers = config.providers ?? watchProviders(await kube.get(), log);
  const app = admissionApp({
    handlers: admissionHandlers(config, providers),
    metrics,
    log,
    bodyLimitBytes: config.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
    limiter: inFlightLimiter({
      maxRequests: config.maxInFlightRequests ?? DEFAULT_MAX_INFLIGHT_REQUESTS,
      maxBytes: config.maxInFlightBytes ?? DEFAULT_MAX_INFLIGHT_BYTES,
    }),
  });
  const https = admissionServer(app, initial, { clientCaFile: config.clientCaFile, closing: () => closing, log });

  const notReadyReason = (): string | undefined => {
    if (closing) return 'shutting down';
    if (!providers.synced()) return 'AWSProvider cache not synced';
    if (providers.lastContact && Date.now() - providers.lastContact() > PROVIDER_WATCH_STALE_MS) {
      return 'AWSProvider watch stalled: no answer from the API server';
    }
    return undefined;
  };
  const secure = config.metricsSecure
    ? { tls: servingTls(initial), authorize: await authorizerFor(config, kube.get) }
    : undefined;

  const port = await listen(https.server, config.port, config.host);
  const probes = await listenProbes(
    config.metricsHost ?? config.host,
    config.metricsPort,
    probeEndpoints(metrics, notReadyReason),
    secure,
  );
  const reloader = certificateReloader({
    certDir: config.certDir,
    initial,
    metrics,
    log,
    apply: (pair) => {
      https.setCertificate(pair);
      probes.setCertificate(servingTls(pair));
    },
    debounceMs: config.certDebounceMs ?? 100,
    pollMs: config.certPollMs ?? 10_000,
  });
  log.info({ port, metricsPort: probes.port, certDir: config.certDir }, 'webhook serving');

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
      reloader.stop();
      await https.drain(config.drainTimeoutMs ?? 20_000);
      await providers.stop();
      await kube.close();
      await probes.close();
      log.info('webhook stopped');
    })();
    return closed;
  };

  return {
    port,
    metricsPort: probes.port,
    metrics,
    log,
    notReadyReason,
    reloadCertificate: reloader.reload,
    close,
  };
}
