// The express app behind HTTPS: POST /validate and POST /mutate, instrumented like controller-runtime.
// Malformed input gets a well-formed answer (a metav1.Status with a 4xx, or an AdmissionReview denial
// once the review's uid is known); an exception in our code is a denial too, never an allow.
import express from 'express';
import type { Express, NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { decodeAdmissionReview } from '../admission/decode.ts';
import { denyWith, review } from '../admission/response.ts';
import type { AdmissionRequest, AdmissionResponse } from '../admission/types.ts';
import type { WebhookMetrics } from '../metrics.ts';
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

function sendJson(res: Response, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

const statusBody = (code: number, reason: string, message: string) => ({
  apiVersion: 'v1',
  kind: 'Status',
  status: 'Failure',
  code,
  reason,
  message,
});

export function admissionApp(options: AdmissionAppOptions): Express {
  const { metrics, log, bodyLimitBytes } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  for (const [path, handler] of Object.entries(options.handlers)) {
    app.post(path, async (req: Request, res: Response) => {
      const started = process.hrtime.bigint();
      metrics.inFlight.inc({ webhook: path });
      res.once('close', () => {
        metrics.inFlight.dec({ webhook: path });
        metrics.latency.observe({ webhook: path }, Number(process.hrtime.bigint() - started) / 1e9);
        metrics.requests.inc({ webhook: path, code: String(res.statusCode) });
      });

      if (options.limiter) {
        const acquired = options.limiter.tryAcquire(reservationFor(req.headers['content-length'], bodyLimitBytes));
        if (!acquired.ok) {
          // Answered at once, the body never read, and the connection closed once the answer is out, so
          // a flood's uploads stop instead of streaming through us as garbage (measured: draining 116
          // refused 2.5 MB bodies alone peaked RSS near 250 MB). The API server's request is small and
          // already sent when we answer; failurePolicy decides about a refused review.
          // Counted, logged at debug: a flood must not become a log flood.
          metrics.throttled.inc({ webhook: path, reason: acquired.reason });
          res.shouldKeepAlive = false;
          res.once('finish', () => req.socket.destroy());
          log.debug(
            { webhook: path, limit: acquired.reason, inFlight: options.limiter.current() },
            'admission request throttled',
          );
          res.setHeader('Retry-After', String(options.retryAfterSeconds ?? 1));
          const flag = acquired.reason === 'requests' ? '--max-inflight-requests' : '--max-inflight-bytes';
          sendJson(
            res,
            429,
            statusBody(
              429,
              'TooManyRequests',
              `webhook busy: ${flag} reached; retry after ${options.retryAfterSeconds ?? 1}s`,
            ),
          );
          return;
        }
        res.once('close', acquired.release);
      }
      let text: string;
      try {
        text = await readJsonBody(req, bodyLimitBytes);
      } catch (error) {
        const failure = error instanceof HttpError ? error : new HttpError(400, 'BadRequest', String(error));
        log.info({ webhook: path, code: failure.status, reason: failure.message }, 'admission request refused');
        sendJson(res, failure.status, statusBody(failure.status, failure.reason, failure.message));
        return;
      }
      const decoded = decodeAdmissionReview(text);
      if (!decoded.ok) {
        log.info({ webhook: path, code: decoded.code, uid: decoded.uid, reason: decoded.message }, 'malformed review');
        if (decoded.uid === undefined) {
          sendJson(res, decoded.code, statusBody(decoded.code, decoded.reason, decoded.message));
        } else {
          const response = denyWith(decoded.uid, decoded.code, decoded.reason, decoded.message);
          metrics.responses.inc({ webhook: path, allowed: 'false', admission_code: String(decoded.code) });
          sendJson(res, 200, review(response));
        }
        return;
      }
      const request = decoded.request;
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
      sendJson(res, 200, review(response));
    });
  }
  // Everything else: a Status, not express's HTML.
  app.use((req: Request, res: Response) => {
    const code = req.method === 'POST' ? 404 : 405;
    sendJson(
      res,
      code,
      statusBody(code, code === 404 ? 'NotFound' : 'MethodNotAllowed', `no ${req.method} ${req.path} here`),
    );
  });
  // Last resort: an exception outside the handlers' own try/catch still gets a well-formed answer.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    metrics.panics.inc();
    log.error({ err: error }, 'unhandled error in the admission app');
    if (!res.headersSent) sendJson(res, 500, statusBody(500, 'InternalError', 'internal error in the webhook'));
  });
  return app;
}
