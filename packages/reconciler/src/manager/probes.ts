// What the manager reports: the tables gauge from the cache, /healthz and /readyz from the informers,
// and the two listeners (metrics and health probes on separate addresses, as in controller-runtime).
import { hostname } from 'node:os';
import { metricsAuthorizer } from '@dynamodb-operator/api';
import type { ReconcilerConfig } from '../config.ts';
import { parseBindAddress } from '../config.ts';
import type { KubeHttp } from '@dynamodb-operator/kube';
import { listenProbes } from '@dynamodb-operator/runtime';
import type { Probe, ProbeServer } from '@dynamodb-operator/runtime';
import type { Metrics } from '../observability/metrics.ts';
import { selfSignedCertificate } from '../observability/self-signed.ts';
import type { TableInformer, TableKind, Watches } from './watches.ts';
import { TABLE_KINDS } from './watches.ts';

/** Tables by kind and observed status, from the cache, every 5 s; returns the stop function. */
export function startTablesGauge(
  metrics: Pick<Metrics, 'tables'>,
  tables: Record<TableKind, Pick<TableInformer, 'storeChanges' | 'summaries'>>,
  intervalMs = 5_000,
): () => void {
  let counted = '';
  const timer = setInterval(() => {
    // Recounted only when a cache changed: with thousands of tables a count is not free, and it ran for ever.
    const changes = TABLE_KINDS.map((kind) => tables[kind].storeChanges).join(',');
    if (changes === counted) return;
    counted = changes;
    metrics.tables.reset();
    for (const kind of TABLE_KINDS) {
      const counts = new Map<string, number>();
      for (const [, sum] of tables[kind].summaries()) counts.set(sum.status, (counts.get(sum.status) ?? 0) + 1);
      for (const [status, n] of counts) metrics.tables.set({ kind, status }, n);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** An informer cut off from the API server this long (watchdog) fails /healthz. */
const STALE_MS = 25 * 60_000;

/** healthz fails when an informer lost the API server; readyz waits for every informer's first list. */
export function informerProbes(informers: Watches['all']): { healthz: Probe; readyz: Probe } {
  return {
    healthz: () => {
      const stale = informers.filter((i) => i.synced && Date.now() - i.lastContact > STALE_MS);
      return stale.length
        ? { ok: false, detail: `no contact with the API server for ${stale.map((i) => i.resource.plural).join(', ')}` }
        : { ok: true, detail: 'informers live' };
    },
    readyz: () => {
      const waiting = informers.filter((i) => !i.synced);
      return waiting.length
        ? { ok: false, detail: `waiting for informers: ${waiting.map((i) => i.resource.plural).join(', ')}` }
        : { ok: true, detail: 'informers synced' };
    },
  };
}

export interface Listeners {
  metricsPort?: number;
  healthPort?: number;
  close(): Promise<void>;
}

/** The metrics and health-probe listeners the config asks for (an address of 0 disables one). */
export async function serveProbes(
  config: ReconcilerConfig,
  kube: KubeHttp,
  metrics: Metrics,
  probes: { healthz: Probe; readyz: Probe },
): Promise<Listeners> {
  const servers: ProbeServer[] = [];
  const out: Listeners = { close: () => Promise.all(servers.map((s) => s.close())).then(() => undefined) };
  const metricsAddr = parseBindAddress('metrics-bind-address', config.metricsBindAddress);
  const healthAddr = parseBindAddress('health-probe-bind-address', config.healthProbeBindAddress);
  if (metricsAddr) {
    const secure = config.metricsSecure
      ? {
          tls: selfSignedCertificate([hostname(), 'localhost', '127.0.0.1']),
          authorize: metricsAuthorizer((path, body) => kube.post(path, body)),
        }
      : undefined;
    const m = await listenProbes(metricsAddr.host, metricsAddr.port, { metrics: metrics.registry, ...probes }, secure);
    servers.push(m);
    out.metricsPort = m.port;
  }
  if (healthAddr) {
    const h = await listenProbes(healthAddr.host, healthAddr.port, probes);
    servers.push(h);
    out.healthPort = h.port;
  }
  return out;
}
