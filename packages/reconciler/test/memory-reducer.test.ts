import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_THRESHOLDS, shouldReduce, startMemoryReducer } from '../src/observability/memory-reducer.ts';

describe('memory reducer', () => {
  const sample = { rssMb: 100, baselineMb: 80, cpuMs: 50, sinceLastMs: DEFAULT_THRESHOLDS.minIntervalMs };

  it('reduces once RSS has grown and the burst is over', () => {
    expect(shouldReduce(sample)).to.equal(true);
  });

  it('waits while RSS has not grown enough since the last reduction', () => {
    expect(shouldReduce({ ...sample, rssMb: 80 + DEFAULT_THRESHOLDS.growthMb - 0.5 })).to.equal(false);
  });

  it('never reduces twice within minIntervalMs, even when the process looks quiet', () => {
    expect(shouldReduce({ ...sample, sinceLastMs: DEFAULT_THRESHOLDS.minIntervalMs - 1 })).to.equal(false);
  });

  it('waits for the end of a burst, unless it lasts past maxWaitMs', () => {
    const busy = { ...sample, cpuMs: DEFAULT_THRESHOLDS.busyCpuMs + 1 };
    expect(shouldReduce(busy)).to.equal(false);
    expect(shouldReduce({ ...busy, sinceLastMs: DEFAULT_THRESHOLDS.maxWaitMs })).to.equal(true);
  });

  it('runs the exposed gc with the memory-reducing flavour, then measures growth from the new RSS', async () => {
    const calls: unknown[] = [];
    const reductions: [number, number][] = [];
    let rss = 200 * 1024 * 1024;
    const stop = startMemoryReducer({
      intervalMs: 10,
      thresholds: { growthMb: 8, busyCpuMs: 10_000, minIntervalMs: 0, maxWaitMs: 60_000 },
      gc: (options) => {
        calls.push(options);
        rss = 120 * 1024 * 1024; // what the collection gave back
      },
      rss: () => rss,
      onReduce: (_ms, before, after) => reductions.push([before, after]),
    });
    try {
      const deadline = Date.now() + 5000;
      while (calls.length === 0 && Date.now() < deadline) await sleep(5);
      // RSS stays at the new baseline: no second reduction
      await sleep(100);
      expect(calls).to.deep.equal([{ type: 'major', execution: 'sync', flavor: 'last-resort' }]);
      expect(reductions).to.deep.equal([[200, 120]]);
      // grows again by more than growthMb: one more
      rss = 130 * 1024 * 1024;
      while (calls.length === 1 && Date.now() < deadline) await sleep(5);
      expect(calls).to.have.length(2);
    } finally {
      stop();
    }
  });

  it('does nothing without an exposed gc', () => {
    let read = false;
    const stop = startMemoryReducer({
      gc: undefined,
      intervalMs: 1,
      rss: () => {
        read = true;
        return 0;
      },
    });
    stop();
    expect(read).to.equal(false);
  });
});
