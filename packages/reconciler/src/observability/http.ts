// Plain-HTTP endpoints: /metrics (Prometheus text) and /healthz, /readyz. Two listeners as in
// controller-runtime (metrics and health probes on separate addresses); either may be disabled (0).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface Probe {
  (): { ok: boolean; detail: string };
}

export interface Endpoints {
  metrics?: Registry;
  healthz?: Probe;
  readyz?: Probe;
}

export async function listen(host: string, port: number, e: Endpoints): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const probe = path === '/healthz' ? e.healthz : path === '/readyz' ? e.readyz : undefined;
    if (probe) {
      const r = probe();
      res.writeHead(r.ok ? 200 : 503, { 'content-type': 'text/plain' }).end(`${r.ok ? 'ok' : 'not ok'}: ${r.detail}\n`);
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
  });
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
