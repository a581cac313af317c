// The SDK builds a command's whole handler chain (copy the client's middleware stack, add the
// command's own, sort, wrap) on every `send`, unless the client keeps one per command class
// (`cacheMiddleware: true`), and it keeps one only for sends without options. Every send of ours
// passes the leader gate's abort signal as an option, so every call paid for the chain: ~3% of the
// reconciler's CPU on bulk creates, more in the interpreter the memory settings leave it.
// Here a send's abort signal travels beside the call instead (AsyncLocalStorage), to the request
// handler's wrapper (deadlines.ts), which aborts the HTTP request with it as before; the SDK only
// ever used that option to hand it to the request handler (and to its retries, which are off).
import { AsyncLocalStorage } from 'node:async_hooks';

const sendSignals = new AsyncLocalStorage<AbortSignal>();

/** The abort signal passed to the `send` this code runs under, if any. */
export function currentSendSignal(): AbortSignal | undefined {
  return sendSignals.getStore();
}

type Send = (command: unknown, options?: unknown, callback?: unknown) => Promise<unknown> | void;
interface Cacheable {
  send: Send;
  config: { cacheMiddleware?: boolean };
}

/** True for `{ abortSignal }` or `{}`: options the cached handler can do without. */
function onlyAbortSignal(options: unknown): options is { abortSignal?: AbortSignal } {
  if (options === undefined) return true;
  if (typeof options !== 'object' || options === null) return false;
  for (const key of Object.keys(options)) if (key !== 'abortSignal') return false;
  return true;
}

/**
 * Make the client reuse its handler chains (call before its first send, after adding middleware:
 * the SDK caches a chain on a command class's first send). Sends with options other than an abort
 * signal, or with a callback, take the SDK's own path unchanged.
 */
export function useCachedHandlers(client: object): void {
  const c = client as Cacheable;
  c.config.cacheMiddleware = true;
  const send = c.send.bind(client);
  c.send = (command, options, callback) => {
    if (callback !== undefined || !onlyAbortSignal(options)) return send(command, options, callback);
    const signal = options?.abortSignal;
    return signal ? sendSignals.run(signal, () => send(command)) : send(command);
  };
}
