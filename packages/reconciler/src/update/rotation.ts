// The steady-state read rotation, pure. The budget is one AWS read per table per resync, yet drift in
// TTL, PITR and tags must be repaired too, and those three are not in DescribeTable. So in steady state
// (no spec change, not the first sync, no change under way) each resync makes exactly ONE read: the
// most overdue of DescribeTable (due every resync period) and DescribeTimeToLive,
// DescribeContinuousBackups and ListTagsOfResource (each due every drift-check period).
// "Overdue" is the lateness ratio (time since the last read / its period), so no read starves: with
// a 10 min resync and a 1 h drift check that is 3 DescribeTable + 3 deep reads per 6 resyncs (with
// the resync's ±10% jitter about 4 + 3 per 7): DescribeTable at least every other resync, each deep
// read every 60-75 min.
// Outside steady state, or when this process has not read something yet, everything is read.

export const DEEP_READS = ['ttl', 'pitr', 'tags'] as const;
export type DeepRead = (typeof DEEP_READS)[number];
/** GetResourcePolicy: a deep read too, but only for tables whose spec has a resourcePolicy. */
export type PolicyRead = 'policy';
export type ReadKind = 'describe' | DeepRead | PolicyRead;

/** When each read was last made for a table, in ms since the epoch; 0 = not yet by this process. */
export interface ReadTimes {
  describe: number;
  ttl: number;
  pitr: number;
  tags: number;
  policy: number;
}

export interface RotationPeriods {
  /** --resync-period: DescribeTable is due once per period. */
  resyncMs: number;
  /** --drift-check-period: TTL, PITR and tags are each due once per period. */
  driftCheckMs: number;
}

export function neverRead(): ReadTimes {
  return { describe: 0, ttl: 0, pitr: 0, tags: 0, policy: 0 };
}

/**
 * What to read on this reconcile: 'all' (DescribeTable and the three deep reads) unless `steady`,
 * otherwise the single most overdue read. Ties go to the deep reads (they are the rarer ones).
 */
export function nextRead(
  steady: boolean,
  last: ReadTimes,
  now: number,
  p: RotationPeriods,
  extra: readonly PolicyRead[] = [],
): ReadKind | 'all' {
  if (!steady) return 'all';
  const deep = [...DEEP_READS, ...extra];
  if (last.describe === 0 || deep.some((k) => last[k] === 0)) return 'all';
  // A drift check more frequent than the resync would otherwise always outrank DescribeTable: one
  // read per resync cannot honour it anyway, so it counts as one resync period (round robin).
  const deepMs = Math.max(p.driftCheckMs, p.resyncMs);
  let best: ReadKind = 'describe';
  let bestRatio = (now - last.describe) / p.resyncMs;
  for (const k of deep) {
    const ratio = (now - last[k]) / deepMs;
    if (best === 'describe' ? ratio >= bestRatio : ratio > bestRatio) {
      best = k;
      bestRatio = ratio;
    }
  }
  return best;
}

/** Record the reads made at `now`. */
export function markRead(last: ReadTimes, reads: ReadKind | 'all', now: number): void {
  if (reads === 'all') {
    last.describe = now;
    for (const k of DEEP_READS) last[k] = now;
    last.policy = now;
  } else last[reads] = now;
}
