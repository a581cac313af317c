import { expect } from 'chai';
import { decideLease, microTime, sameRecord } from '../src/leader/decide.ts';
import { LeaderGate, NotLeaderError } from '../src/leader/gate.ts';

describe('decideLease', () => {
  const me = 'me';
  const L = 15_000;
  it('creates a missing lease', () => {
    expect(decideLease(undefined, 0, 0, me, L)).to.equal('create');
  });
  it('renews its own lease', () => {
    expect(decideLease({ holderIdentity: me, leaseDurationSeconds: 15 }, 0, 100_000, me, L)).to.equal('renew');
  });
  it('waits while another holder’s lease is unexpired by OUR clock since we observed it', () => {
    const rec = { holderIdentity: 'other', leaseDurationSeconds: 15, renewTime: '1970-01-01T00:00:00.000000Z' };
    // renewTime is ancient, but we only saw this record 5s ago: must still wait.
    expect(decideLease(rec, 95_000, 100_000, me, L)).to.equal('wait');
    expect(decideLease(rec, 85_000, 100_000, me, L)).to.equal('acquire');
  });
  it('acquires a released lease at once', () => {
    expect(decideLease({ holderIdentity: '', leaseDurationSeconds: 1 }, 99_999, 100_000, me, L)).to.equal('acquire');
  });
  it('compares records by holder, times and transitions', () => {
    expect(sameRecord({ holderIdentity: 'a', renewTime: 'x' }, { holderIdentity: 'a', renewTime: 'x' })).to.equal(true);
    expect(sameRecord({ holderIdentity: 'a', renewTime: 'x' }, { holderIdentity: 'a', renewTime: 'y' })).to.equal(
      false,
    );
  });
  it('writes MicroTime with microseconds', () => {
    expect(microTime(Date.UTC(2025, 0, 2, 3, 4, 5, 678))).to.equal('2025-01-02T03:04:05.678000Z');
  });
});

describe('LeaderGate', () => {
  it('refuses AWS calls outside a leadership term and aborts the term’s signal on loss', () => {
    let leader = true;
    const g = new LeaderGate(() => leader);
    expect(() => g.signal()).to.throw(NotLeaderError);
    g.begin();
    const s = g.signal();
    expect(s.aborted).to.equal(false);
    leader = false; // renew deadline passed
    expect(() => g.signal()).to.throw(NotLeaderError);
    leader = true;
    g.end();
    expect(s.aborted).to.equal(true);
    expect(() => g.signal()).to.throw(NotLeaderError);
  });
});
