// /metrics (Prometheus text), /healthz (the process answers), /readyz (serving certificate loaded,
// provider cache synced, not shutting down) on their own port. Plain HTTP by default. Secure mode
// (`--metrics-secure`): HTTPS with the serving certificate, and /metrics only for callers whose bearer
// token the API server authenticates and authorizes (@dynamodb-operator/api, access/metrics-auth.ts); the probes stay open, since
// kubelet sends no credentials (they reveal nothing but ok / not ready).
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer, ServerOptions as TlsServerOptions } from 'node:https';
import type { Registry } from 'prom-client';
import type { MetricsAuthorizer } from '@dynamodb-operator/api';

export interface HealthServerOptions {
  registry: Registry;
  /** Undefined when ready; otherwise the reason, shown in the 503 body. */
  notReadyReason(): string | undefined;
  /** Secure mode: serve HTTPS with these options and authorize /metrics with `authorize`. */
  secure?: { tls: TlsServerOptions; authorize: MetricsAuthorizer };
}

export function healthServer(options: HealthServerOptions): Server | HttpsServer {
  const serveMetrics = (res: ServerResponse): void => {
    options.registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': options.registry.contentType }).end(text),
      (error: unknown) =>
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`metrics failed: ${String(error)}\n`),
    );
  };
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'Content-Type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      const reason = options.notReadyReason();
      if (reason === undefined) res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
      else res.writeHead(503, { 'Content-Type': 'text/plain' }).end(`not ready: ${reason}\n`);
    } else if (path === '/metrics') {
      const secure = options.secure;
      if (!secure) {
        serveMetrics(res);
        return;
      }
      secure.authorize(req.headers.authorization).then(
        (decision) => {
          if (decision.status === 200) serveMetrics(res);
          else res.writeHead(decision.status, { 'Content-Type': 'text/plain' }).end(`${decision.message}\n`);
        },
        (error: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${String(error)}\n`),
      );
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    }
  };
  return options.secure ? createHttpsServer(options.secure.tls, handler) : createHttpServer(handler);
}
