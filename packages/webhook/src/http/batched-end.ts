// Answers written together at the end of the event-loop turn that produced them, instead of one by
// one as each is decided. Each write to a caller that sleeps in its own poll costs a wake-up in the
// kernel (an inter-processor interrupt, a VM exit on a virtual machine): measured with `perf`, about a
// tenth of the webhook's CPU under load went there, and the system time per request fell from ~22–25 to
// ~6–9 µs with the writes of a turn batched (bench/webhook.ts). The first answer of a turn wakes the
// caller; the ones after it find it awake. An answer waits at most for the other requests that were
// read in the same turn. The answer to the only request in flight (kubectl apply's objects, each
// admitted after the previous one) has nothing to wait for and is written at once: deferred to the
// check phase it cost 20–40 µs more per sequential call (bench/webhook.ts, sequential_ms_per_call_*).
import type { ServerResponse } from 'node:http';

let pending: ServerResponse[] = [];
let bodies: string[] = [];

/** An answer that cannot be written must not keep the others of the turn from theirs (nor, thrown from
 * an immediate, end the process): its connection is cut, which its caller sees as a failure. */
function end(res: ServerResponse, text: string | undefined): void {
  try {
    res.end(text);
  } catch (error) {
    res.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}

function flush(): void {
  const responses = pending;
  const texts = bodies;
  pending = [];
  bodies = [];
  for (let i = 0; i < responses.length; i++) end(responses[i]!, texts[i]);
}

/**
 * Ends `res` with `text` in this turn's check phase (after every request read in this turn), or at once
 * when `alone` (the only request in flight: no other answer can join it) and nothing is queued.
 */
export function endInBatch(res: ServerResponse, text: string, alone = false): void {
  if (alone && pending.length === 0) {
    end(res, text);
    return;
  }
  if (pending.length === 0) setImmediate(flush);
  pending.push(res);
  bodies.push(text);
}

/** Whether an answer to `res` is already queued (headersSent stays false until it is written). */
export function queued(res: ServerResponse): boolean {
  return pending.includes(res);
}
