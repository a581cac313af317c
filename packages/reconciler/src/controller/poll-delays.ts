// How long to wait before looking at a table again while DynamoDB moves it between states
// (CREATING, UPDATING, DELETING). A fixed interval made every new table wait one full interval after
// DynamoDB had already said ACTIVE (moto and dynalite answer in milliseconds; AWS in seconds): the
// first look now comes soon and the gaps double up to the interval, so a fast transition is seen at
// once and a slow one costs only a few more DescribeTable calls (log2(max/first)) than before.
// Capped by the same interval, so the steady polling rate against AWS is unchanged.

/** What the next look waits for; a new phase restarts from the short first delay. */
export type PollPhase = 'creating' | 'create-busy' | 'not-active' | 'converging' | 'deleting' | 'delete-busy';

export class PollDelays {
  private readonly byKey = new Map<string, { phase: PollPhase; attempt: number }>();
  private readonly firstMs: number;
  private readonly maxMs: number;

  constructor(firstMs: number, maxMs: number) {
    this.firstMs = firstMs;
    this.maxMs = maxMs;
  }

  /** The delay before the next look at `key`, counting consecutive looks in the same phase. */
  next(key: string, phase: PollPhase): number {
    const prev = this.byKey.get(key);
    const attempt = prev?.phase === phase ? prev.attempt + 1 : 0;
    this.byKey.set(key, { phase, attempt });
    return pollDelayMs(this.firstMs, this.maxMs, attempt);
  }

  /** The object reached a steady state (or is gone): its next transition starts from the first delay. */
  forget(key: string): void {
    this.byKey.delete(key);
  }

  get size(): number {
    return this.byKey.size;
  }
}

/** firstMs · 2^attempt, capped at maxMs (and never above it when firstMs > maxMs). */
export function pollDelayMs(firstMs: number, maxMs: number, attempt: number): number {
  const first = Math.min(firstMs, maxMs);
  // 2^31 overflows nothing in a double, but a cap on the exponent keeps the arithmetic obvious.
  return Math.min(maxMs, first * 2 ** Math.min(attempt, 30));
}
