// The request listener behind HTTPS: POST /validate, /mutate and /admit, instrumented like
// controller-runtime. Malformed input gets a well-formed answer (a metav1.Status with a 4xx, or an
// AdmissionReview denial once the review's uid is known); an exception in our code is a denial too,
// never an allow. A POST to exactly one of those paths (the API server's `?timeout=` query aside) goes
// straight to its handler; everything else (other spellings express matches, other methods, unknown
// paths) goes through the express app, so express's routing decides those as before. Express's
// per-request setup and router cost about 5% of the webhook's CPU under load, and the handlers use
// nothing of it.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { decodeAdmissionReview } from '../admission/decode.ts';
import { denyWith, review } from '../admission/response.ts';
import type { AdmissionRequest, AdmissionResponse } from '../admission/types.ts';
import type { WebhookMetrics } from '../metrics.ts';
import { endInBatch, queued } from './batched-end.ts';
import { HttpError, readJsonBody } from './body.ts';
import type { InFlightLimiter } from './inflight.ts';

export type AdmissionHandler = (request: AdmissionRequest) => AdmissionResponse | Promise<AdmissionResponse>;

export interface AdmissionAppOptions {
  handlers: Record<string, AdmissionHandler>;
  metrics: WebhookMetrics;
  log: Logger;
  bodyLimitBytes: number;
  /** Bounds requests and body bytes in flight; refused requests get 429 before their body is read. */
  limiter?: InFlightLimiter;
  /** Seconds a refused caller is told to wait (Retry-After). */
  retryAfterSeconds?: number;
}

/** Bytes a request may make us hold: its declared length, or the whole body limit when undeclared. */
export function reservationFor(contentLength: string | undefined, bodyLimitBytes: number): number {
  const declared = contentLength === undefined ? Number.NaN : Number(contentLength);
  return Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, bodyLimitBytes) : bodyLimitBytes;
}

/** `alone`: the only request in flight, answered at once instead of with the turn's others. */
function sendJson(res: ServerResponse, status: number, body: unknown, alone = false): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  endInBatch(res, text, alone);
}

const statusBody = (code: number, reason: string, message: string) => ({
  apiVersion: 'v1',
  kind: 'Status',
  status: 'Failure',
  code,
  reason,
  message,
});

/** Admission requests of this app in flight, every path together: from the route's start to res 'close'. */
interface InFlightCount {
  count: number;
}

/** Counts the request (in flight, latency, code) for controller-runtime's webhook metrics. */
function instrument(path: string, res: ServerResponse, metrics: WebhookMetrics, inFlight: InFlightCount): void {
  const started = process.hrtime.bigint();
  inFlight.count += 1;
  metrics.inFlight.inc({ webhook: path });
  res.once('close', () => {
    inFlight.count -= 1;
    metrics.inFlight.dec({ webhook: path });
    metrics.latency.observe({ webhook: path }, Number(process.hrtime.bigint() - started) / 1e9);
    metrics.requests.inc({ webhook: path, code: String(res.statusCode) });
  });
}

/** Reserves the request's place under the in-flight caps; false (and a 429 sent) when over them. */
function admitUnderLimits(
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
  options: AdmissionAppOptions,
): boolean {
  const { limiter, metrics, log, bodyLimitBytes } = options;
  if (!limiter) return true;
  const acquired = limiter.tryAcquire(reservationFor(req.headers['content-length'], bodyLimitBytes));
  if (acquired.ok) {
    res.once('close', acquired.release);
    return true;
  }
  // Answered at once, the body never read, and the connection closed once the answer is out, so
  // a flood's uploads stop instead of streaming through us as garbage (measured: draining 116
  // refused 2.5 MB bodies alone peaked RSS near 250 MB). The API server's request is small and
  // already sent when we answer; failurePolicy decides about a refused review.
  // Counted, logged at debug: a flood must not become a log flood.
  metrics.throttled.inc({ webhook: path, reason: acquired.reason });
  res.shouldKeepAlive = false;
  res.once('finish', () => req.socket.destroy());
  log.debug({ webhook: path, limit: acquired.reason, inFlight: limiter.current() }, 'admission request throttled');
  const retryAfter = options.retryAfterSeconds ?? 1;
  res.setHeader('Retry-After', String(retryAfter));
  const flag = acquired.reason === 'requests' ? '--max-inflight-requests' : '--max-inflight-bytes';
  sendJson(res, 429, statusBody(429, 'TooManyRequests', `webhook busy: ${flag} reached; retry after ${retryAfter}s`));
  return false;
}

/** The body as a decoded review, or undefined once a well-formed refusal or denial has been sent. */
async function readReview(
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
  options: AdmissionAppOptions,
): Promise<AdmissionRequest | undefined> {
  const { metrics, log } = options;
  let text: string;
  try {
    text = await readJsonBody(req, options.bodyLimitBytes);
  } catch (error) {
    const failure = error instanceof HttpError ? error : new HttpError(400, 'BadRequest', String(error));
    log.info({ webhook: path, code: failure.status, reason: failure.message }, 'admission request refused');
    sendJson(res, failure.status, statusBody(failure.status, failure.reason, failure.message));
    return undefined;
  }
  const decoded = decodeAdmissionReview(text);
  if (decoded.ok) return decoded.request;
  log.info({ webhook: path, code: decoded.code, uid: decoded.uid, reason: decoded.message }, 'malformed review');
  if (decoded.uid === undefined) {
    sendJson(res, decoded.code, statusBody(decoded.code, decoded.reason, decoded.message));
  } else {
    const response = denyWith(decoded.uid, decoded.code, decoded.reason, decoded.message);
    metrics.responses.inc({ webhook: path, allowed: 'false', admission_code: String(decoded.code) });
    sendJson(res, 200, review(response));
  }
  return undefined;
}

/** Runs the handler (an exception is a denial, never an allow), counts and logs the decision. */
async function decide(
  path: string,
  handler: AdmissionHandler,
  request: AdmissionRequest,
  options: AdmissionAppOptions,
): Promise<AdmissionResponse> {
  const { metrics, log } = options;
  let response: AdmissionResponse;
  try {
    response = await handler(request);
  } catch (error) {
    metrics.panics.inc();
    log.error({ webhook: path, uid: request.uid, err: error }, 'admission handler failed; denying');
    response = denyWith(request.uid, 500, 'InternalError', `internal error in the webhook: ${String(error)}`);
  }
  const code = response.status?.code ?? 200;
  metrics.responses.inc({ webhook: path, allowed: String(response.allowed), admission_code: String(code) });
  // An admitted review is logged at debug: not even its fields are gathered at the default level.
  if (response.allowed && !log.isLevelEnabled('debug')) return response;
  const fields = {
    webhook: path,
    uid: request.uid,
    kind: request.kind.kind,
    namespace: request.namespace,
    name: request.name,
    operation: request.operation,
    dryRun: request.dryRun,
    allowed: response.allowed,
    code,
    warnings: response.warnings?.length ?? 0,
    patched: response.patch !== undefined,
  };
  if (response.allowed) {
    log.debug(fields, 'admitted');
  } else {
    log.info({ ...fields, message: response.status?.message }, 'denied');
  }
  return response;
}

type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

function admissionRoute(
  path: string,
  handler: AdmissionHandler,
  options: AdmissionAppOptions,
  inFlight: InFlightCount,
): Route {
  return async (req, res) => {
    instrument(path, res, options.metrics, inFlight);
    if (!admitUnderLimits(path, req, res, options)) return;
    const request = await readReview(path, req, res, options);
    if (request === undefined) return;
    const response = review(await decide(path, handler, request, options));
    sendJson(res, 200, response, inFlight.count === 1);
  };
}

/** The path of a request target without its query (the API server calls `/validate?timeout=10s`). */
const pathOf = (url: string | undefined): string => {
  const target = url ?? '';
  const query = target.indexOf('?');
  return query < 0 ? target : target.slice(0, query);
};

export function admissionApp(options: AdmissionAppOptions): RequestListener {
  const { metrics, log } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const routes = new Map<string, Route>();
  const inFlight: InFlightCount = { count: 0 };
  for (const [path, handler] of Object.entries(options.handlers)) {
    const route = admissionRoute(path, handler, options, inFlight);
    routes.set(path, route);
    app.post(path, route);
  }
  // Last resort: an exception outside the handlers' own try/catch still gets a well-formed answer.
  const unhandled = (error: unknown, res: ServerResponse): void => {
    metrics.panics.inc();
    log.error({ err: error }, 'unhandled error in the admission app');
    if (!res.headersSent && !queued(res)) {
      sendJson(res, 500, statusBody(500, 'InternalError', 'internal error in the webhook'));
    }
  };
  // Everything else: a Status, not express's HTML.
  app.use((req: Request, res: Response) => {
    const code = req.method === 'POST' ? 404 : 405;
    sendJson(
      res,
      code,
      statusBody(code, code === 404 ? 'NotFound' : 'MethodNotAllowed', `no ${req.method} ${req.path} here`),
    );
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => unhandled(error, res));
  return (req, res) => {
    const route = req.method === 'POST' ? routes.get(pathOf(req.url)) : undefined;
    if (route === undefined) {
      app(req, res);
      return;
    }
    route(req, res).catch((error: unknown) => unhandled(error, res));
  };
}
