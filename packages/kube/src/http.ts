// A thin JSON client for the Kubernetes API: credentials and TLS come from access.ts (kubeconfig file
// or in-cluster), transport is node:http(s) with keep-alive, TLS material on the agent. Thin on
// purpose: both deployables need GET/LIST/PATCH/POST/DELETE and streaming watches, with exact control
// over patch content types, timeouts and cancellation.
import http from 'node:http';
import https from 'node:https';
import { createSecureContext } from 'node:tls';
import { loadAccess } from './access.ts';
import type { ClusterAccess } from './access.ts';
import { restClientCode } from '@dynamodb-operator/api';
import type { RestClientObserver } from '@dynamodb-operator/api';

export class KubeApiError extends Error {
  override name = 'KubeApiError';
  readonly status: number;
  readonly reason: string;
  constructor(status: number, reason: string, message: string) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export type PatchType = 'merge' | 'json' | 'strategic';
const PATCH_CT: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

/** Connections to the API server for requests (watches have their own, one each), unless told otherwise. */
export const DEFAULT_MAX_CONNECTIONS = 8;

export interface KubeHttpOptions {
  /** Connections for requests; more requests queue until one is free. */
  maxConnections?: number;
}

/**
 * A response's whole body. Stream events rather than `for await`: the async iterator costs promises
 * and closures per chunk, a measurable share of a request's CPU in the reconciler's interpreter-only
 * mode. A body cut short (connection reset, destroyed) rejects, as the iterator did.
 */
function readBody(res: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let ended = false;
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => {
      ended = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    res.on('error', reject);
    res.on('close', () => {
      if (!ended) reject(new Error('the response ended before its body was complete'));
    });
  });
}

export class KubeHttp {
  private readonly server: URL;
  private readonly access: ClusterAccess;
  private readonly agent: http.Agent;
  // Watches hold a connection for minutes; they get their own sockets so idle timeouts set on a
  // watch never leak into pooled request sockets.
  private readonly watchAgent: http.Agent;
  private readonly observe: RestClientObserver;

  constructor(access: ClusterAccess, observe: RestClientObserver = () => {}, opts: KubeHttpOptions = {}) {
    this.access = access;
    this.observe = observe;
    this.server = access.server;
    const https_ = this.server.protocol === 'https:';
    // Few connections, all kept: an idle TLS connection holds ~110 kB of resident memory (measured), and
    // closing the extra ones after a burst was worse: every burst then opened new ones, and the native
    // memory of closed sockets waits for a full GC (1,000 creates: RSS +25 MB at the peak, +7 MB after).
    // More requests queue here; the API server works through them no faster over more connections.
    const max = opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    const pool = { keepAlive: true, maxSockets: max, maxFreeSockets: max };
    if (https_) {
      // One TLS context for every connection: given ca/cert/key, each connection built its own (~60 kB
      // of resident memory apiece, measured, and the key parsed again at every connect).
      const secureContext = createSecureContext({ ca: access.ca, cert: access.cert, key: access.key });
      const tls = { secureContext, rejectUnauthorized: access.rejectUnauthorized };
      this.agent = new https.Agent({ ...pool, ...tls });
      this.watchAgent = new https.Agent({ keepAlive: false, ...tls });
    } else {
      this.agent = new http.Agent(pool);
      this.watchAgent = new http.Agent();
    }
  }

  /** From a kubeconfig file, or in-cluster credentials when no path is given. */
  static async create(kubeconfig?: string, observe?: RestClientObserver, opts?: KubeHttpOptions): Promise<KubeHttp> {
    return new KubeHttp(await loadAccess(kubeconfig), observe, opts);
  }

  private async open(
    method: string,
    path: string,
    opts: RequestOptions,
    agent: http.Agent = this.agent,
    started = performance.now(),
  ): Promise<http.IncomingMessage> {
    try {
      return await this.send(method, path, opts, agent);
    } catch (err) {
      // No response (refused, reset, timed out, aborted): client-go counts these under code "<error>".
      const streaming = agent === this.watchAgent;
      this.observe(
        method,
        this.server.host,
        path,
        restClientCode(undefined),
        streaming ? undefined : this.since(started),
      );
      throw err;
    }
  }

  private since(started: number): number {
    return (performance.now() - started) / 1000;
  }

  private async send(
    method: string,
    path: string,
    opts: RequestOptions,
    agent: http.Agent,
  ): Promise<http.IncomingMessage> {
    const auth = await this.access.headers();
    const url = new URL(path, this.server);
    const body = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
    const headers: http.OutgoingHttpHeaders = { ...auth, accept: 'application/json' };
    if (body) {
      headers['content-type'] = opts.contentType ?? 'application/json';
      headers['content-length'] = body.length;
    }
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(
        url,
        {
          method,
          headers,
          agent,
          signal: opts.signal,
          timeout: opts.timeoutMs ?? 30_000,
        },
        resolve,
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: timed out`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const started = performance.now();
    const res = await this.open(method, path, opts, this.agent, started);
    const status = res.statusCode ?? 0;
    let text: string;
    try {
      text = (await readBody(res)).toString('utf8');
    } finally {
      // Timed to the end of the body, as client-go's request() is; counted once with the status.
      this.observe(method, this.server.host, path, restClientCode(status), this.since(started));
    }
    if (status >= 200 && status < 300) return (text ? JSON.parse(text) : {}) as T;
    let reason = '';
    let message = text.slice(0, 500);
    try {
      const s = JSON.parse(text) as { reason?: string; message?: string };
      reason = s.reason ?? '';
      message = s.message ?? message;
    } catch {
      // not a Status object; keep the raw text
    }
    throw new KubeApiError(status, reason, `${method} ${path}: ${status} ${message}`);
  }

  get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, signal ? { signal } : {});
  }

  patch<T>(path: string, body: unknown, type: PatchType = 'merge'): Promise<T> {
    return this.request<T>('PATCH', path, { body, contentType: PATCH_CT[type] });
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, { body });
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, { body });
  }

  /**
   * A streaming watch: calls onEvent for each JSON line until the server closes the stream, the
   * signal aborts, or no byte arrives for `idleMs` (a stalled connection). Resolves when it ends.
   */
  async watch(
    path: string,
    onEvent: (ev: { type: string; object: Record<string, unknown> }) => void,
    signal: AbortSignal,
    idleMs: number,
  ): Promise<void> {
    const res = await this.open('GET', path, { signal, timeoutMs: idleMs }, this.watchAgent);
    const status = res.statusCode ?? 0;
    // Counted when the headers arrive, as client-go counts a watch; a stream has no meaningful latency.
    this.observe('GET', this.server.host, path, restClientCode(status), undefined);
    if (status !== 200) {
      const text = (await readBody(res)).toString('utf8');
      let reason = '';
      try {
        reason = (JSON.parse(text) as { reason?: string }).reason ?? '';
      } catch {
        // raw text
      }
      throw new KubeApiError(status, reason, `watch ${path}: ${status} ${text.slice(0, 300)}`);
    }
    res.setEncoding('utf8');
    let buf = '';
    res.socket?.setTimeout(idleMs);
    await new Promise<void>((resolve, reject) => {
      res.on('data', (chunk: string) => {
        buf += chunk;
        let nl = buf.indexOf('\n');
        while (nl >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) {
            try {
              onEvent(JSON.parse(line) as { type: string; object: Record<string, unknown> });
            } catch (err) {
              res.destroy(err as Error);
              return;
            }
          }
          nl = buf.indexOf('\n');
        }
      });
      res.on('end', () => resolve());
      res.on('close', () => resolve());
      res.on('error', (err) => (signal.aborted ? resolve() : reject(err)));
    });
  }

  close(): void {
    this.agent.destroy();
    this.watchAgent.destroy();
  }
}
