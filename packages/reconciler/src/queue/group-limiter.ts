// Per-group concurrency for a controller's workers (a group is e.g. a table's AWSProvider): at most
// `max` keys of one group in flight; a key of a saturated group is parked and handed back, oldest
// first, when a key of its group finishes. Pure bookkeeping, no timers: a parked key cannot be lost
// because a group has parked keys only while it has keys in flight, and each of those releases one.

/** Per-group in-flight counts and the keys parked while their group was saturated. */
export class GroupLimiter {
  private readonly inFlight = new Map<string, number>();
  private readonly parked = new Map<string, Set<string>>();
  private readonly max: number;

  constructor(max: number) {
    this.max = Math.max(1, max);
  }

  /** Take a slot for the group, or park the key and answer false. */
  tryAcquire(group: string, key: string): boolean {
    const n = this.inFlight.get(group) ?? 0;
    if (n < this.max) {
      this.inFlight.set(group, n + 1);
      return true;
    }
    let keys = this.parked.get(group);
    if (!keys) this.parked.set(group, (keys = new Set()));
    keys.add(key);
    return false;
  }

  /** Give the slot back; returns the parked key (oldest first) that may run now, if any. */
  release(group: string): string | undefined {
    const n = (this.inFlight.get(group) ?? 1) - 1;
    if (n > 0) this.inFlight.set(group, n);
    else this.inFlight.delete(group);
    const keys = this.parked.get(group);
    if (!keys) return undefined;
    const next = keys.values().next().value;
    if (next !== undefined) keys.delete(next);
    if (keys.size === 0) this.parked.delete(group);
    return next;
  }

  inFlightOf(group: string): number {
    return this.inFlight.get(group) ?? 0;
  }

  parkedOf(group: string): number {
    return this.parked.get(group)?.size ?? 0;
  }
}
