// The steady-state read rotation (pure): one read per resync, the most overdue first, nothing starves;
// and the one-aspect check it relies on gives exactly the steps a full observation would.
import { expect } from 'chai';
import { plan } from '@dynamodb-operator/api';
import type { ObservedTable, PlanStep, TableModel } from '@dynamodb-operator/api';
import { model, observedFor } from '../../api/test/plan.helpers.ts';
import { aspectSteps, markRead, nextRead, neverRead } from '../src/update/index.ts';
import type { AspectReading } from '../src/update/steady-read.ts';
import type { ReadKind, ReadTimes, RotationPeriods } from '../src/update/index.ts';

const MIN = 60_000;

/** `n` resyncs after a full read at t=1, each `resync * (1 ± jitter)` apart; the read chosen at each. */
function simulate(
  p: RotationPeriods,
  n: number,
  jitter = 0,
  random = seeded(7),
): { reads: (ReadKind | 'all')[]; maxGap: Record<ReadKind, number> } {
  const last: ReadTimes = neverRead();
  markRead(last, 'all', 1);
  let t = 1;
  const reads: (ReadKind | 'all')[] = [];
  const maxGap: Record<ReadKind, number> = { describe: 0, ttl: 0, pitr: 0, tags: 0, policy: 0 };
  for (let i = 0; i < n; i++) {
    t += p.resyncMs * (1 - jitter + 2 * jitter * random());
    const r = nextRead(true, last, t, p);
    reads.push(r);
    if (r !== 'all') {
      if (i > 20) maxGap[r] = Math.max(maxGap[r], t - last[r]);
      markRead(last, r, t);
    }
  }
  return { reads, maxGap };
}

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

describe('read rotation (steady state)', () => {
  const dflt = { resyncMs: 10 * MIN, driftCheckMs: 60 * MIN };

  it('reads everything when not steady or when something was never read by this process', () => {
    const last = neverRead();
    markRead(last, 'all', 1000);
    expect(nextRead(false, last, 1000 + 10 * MIN, dflt)).to.equal('all');
    expect(nextRead(true, { ...last, pitr: 0 }, 1000 + 10 * MIN, dflt)).to.equal('all');
    expect(nextRead(true, last, 1000 + 10 * MIN, dflt)).to.equal('describe');
  });

  it('the resource policy is a deep read only for a table with one: its own turn, never read otherwise', () => {
    const last = neverRead();
    markRead(last, 'all', 1);
    const seen = (extra: readonly 'policy'[]) => {
      const l = { ...last };
      const out = new Set<string>();
      for (let t = 1 + 10 * MIN; t < 1 + 5 * 60 * MIN; t += 10 * MIN) {
        const r = nextRead(true, l, t, dflt, extra);
        out.add(r);
        if (r !== 'all') markRead(l, r, t);
      }
      return out;
    };
    expect(seen(['policy']).has('policy')).to.equal(true);
    expect(seen([]).has('policy')).to.equal(false);
    expect(nextRead(true, { ...last, policy: 0 }, 1 + 10 * MIN, dflt, ['policy'])).to.equal('all');
    expect(nextRead(true, { ...last, policy: 0 }, 1 + 10 * MIN, dflt)).to.equal('describe');
  });

  it('10 min resync, 1 h drift check: 3 DescribeTable + 3 deep reads per 6 resyncs, one read each', () => {
    const { reads } = simulate(dflt, 18);
    expect(reads.slice(0, 12)).to.deep.equal([
      'describe',
      'describe',
      'describe',
      'describe',
      'describe',
      'ttl',
      'describe',
      'pitr',
      'describe',
      'tags',
      'describe',
      'ttl',
    ]);
    const cycle = reads.slice(12, 18);
    expect(cycle.filter((r) => r === 'describe')).to.have.length(3);
    expect([...cycle.filter((r) => r !== 'describe')].sort()).to.deep.equal(['pitr', 'tags', 'ttl']);
  });

  it('with the resync jitter (±10%): DescribeTable at least every other resync, each deep read within 1.3 drift periods', () => {
    for (const p of [dflt, { resyncMs: 20_000, driftCheckMs: 120_000 }]) {
      const { reads, maxGap } = simulate(p, 3000, 0.1);
      expect(reads).to.not.include('all');
      expect(maxGap.describe).to.be.at.most(2.2 * p.resyncMs);
      for (const k of ['ttl', 'pitr', 'tags'] as const) expect(maxGap[k]).to.be.at.most(1.3 * p.driftCheckMs, k);
      const share = reads.filter((r) => r === 'describe').length / reads.length;
      expect(share).to.be.within(0.5, 0.6);
    }
  });

  it('a drift check shorter than the resync does not starve DescribeTable: round robin of the four', () => {
    const { reads, maxGap } = simulate({ resyncMs: 10 * MIN, driftCheckMs: 5_000 }, 400, 0.1);
    for (const k of ['describe', 'ttl', 'pitr', 'tags'] as const) {
      expect(reads.filter((r) => r === k).length).to.be.within(95, 105, k);
      expect(maxGap[k]).to.be.at.most(4.5 * 10 * MIN, k);
    }
  });
});

describe('one-aspect check of the rotation (aspectSteps)', () => {
  const d: TableModel = model({
    tableName: 'rot',
    timeToLive: { enabled: true, attributeName: 'exp', path: 'spec.timeToLive' },
    pointInTimeRecovery: { enabled: true, path: 'spec.pointInTimeRecovery' },
    tags: { Team: 'a' },
  });
  const opts = { managedTagKeys: ['Team', 'Old'], extraTags: { owner: 'me' }, now: new Date('2026-01-01T00:00:00Z') };
  const readings: AspectReading[] = [
    { aspect: 'ttl', value: { TimeToLiveStatus: 'DISABLED' } },
    { aspect: 'ttl', value: { TimeToLiveStatus: 'ENABLED', AttributeName: 'exp' } },
    { aspect: 'ttl', value: { TimeToLiveStatus: 'ENABLED', AttributeName: 'other' } },
    { aspect: 'pitr', value: { PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' } } },
    { aspect: 'pitr', value: { PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'ENABLED' } } },
    {
      aspect: 'tags',
      value: [
        { Key: 'Team', Value: 'a' },
        { Key: 'owner', Value: 'me' },
      ],
    },
    {
      aspect: 'tags',
      value: [
        { Key: 'Team', Value: 'b' },
        { Key: 'Old', Value: 'x' },
        { Key: 'owner', Value: 'me' },
      ],
    },
  ];

  /** The same reading inside a full observation of an otherwise converged table. */
  function full(r: AspectReading): ObservedTable {
    const o = observedFor(d);
    if (r.aspect === 'ttl') {
      const s = r.value.TimeToLiveStatus;
      o.ttl = {
        status: s === 'ENABLED' ? 'ENABLED' : 'DISABLED',
        ...(r.value.AttributeName ? { attributeName: r.value.AttributeName } : {}),
      };
    }
    if (r.aspect === 'pitr') {
      const on = r.value.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus === 'ENABLED';
      o.pointInTimeRecovery = { enabled: on, ...(on ? { recoveryPeriodInDays: 35 } : {}) };
    }
    if (r.aspect === 'tags') o.tags = Object.fromEntries(r.value.map((t) => [t.Key ?? '', t.Value ?? '']));
    return o;
  }

  it('gives exactly the steps a full observation plans for that aspect, and only those', () => {
    const kinds: Record<string, PlanStep['kind'][]> = {
      ttl: ['updateTtl'],
      pitr: ['updatePitr'],
      tags: ['untagResource', 'tagResource'],
    };
    for (const r of readings) {
      const want = plan(d, full(r), opts).filter((s) => kinds[r.aspect]?.includes(s.kind));
      expect(aspectSteps(d, r, opts), JSON.stringify(r)).to.deep.equal(want);
    }
  });

  it('finds nothing when the aspect matches, and the difference when it does not', () => {
    expect(readings.map((r) => aspectSteps(d, r, opts).map((s) => s.kind))).to.deep.equal([
      ['updateTtl'],
      [],
      ['updateTtl', 'updateTtl'],
      ['updatePitr'],
      [],
      [],
      ['untagResource', 'tagResource'],
    ]);
  });
});
