// The HTTPS server in front of the admission app: TLS 1.2+, the optional client CA, the timeouts the API
// server's behaviour asks for, `Connection: close` while shutting down, and the drain on close.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import type { RequestListener } from 'node:http';
import type { Logger } from '@dynamodb-operator/runtime';
import type { CertPair } from '../tls/cert-files.ts';

/** The TLS options a certificate pair gives (the metrics listener's secure mode uses them too). */
export const servingTls = (pair: CertPair) => ({ cert: pair.cert, key: pair.key, minVersion: 'TLSv1.2' as const });

export interface AdmissionServerOptions {
  /** PEM CA bundle file: when set, TLS requires a client certificate signed by it (the API server's). */
  clientCaFile?: string | undefined;
  /** True once shutdown began: every answer then closes its connection. */
  closing(): boolean;
  log: Logger;
}

export interface AdmissionServer {
  server: HttpsServer;
  /** New handshakes use the new pair; connections already open keep theirs, so nothing in flight fails. */
  setCertificate(pair: CertPair): void;
  /** Stops accepting, lets busy requests finish (cut after `timeoutMs`). */
  drain(timeoutMs: number): Promise<void>;
}

export function admissionServer(
  app: RequestListener,
  pair: CertPair,
  options: AdmissionServerOptions,
): AdmissionServer {
  // With a client CA, the handshake itself refuses callers without a certificate it signed: an
  // unauthenticated flood never reaches HTTP. The API server presents one when its admission config
  // names a kubeconfig for this webhook (see the chart README, "Client certificates").
  const clientCa = options.clientCaFile ? readFileSync(options.clientCaFile) : undefined;
  const clientAuth = clientCa ? { ca: clientCa, requestCert: true, rejectUnauthorized: true } : {};
  // While shutting down, every answer closes its connection: the API server then retires the connections
  // it pooled to this pod instead of writing its next review into one we are about to cut.
  const server = createServer({ ...servingTls(pair), ...clientAuth }, (req, res) => {
    if (options.closing()) res.setHeader('Connection', 'close');
    app(req, res);
  });
  // A caller that trickles its body holds a slot; the API server never takes more than 30 s (timeoutSeconds).
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.on('tlsClientError', (error) => options.log.debug({ err: error }, 'TLS handshake failed'));
  // The API server keeps idle connections for 90 s and does not retry a POST whose connection we closed
  // under it; Node's default of 5 s would turn that race into failed admissions (failurePolicy Fail).
  server.keepAliveTimeout = 120_000;
  return {
    server,
    setCertificate: (next) => server.setSecureContext({ ...servingTls(next), ...clientAuth }),
    drain: async (timeoutMs) => {
      // close() stops accepting and closes idle keep-alive connections; busy ones finish their request.
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
      await drained;
      clearTimeout(deadline);
    },
  };
}
