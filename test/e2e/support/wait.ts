// Wait for a condition with a deadline instead of sleeping: the probe runs until it returns a value
// that is not undefined/false, and the timeout error says what was awaited and what was last seen.
import { setTimeout as delay } from 'node:timers/promises';
import { inspect } from 'node:util';

export async function waitFor<T>(
  description: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const intervalMs = opts.intervalMs ?? 250;
  const deadline = Date.now() + timeoutMs;
  let last: unknown = undefined;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (err) {
      // a probe that throws (e.g. NotFound while the object is still being created) is "not yet"
      last = err;
    }
    if (Date.now() >= deadline) break;
    await delay(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
  const shown = last instanceof Error ? last.message : inspect(last, { depth: 4, breakLength: 120 });
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}; last value: ${shown}`);
}
