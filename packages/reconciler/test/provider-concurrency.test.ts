// One provider must never hold every worker: a controller with groups (a table's provider) runs at
// most maxPerGroup keys of a group at once; the others are parked without an error or backoff and
// run as soon as their group has a free slot.
import { expect } from 'chai';
import { Controller } from '../src/controller/controller.ts';
import { makeLogger } from '../src/observability/log.ts';
import { GroupLimiter } from '../src/queue/group-limiter.ts';

interface Gate {
  promise: Promise<void>;
  open(): void;
}
function gate(): Gate {
  let open = (): void => {};
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

async function until(what: string, cond: () => boolean, ms = 2_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function controller(maxPerGroup: number | undefined, hung: Gate, log: string[], peak = { now: 0, max: 0 }) {
  const c = new Controller({
    name: 't',
    workers: 4,
    resyncMs: 3_600_000,
    log: makeLogger('silent'),
    exists: () => true,
    groupOf: (k) => k.split('/')[0],
    ...(maxPerGroup === undefined ? {} : { maxPerGroup }),
    reconcile: async (key) => {
      log.push(`start ${key}`);
      peak.now++;
      peak.max = Math.max(peak.max, peak.now);
      // provider "hung" never answers until the test opens the gate; "ok" answers at once
      if (key.startsWith('hung/')) await hung.promise;
      // a real reconcile awaits I/O: let other workers interleave
      await new Promise((r) => setTimeout(r, 2));
      peak.now--;
      log.push(`done ${key}`);
      return {};
    },
  });
  c.start();
  c.resume();
  return c;
}

describe('Controller per-provider concurrency', () => {
  it('a key of a healthy provider runs while a hung provider has more keys than workers', async () => {
    const hung = gate();
    const log: string[] = [];
    const c = controller(2, hung, log);
    for (let i = 0; i < 6; i++) c.enqueue(`hung/t${i}`);
    await until('two hung keys started', () => log.filter((l) => l.startsWith('start hung/')).length === 2);
    c.enqueue('ok/t');
    await until('the healthy key done', () => log.includes('done ok/t'));
    // the parked keys were neither errors nor backoffs, and only two hung keys ever ran at once
    expect(c.queue.numRequeues('hung/t2')).to.equal(0);
    expect(log.filter((l) => l.startsWith('start hung/'))).to.have.length(2);
    hung.open();
    await until('every hung key done', () => log.filter((l) => l.startsWith('done hung/')).length === 6);
    await c.stop();
  });

  it('without a limit the hung provider takes every worker (the starvation the limit prevents)', async () => {
    const hung = gate();
    const log: string[] = [];
    const c = controller(undefined, hung, log);
    for (let i = 0; i < 6; i++) c.enqueue(`hung/t${i}`);
    await until('four hung keys started', () => log.filter((l) => l.startsWith('start hung/')).length === 4);
    c.enqueue('ok/t');
    await new Promise((r) => setTimeout(r, 100));
    expect(log).to.not.include('start ok/t');
    hung.open();
    await until('the healthy key done', () => log.includes('done ok/t'));
    await c.stop();
  });

  it('runs parked keys of a group as its running keys finish, never more than the limit at once', async () => {
    const hung = gate();
    const log: string[] = [];
    const peak = { now: 0, max: 0 };
    const c = controller(2, hung, log, peak);
    for (let i = 0; i < 8; i++) c.enqueue(`hung/t${i}`);
    await until('two started', () => log.filter((l) => l.startsWith('start hung/')).length === 2);
    hung.open();
    await until('all eight done', () => log.filter((l) => l.startsWith('done hung/')).length === 8);
    expect(peak.max).to.equal(2);
    expect(new Set(log.filter((l) => l.startsWith('done')))).to.have.property('size', 8);
    await c.stop();
  });
});

describe('GroupLimiter', () => {
  it('parks keys over the limit and hands them back oldest first, one per release', () => {
    const g = new GroupLimiter(1);
    expect(g.tryAcquire('p', 'a')).to.equal(true);
    expect(g.tryAcquire('p', 'b')).to.equal(false);
    expect(g.tryAcquire('p', 'c')).to.equal(false);
    expect(g.tryAcquire('p', 'b')).to.equal(false); // parked once
    expect(g.tryAcquire('q', 'x')).to.equal(true); // other groups are not affected
    expect(g.parkedOf('p')).to.equal(2);
    expect(g.release('p')).to.equal('b');
    expect(g.inFlightOf('p')).to.equal(0);
    expect(g.tryAcquire('p', 'b')).to.equal(true);
    expect(g.release('p')).to.equal('c');
    expect(g.release('p')).to.equal(undefined);
  });
});
