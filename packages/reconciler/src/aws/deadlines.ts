// Hard deadlines for every AWS call. The SDK's own `requestTimeout` only logs a warning in the
// installed @smithy/node-http-handler unless `throwOnRequestTimeout` is set, and nothing bounds a
// whole call (credential resolution + signing + the request), so an endpoint that accepts
// connections and never answers held a worker forever. Three bounds, each a flag:
//   connect: TCP/TLS connect; request: no answer (and no body bytes) for this long; call: the whole
//   `send`, including the credential providers' own STS calls, as a race the caller always wins.
// Transport failures are rethrown as EndpointError named by their reason (Timeout,
// EndpointUnreachable, ConnectionReset, InvalidResponse) with a message naming the endpoint and what
// to check, so every caller's condition says so without knowing about sockets.
import { NotLeaderError } from '../leader/gate.ts';
import { currentSendSignal } from './cached-handlers.ts';
import { classifyNetworkError, networkErrorMessage } from './errors.ts';
import type { NetworkReason } from './errors.ts';

export interface AwsTimeouts {
  connectMs: number;
  requestMs: number;
  callMs: number;
}

export const DEFAULT_AWS_TIMEOUTS: AwsTimeouts = { connectMs: 3_000, requestMs: 10_000, callMs: 30_000 };

/** Options for the SDK's NodeHttpHandler (clients build it from this object). */
export function requestHandlerOptions(t: AwsTimeouts): {
  connectionTimeout: number;
  requestTimeout: number;
  socketTimeout: number;
  throwOnRequestTimeout: true;
} {
  return {
    connectionTimeout: t.connectMs,
    // until the response headers arrive; without throwOnRequestTimeout it only logs
    requestTimeout: t.requestMs,
    // inactivity while the body streams (requestTimeout stops counting at the headers)
    socketTimeout: t.requestMs,
    throwOnRequestTimeout: true,
  };
}

/** A transport failure, named by its reason; retryable (see errors.ts RETRYABLE). */
export class EndpointError extends Error {
  override name: NetworkReason;
  readonly $fault = 'client';
  readonly $metadata = {};
  constructor(reason: NetworkReason, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = reason;
  }
}

/**
 * Where a call went, for messages: the custom endpoint without user info, path or query (which
 * could carry credentials), or the AWS service in the region.
 */
export function endpointLabel(endpoint: string | undefined, service: string, region: string): string {
  if (!endpoint) return `the AWS ${service} endpoint in ${region}`;
  try {
    const u = new URL(endpoint);
    return `endpoint ${u.protocol}//${u.host}`;
  } catch {
    return 'the configured endpoint (not a valid URL)';
  }
}

/** The first line of the SDK's message, bounded: enough to recognise, never a whole response body. */
function shortDetail(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown };
  const first = (typeof e.message === 'string' ? e.message : '').split('\n')[0] ?? '';
  const text = first.replace(/^@smithy\/node-http-handler - (\[ERROR\] )?/, '').slice(0, 120);
  const code = typeof e.code === 'string' && !text.includes(e.code) ? `${e.code}: ` : '';
  return `${code}${text}`;
}

/** An error from a call to `where` → the error callers should see. Pure. */
export function normalizeAwsError(err: unknown, where: string, operation: string): unknown {
  if (err instanceof EndpointError) return err;
  // Leadership lost mid-call: the gate aborted the request; say that, not "Request aborted".
  const cause = (err as { name?: unknown; cause?: unknown } | undefined)?.cause;
  if ((err as { name?: unknown } | undefined)?.name === 'AbortError' && cause instanceof NotLeaderError) return cause;
  const reason = classifyNetworkError(err);
  if (!reason) return err;
  return new EndpointError(reason, networkErrorMessage(reason, where, operation, shortDetail(err)), err);
}

// The SDK's middleware generics are per command; ours is command-agnostic.
type AnyMiddleware = (
  next: (args: unknown) => Promise<unknown>,
  context: { commandName?: string },
) => (args: unknown) => Promise<unknown>;
interface Stack {
  add(mw: AnyMiddleware, opts: { step: 'initialize'; name: string; priority: 'high' }): void;
}
interface Handler {
  handle(request: unknown, options?: { abortSignal?: unknown; [k: string]: unknown }): Promise<unknown>;
}
interface Deadlined {
  middlewareStack: unknown;
  config: { requestHandler?: unknown };
}

/**
 * Bound every `send` of the client by `callMs` (outermost middleware: the caller gets an answer in
 * time even if a credential provider or the transport ignores its own timeouts), and abort the HTTP
 * request itself at the same deadline so its socket does not outlive the call.
 */
export function installDeadline(client: Deadlined, t: AwsTimeouts, where: string): void {
  const mw: AnyMiddleware = (next, context) => async (args) => {
    const operation = (context.commandName ?? 'AWS call').replace(/Command$/, '');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new EndpointError(
              'Timeout',
              networkErrorMessage('Timeout', where, operation, `call deadline ${t.callMs} ms`),
            ),
          ),
        t.callMs,
      );
    });
    try {
      return await Promise.race([next(args), deadline]);
    } catch (err) {
      throw normalizeAwsError(err, where, operation);
    } finally {
      clearTimeout(timer);
    }
  };
  (client.middlewareStack as Stack).add(mw, { step: 'initialize', name: 'ddbopDeadline', priority: 'high' });

  const handler = client.config.requestHandler as Handler | undefined;
  if (!handler || typeof handler.handle !== 'function') return;
  const inner = handler.handle.bind(handler);
  handler.handle = async (request, options = {}) => {
    // A client with cached handlers (cached-handlers.ts) hands the send's signal over beside the call.
    const given = options.abortSignal instanceof AbortSignal ? options.abortSignal : currentSendSignal();
    const call = callSignal(given, t.callMs);
    try {
      return await inner(request, { ...options, abortSignal: call.signal });
    } finally {
      call.release();
    }
  };
}

/**
 * An abort signal for one request: aborted by `given` (leadership lost; with its reason) or after `ms`
 * (with a TimeoutError, as AbortSignal.timeout() would). Release it when the request is over: unlike
 * AbortSignal.timeout(), whose timer fires after every call and builds a DOMException for a request
 * long done (a tenth of the reconciler's CPU time on bulk creates), this timer is cleared.
 */
export function callSignal(given: AbortSignal | undefined, ms: number): { signal: AbortSignal; release(): void } {
  const ac = new AbortController();
  const onAbort = () => ac.abort(given?.reason);
  if (given?.aborted) onAbort();
  else given?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(
    () => ac.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    ms,
  );
  return {
    signal: ac.signal,
    release: () => {
      clearTimeout(timer);
      given?.removeEventListener('abort', onAbort);
    },
  };
}
