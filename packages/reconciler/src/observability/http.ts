// Plain-HTTP endpoints: /metrics (Prometheus text) and /healthz, /readyz. Two listeners as in
// controller-runtime (metrics and health probes on separate addresses); either may be disabled (0).
// Secure mode (`--metrics-secure`, the metrics listener): HTTPS with a certificate made in memory, and
// /metrics only for bearer tokens the API server authenticates and authorizes (@dynamodb-operator/api, access/metrics-auth.ts).
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { MetricsAuthorizer } from '@dynamodb-operator/api';

export interface Probe {
  (): { ok: boolean; detail: string };
}

export interface Endpoints {
  metrics?: Registry;
  healthz?: Probe;
  readyz?: Probe;
}

export interface Secure {
  tls: { cert: string; key: string };
  authorize: MetricsAuthorizer;
}

export async function listen(
  host: string,
  port: number,
  e: Endpoints,
  secure?: Secure,
): Promise<{ server: http.Server; port: number }> {
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    const probe = path === '/healthz' ? e.healthz : path === '/readyz' ? e.readyz : undefined;
    if (probe) {
      const r = probe();
      res.writeHead(r.ok ? 200 : 503, { 'content-type': 'text/plain' }).end(`${r.ok ? 'ok' : 'not ok'}: ${r.detail}\n`);
      return;
    }
    if (path === '/metrics' && e.metrics && secure) {
      const registry = e.metrics;
      secure.authorize(req.headers.authorization).then(
        (decision) => {
          if (decision.status !== 200) {
            res.writeHead(decision.status, { 'content-type': 'text/plain' }).end(`${decision.message}\n`);
            return;
          }
          registry
            .metrics()
            .then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text))
            .catch((err: unknown) => res.writeHead(500).end(String(err)));
        },
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
      return;
    }
    if (path === '/metrics' && e.metrics) {
      e.metrics
        .metrics()
        .then((text) => res.writeHead(200, { 'content-type': e.metrics?.contentType ?? 'text/plain' }).end(text))
        .catch((err: unknown) => res.writeHead(500).end(String(err)));
      return;
    }
    res.writeHead(404).end('not found\n');
  };
  // https.Server has http.Server's whole surface (close, closeAllConnections, address) that callers use.
  const server: http.Server = secure
    ? (https.createServer({ ...secure.tls, minVersion: 'TLSv1.2' }, handler) as unknown as http.Server)
    : http.createServer(handler);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

export function close(server: http.Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
