// kstatus reads Reconciling=True as InProgress, Stalled=True as Failed, and compares
// status.observedGeneration with metadata.generation first: the derivation in nextStatus must give
// every status write those three. The e2e (test/e2e/kstatus.test.ts) asks the real library.
import { expect } from 'chai';
import { getCondition } from '../src/controller/conditions.ts';
import { conds, nextStatus, statusInSync } from '../src/controller/table-status.ts';

const msg = 'm';

describe('kstatus conditions, derived in one place', () => {
  it('creating: Reconciling=True with the Synced reason, Stalled=False, observedGeneration set', () => {
    const s = nextStatus(undefined, {}, conds(3, [false, 'Creating', msg], [false, 'Creating', msg]), 't');
    expect(s.observedGeneration).to.equal(3);
    expect(getCondition(s.conditions, 'Reconciling')).to.include({ status: 'True', reason: 'Creating' });
    expect(getCondition(s.conditions, 'Stalled')).to.include({ status: 'False', observedGeneration: 3 });
  });

  it('Terminal=True is Stalled=True with its reason and message, and not Reconciling', () => {
    const s = nextStatus(
      undefined,
      {},
      conds(2, [false, 'X', msg], [false, 'X', msg], [true, 'ValidationException', 'bad']),
      't',
    );
    expect(getCondition(s.conditions, 'Stalled')).to.include({
      status: 'True',
      reason: 'ValidationException',
      message: 'bad',
    });
    expect(getCondition(s.conditions, 'Reconciling')?.status).to.equal('False');
  });

  it('Ready and Synced: neither Reconciling nor Stalled', () => {
    const s = nextStatus(undefined, {}, conds(1, [true, 'Available', msg], [true, 'InSync', msg]), 't');
    expect(getCondition(s.conditions, 'Reconciling')?.status).to.equal('False');
    expect(getCondition(s.conditions, 'Stalled')?.status).to.equal('False');
  });

  it('a Ready table with a retried error is still Reconciling (Synced=False: not done)', () => {
    const s = nextStatus(undefined, {}, conds(1, [true, 'Available', msg], [false, 'Throttling', 'slow']), 't');
    expect(getCondition(s.conditions, 'Reconciling')).to.include({ status: 'True', reason: 'Throttling' });
  });

  it('a new generation moves observedGeneration on the first write, not only when converged', () => {
    const s1 = nextStatus(undefined, {}, conds(1, [true, 'Available', msg], [true, 'InSync', msg]), 't1');
    const s2 = nextStatus(s1, {}, conds(2, [false, 'ProviderNotReady', msg], [false, 'ProviderNotReady', msg]), 't2');
    expect(s2.observedGeneration).to.equal(2);
    expect(getCondition(s2.conditions, 'Reconciling')?.lastTransitionTime).to.equal('t2');
  });

  it('statusInSync keys on syncedGeneration (the converged one), not on observedGeneration', () => {
    const s = nextStatus(
      { tableArn: 'arn', syncedGeneration: 1 },
      {},
      conds(2, [true, 'A', msg], [true, 'S', msg]),
      't',
    );
    expect(s.observedGeneration).to.equal(2);
    expect(statusInSync(s, 2)).to.equal(false);
    expect(statusInSync({ ...s, syncedGeneration: 2 }, 2)).to.equal(true);
  });
});
