import { expect } from 'chai';
import fc from 'fast-check';
import { RateLimiter } from '../src/queue/rate-limiter.ts';
import { WorkQueue } from '../src/queue/workqueue.ts';
import { makeMetrics } from '../src/observability/metrics.ts';
import { jitter } from '../src/controller/controller.ts';

describe('WorkQueue', () => {
  it('de-duplicates a key that is waiting', async () => {
    const q = new WorkQueue('t');
    q.add('a');
    q.add('a');
    q.add('b');
    expect(q.length).to.equal(2);
    expect(await q.get()).to.equal('a');
    expect(await q.get()).to.equal('b');
    q.shutDown();
  });

  it('never hands a key being processed to a second worker; re-queues it on done()', async () => {
    const q = new WorkQueue('t');
    q.add('a');
    const k = await q.get();
    q.add('a'); // while processing
    expect(q.length).to.equal(0);
    q.done(k as string);
    expect(q.length).to.equal(1);
    expect(await q.get()).to.equal('a');
    q.shutDown();
  });

  it('wakes a waiting worker and returns undefined after shutdown', async () => {
    const q = new WorkQueue('t');
    const p = q.get();
    q.add('x');
    expect(await p).to.equal('x');
    const p2 = q.get();
    q.shutDown();
    expect(await p2).to.equal(undefined);
  });

  it('keeps one timer per key: schedule replaces the previous one', async () => {
    const q = new WorkQueue('t');
    q.schedule('a', 60_000);
    q.schedule('a', 10);
    expect(q.hasTimer('a')).to.equal(true);
    const got = await q.get();
    expect(got).to.equal('a');
    expect(q.hasTimer('a')).to.equal(false);
    q.shutDown();
  });

  it('model check: every added key is handed out exactly once per add-while-idle, never concurrently', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 40 }), async (adds) => {
        const q = new WorkQueue('m');
        const processing = new Set<string>();
        for (const k of adds) q.add(k);
        const distinct = new Set(adds);
        const seen: string[] = [];
        while (q.length > 0) {
          const k = (await q.get()) as string;
          expect(processing.has(k)).to.equal(false);
          processing.add(k);
          seen.push(k);
          processing.delete(k);
          q.done(k);
        }
        expect(new Set(seen)).to.deep.equal(distinct);
        expect(seen.length).to.equal(distinct.size);
        q.shutDown();
      }),
    );
  });
});

describe('RateLimiter (client-go defaults)', () => {
  it('backs off exponentially per key from 5ms with ±10% jitter and forgets on success', () => {
    const r = new RateLimiter({ random: () => 0.5, burst: 1000 });
    expect(r.when('k')).to.equal(5);
    expect(r.when('k')).to.equal(10);
    expect(r.when('k')).to.equal(20);
    expect(r.when('other')).to.equal(5);
    r.forget('k');
    expect(r.when('k')).to.equal(5);
    const lo = new RateLimiter({ random: () => 0, burst: 1000 }).when('x');
    const hi = new RateLimiter({ random: () => 0.999999, burst: 1000 }).when('x');
    expect(lo).to.be.closeTo(4.5, 1e-9);
    expect(hi).to.be.closeTo(5.5, 1e-3);
  });

  it('caps the per-key delay at 1000s', () => {
    const r = new RateLimiter({ random: () => 0.5, burst: 10_000 });
    let d = 0;
    for (let i = 0; i < 40; i++) d = r.when('k');
    expect(d).to.equal(1_000_000);
  });

  it('limits all retries together to 10 qps after a burst of 100', () => {
    let now = 0;
    const r = new RateLimiter({ now: () => now, random: () => 0.5 });
    for (let i = 0; i < 100; i++) expect(r.when(`k${i}`)).to.equal(5);
    expect(r.when('k100')).to.be.closeTo(100, 1e-6);
    expect(r.when('k101')).to.be.closeTo(200, 1e-6);
    now = 10_000;
    expect(r.when('k102')).to.equal(5);
  });
});

describe('jitter', () => {
  it('stays within ±10% of the period', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 3_600_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (ms, r) => {
          const j = jitter(ms, 0.1, () => r);
          return j >= ms * 0.9 - 1 && j <= ms * 1.1 + 1;
        },
      ),
    );
  });

  it('publishes the unfinished work while a key is processed, and zero once done', async function () {
    this.timeout(10_000);
    const metrics = makeMetrics(false);
    const q = new WorkQueue('gauge', metrics);
    const unfinished = async () =>
      (await metrics.wqUnfinished.get()).values.find((v) => v.labels.name === 'gauge')?.value;
    const until = async (ok: (v: number | undefined) => boolean) => {
      for (let v = await unfinished(); !ok(v); v = await unfinished()) await new Promise((r) => setTimeout(r, 50));
    };
    q.add('a');
    const k = (await q.get()) as string;
    await until((v) => v !== undefined && v > 0);
    q.done(k);
    await until((v) => v === 0);
    q.shutDown();
  });
});
