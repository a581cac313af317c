// The probe and metrics listener of both binaries: GET /healthz, /readyz (a probe each) and /metrics
// (Prometheus text). Plain HTTP by default. Secure mode: HTTPS with the given certificate, and /metrics
// only for callers the `authorize` function lets through (TokenReview + SubjectAccessReview, see
// @dynamodb-operator/api access/metrics-auth.ts); the probes stay open, since the kubelet sends no
// credentials (they reveal nothing but ok / not ok).
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SecureContextOptions } from 'node:tls';

export interface Probe {
  (): { ok: boolean; detail: string };
}

/** What /metrics serves: prom-client's Registry has this shape. */
export interface MetricsSource {
  metrics(): Promise<string>;
  readonly contentType: string;
}

export interface Authorization {
  status: number;
  message: string;
}

export interface ProbeEndpoints {
  metrics?: MetricsSource;
  healthz?: Probe;
  readyz?: Probe;
}

export interface SecureOptions {
  tls: Pick<SecureContextOptions, 'cert' | 'key'>;
  /** Decides a /metrics request from its Authorization header (200 lets it through). */
  authorize(authorization: string | undefined): Promise<Authorization>;
}

const TEXT = { 'content-type': 'text/plain' };

function serveMetrics(source: MetricsSource, res: http.ServerResponse): void {
  source.metrics().then(
    (text) => res.writeHead(200, { 'content-type': source.contentType }).end(text),
    (err: unknown) => res.writeHead(500, TEXT).end(`metrics failed: ${String(err)}\n`),
  );
}

function handler(e: ProbeEndpoints, secure?: SecureOptions) {
  return (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, TEXT).end('method not allowed\n');
      return;
    }
    const probe = path === '/healthz' ? e.healthz : path === '/readyz' ? e.readyz : undefined;
    if (probe) {
      const r = probe();
      res.writeHead(r.ok ? 200 : 503, TEXT).end(`${r.ok ? 'ok' : 'not ok'}: ${r.detail}\n`);
      return;
    }
    const source = path === '/metrics' ? e.metrics : undefined;
    if (!source) {
      res.writeHead(404, TEXT).end('not found\n');
    } else if (!secure) {
      serveMetrics(source, res);
    } else {
      secure.authorize(req.headers.authorization).then(
        (decision) => {
          if (decision.status === 200) serveMetrics(source, res);
          else res.writeHead(decision.status, TEXT).end(`${decision.message}\n`);
        },
        (err: unknown) => res.writeHead(500, TEXT).end(`${String(err)}\n`),
      );
    }
  };
}

export interface ProbeServer {
  server: http.Server | https.Server;
  port: number;
  /** Secure mode: serve a renewed certificate to new connections. */
  setCertificate(tls: SecureOptions['tls']): void;
  /** Stops listening and cuts open connections (probes and scrapes are short). */
  close(): Promise<void>;
}

/** Listens on host:port (0 picks a free port) and serves the endpoints given. */
export async function listenProbes(
  host: string,
  port: number,
  endpoints: ProbeEndpoints,
  secure?: SecureOptions,
): Promise<ProbeServer> {
  const serve = handler(endpoints, secure);
  const server = secure
    ? https.createServer({ ...secure.tls, minVersion: 'TLSv1.2' }, serve)
    : http.createServer(serve);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    setCertificate: (tls) => {
      if (server instanceof https.Server) server.setSecureContext({ ...tls, minVersion: 'TLSv1.2' });
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
