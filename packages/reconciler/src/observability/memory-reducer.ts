// Gives a burst's memory back. A controller's work comes in bursts (start-up pass, resync waves, bulk
// creates); after one, V8 keeps the pages it freed in a pool, still resident, and no memory-reducing
// GC comes on its own while the process idles, so RSS would stay at the burst's high-water mark.
// `--optimize-for-size` makes V8 do it, but it also caps the young generation at 1 MB and trades speed
// for size in the compilers: 30-80% more CPU on bulk creates. Here instead, every few seconds: when
// RSS has grown by `growthMb` since the last reduction, at least `minIntervalMs` ago, and the process
// is not in the middle of a burst (its CPU time over the interval), or a burst has gone on for
// `maxWaitMs`, run one memory-reducing full GC (V8's "last resort" flavour: it also releases pooled
// pages and shrinks the young generation). That costs tens of milliseconds (a few hundred on a loaded
// machine), at most once per `minIntervalMs` (each one is a few full GCs in a row). Needs `--expose-gc` (main.ts adds it).

export interface ReducerThresholds {
  /** RSS growth (MB) since the last reduction that is worth a reduction. */
  growthMb: number;
  /** CPU milliseconds per interval above which the process is in a burst (wait for its end). */
  busyCpuMs: number;
  /** Never two reductions closer than this (a starved process looks quiet while it is still working). */
  minIntervalMs: number;
  /** A burst that lasts longer than this gets a reduction anyway. */
  maxWaitMs: number;
}

export const DEFAULT_INTERVAL_MS = 5000;
// 20% of one core over a 5 s interval is a burst (a resync wave, bulk creates); an idle reconciler with
// thousands of objects stays well under it. Half a minute between reductions: the start-up reduction
// comes as the first objects arrive, so with a minute a burst right after start waited up to a minute
// more to be given back (bench peers: 100.7 MB a minute after 200 tables were Ready, 79.3 MB once
// reduced); at most two last-resort GCs a minute stay under 1% of a core even where each takes 200 ms.
export const DEFAULT_THRESHOLDS: ReducerThresholds = {
  growthMb: 8,
  busyCpuMs: 1000,
  minIntervalMs: 30_000,
  maxWaitMs: 300_000,
};

export interface ReducerSample {
  rssMb: number;
  /** RSS right after the last reduction (or at start). */
  baselineMb: number;
  /** CPU milliseconds the process used over the last interval. */
  cpuMs: number;
  /** Milliseconds since the last reduction (or start). */
  sinceLastMs: number;
}

/** Pure: whether to run a memory-reducing GC now. */
export function shouldReduce(s: ReducerSample, t: ReducerThresholds = DEFAULT_THRESHOLDS): boolean {
  if (s.rssMb - s.baselineMb < t.growthMb || s.sinceLastMs < t.minIntervalMs) return false;
  return s.cpuMs <= t.busyCpuMs || s.sinceLastMs >= t.maxWaitMs;
}

type GcFunction = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

export interface MemoryReducerOptions {
  intervalMs?: number;
  thresholds?: ReducerThresholds;
  /** Told each reduction's duration and RSS before/after (for a debug log line). */
  onReduce?: (ms: number, beforeMb: number, afterMb: number) => void;
  /** The exposed `gc` (`--expose-gc`); defaults to the global one. */
  gc?: GcFunction | undefined;
  /** Resident memory in bytes; process.memoryUsage.rss by default. */
  rss?: () => number;
}

/** Starts the reducer; returns its stop function. Does nothing when no `gc` is exposed. */
export function startMemoryReducer(opts: MemoryReducerOptions = {}): () => void {
  const gc = 'gc' in opts ? opts.gc : (globalThis as { gc?: GcFunction }).gc;
  if (typeof gc !== 'function') return () => {};
  const rssMb = () => (opts.rss ?? process.memoryUsage.rss)() / 1024 / 1024;
  // Start-up (loading, the first list and pass) is a burst of its own: measure growth from bare Node,
  // and allow the first reduction at once.
  let baselineMb = 0;
  let lastAt = -Infinity;
  let cpu = process.cpuUsage();
  const timer = setInterval(() => {
    const used = process.cpuUsage(cpu);
    const sample = {
      rssMb: rssMb(),
      baselineMb,
      cpuMs: (used.user + used.system) / 1000,
      sinceLastMs: performance.now() - lastAt,
    };
    if (shouldReduce(sample, opts.thresholds)) {
      const started = performance.now();
      gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
      lastAt = performance.now();
      baselineMb = rssMb();
      opts.onReduce?.(lastAt - started, sample.rssMb, baselineMb);
    }
    // the GC's own CPU time is not work: the next interval starts after it
    cpu = process.cpuUsage();
  }, opts.intervalMs ?? DEFAULT_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
