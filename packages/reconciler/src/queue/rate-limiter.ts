// client-go's default controller rate limiter: the slower of a per-item exponential backoff
// (5ms · 2^failures, capped at 1000s, here with ±10% jitter so that items failing together do not
// retry in lock-step) and an overall token bucket (10 qps, burst 100) shared by all retries.

export interface RateLimiterOptions {
  baseDelayMs: number;
  maxDelayMs: number;
  qps: number;
  burst: number;
  jitter: number;
  now: () => number;
  random: () => number;
}

export const DEFAULT_RATE_LIMITER: RateLimiterOptions = {
  baseDelayMs: 5,
  maxDelayMs: 1_000_000,
  qps: 10,
  burst: 100,
  jitter: 0.1,
  now: () => Date.now(),
  random: Math.random,
};

export class RateLimiter {
  private readonly opts: RateLimiterOptions;
  private readonly failures = new Map<string, number>();
  private tokens: number;
  private last: number;

  constructor(opts: Partial<RateLimiterOptions> = {}) {
    this.opts = { ...DEFAULT_RATE_LIMITER, ...opts };
    this.tokens = this.opts.burst;
    this.last = this.opts.now();
  }

  /** Delay before the key may be retried; counts one more failure for it. */
  when(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    const exp = Math.min(this.opts.baseDelayMs * 2 ** n, this.opts.maxDelayMs);
    const jittered = exp * (1 + this.opts.jitter * (2 * this.opts.random() - 1));
    return Math.max(Math.min(jittered, this.opts.maxDelayMs), this.bucketDelay());
  }

  /** Reserve one token; the delay until that token exists (golang.org/x/time/rate's Reserve). */
  private bucketDelay(): number {
    const now = this.opts.now();
    this.tokens = Math.min(this.opts.burst, this.tokens + ((now - this.last) / 1000) * this.opts.qps);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.opts.qps) * 1000;
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  forget(key: string): void {
    this.failures.delete(key);
  }
}
