// The one outcome → status + Event function: each kind gives the conditions and the Event its call
// sites used to build by hand, and the bookkeeping (observedGeneration, lastTransitionTime) of nextStatus.
import { expect } from 'chai';
import { getCondition } from '../src/controller/conditions.ts';
import { RetryableError, TerminalError } from '../src/controller/errors.ts';
import { outcomeOfError, settle } from '../src/controller/outcome.ts';
import type { Outcome } from '../src/controller/outcome.ts';
import { conds, nextStatus } from '../src/controller/table-status.ts';
import type { TableStatus } from '../src/controller/table-status.ts';

const cond = (s: TableStatus, type: string) => {
  const c = getCondition(s.conditions, type);
  return c ? { status: c.status, reason: c.reason, message: c.message } : undefined;
};

const readyTable = nextStatus(
  { tableArn: 'arn', syncedGeneration: 1 },
  {},
  conds(1, [true, 'Available', 'table t is ACTIVE and matches the spec'], [true, 'InSync', 'in sync']),
  't0',
);

describe('outcome → status and Event (one function)', () => {
  it('terminal: Ready, Synced and Terminal say it, kstatus Stalled, a Warning Event, the patch merged', () => {
    const { status, event } = settle(
      readyTable,
      { kind: 'terminal', reason: 'TableNotOwned', message: 'not ours', patch: { tableArn: undefined } },
      2,
      't1',
    );
    for (const type of ['Ready', 'Synced', 'Terminal', 'Stalled']) {
      expect(cond(status, type), type).to.deep.include({ reason: 'TableNotOwned', message: 'not ours' });
    }
    expect(cond(status, 'Terminal')?.status).to.equal('True');
    expect(cond(status, 'Ready')?.status).to.equal('False');
    expect(status.ready).to.equal(false);
    expect(status).to.not.have.property('tableArn');
    expect(event).to.deep.equal({ type: 'Warning', reason: 'TableNotOwned', message: 'not ours', when: 'always' });
  });

  it('blocked: not Terminal but Reconciling; the fix goes on Ready only; the Event has the bare message', () => {
    const { status, event } = settle(
      undefined,
      { kind: 'blocked', reason: 'ProviderNotFound', message: 'no provider', fix: 'create it' },
      3,
      't',
    );
    expect(cond(status, 'Ready')).to.deep.equal({
      status: 'False',
      reason: 'ProviderNotFound',
      message: 'no provider; create it',
    });
    expect(cond(status, 'Synced')).to.deep.equal({
      status: 'False',
      reason: 'ProviderNotFound',
      message: 'no provider',
    });
    expect(cond(status, 'Terminal')?.status).to.equal('False');
    expect(cond(status, 'Reconciling')?.status).to.equal('True');
    expect(status.observedGeneration).to.equal(3);
    expect(event).to.deep.equal({
      type: 'Warning',
      reason: 'ProviderNotFound',
      message: 'no provider',
      when: 'always',
    });
  });

  it('blocked with a more precise Synced reason keeps the outcome reason on Ready and the Event', () => {
    const { status, event } = settle(
      undefined,
      { kind: 'blocked', reason: 'ProviderNotReady', message: 'bad', syncedReason: 'SecretNotFound' },
      1,
      't',
    );
    expect(cond(status, 'Ready')?.reason).to.equal('ProviderNotReady');
    expect(cond(status, 'Synced')?.reason).to.equal('SecretNotFound');
    expect(event?.reason).to.equal('ProviderNotReady');
  });

  it('progressing: no Event unless given; Synced may say something else than Ready', () => {
    const quiet = settle(
      undefined,
      { kind: 'progressing', reason: 'Importing', message: 'import IN_PROGRESS' },
      1,
      't',
    );
    expect(quiet.event).to.equal(undefined);
    expect(cond(quiet.status, 'Synced')).to.deep.include({ reason: 'Importing', message: 'import IN_PROGRESS' });
    const sent: Outcome = {
      kind: 'progressing',
      reason: 'Creating',
      message: 'table t is being created',
      syncedMessage: 'CreateTable sent',
      patch: { tableStatus: 'CREATING' },
      event: { type: 'Normal', reason: 'Creating', message: 'CreateTable sent for t' },
    };
    const { status, event } = settle(undefined, sent, 1, 't');
    expect(cond(status, 'Ready')).to.deep.equal({
      status: 'False',
      reason: 'Creating',
      message: 'table t is being created',
    });
    expect(cond(status, 'Synced')).to.deep.equal({ status: 'False', reason: 'Creating', message: 'CreateTable sent' });
    expect(status.tableStatus).to.equal('CREATING');
    expect(event).to.deep.equal({
      type: 'Normal',
      reason: 'Creating',
      message: 'CreateTable sent for t',
      when: 'always',
    });
  });

  it('retrying: a Ready table stays Ready (a passing error), a deleting one does not', () => {
    const passing = settle(
      readyTable,
      { kind: 'retrying', reason: 'Throttling', message: 'slow', deleting: false },
      1,
      't1',
    );
    expect(cond(passing.status, 'Ready')).to.deep.include({ status: 'True', reason: 'Available' });
    expect(cond(passing.status, 'Synced')).to.deep.equal({ status: 'False', reason: 'Throttling', message: 'slow' });
    expect(passing.event).to.deep.include({ type: 'Warning', reason: 'Throttling' });
    const deleting = settle(
      readyTable,
      { kind: 'retrying', reason: 'Throttling', message: 'slow', deleting: true },
      1,
      't1',
    );
    expect(cond(deleting.status, 'Ready')).to.deep.include({ status: 'False', reason: 'Throttling' });
  });

  it('converged: the Ready Event once, when the table becomes Ready (after the write), never again', () => {
    const ok: Outcome = {
      kind: 'converged',
      ready: { ok: true, reason: 'Available', message: 'table t is ACTIVE and matches the spec' },
      synced: { ok: true, reason: 'InSync', message: 'in sync' },
      patch: { syncedGeneration: 1 },
    };
    const first = settle({ tableArn: 'arn' }, ok, 1, 't');
    expect(first.status.ready).to.equal(true);
    expect(first.event).to.deep.equal({
      type: 'Normal',
      reason: 'Ready',
      message: 'table t is ACTIVE and matches the spec',
      when: 'written',
    });
    expect(settle(first.status, ok, 1, 't2').event).to.equal(undefined);
    const notYet = settle({}, { ...ok, ready: { ok: false, reason: 'IndexesNotActive', message: 'm' } }, 1, 't');
    expect(notYet.event).to.equal(undefined);
    expect(cond(notYet.status, 'Reconciling')?.status).to.equal('True');
  });

  it('conditions: the given set as it is; a newMessage Event only when the Synced message changes', () => {
    const set = conds(1, [false, 'Paused', 'paused'], [false, 'Paused', 'paused (a)']);
    const o: Outcome = {
      kind: 'conditions',
      set,
      event: { type: 'Normal', reason: 'Paused', message: 'paused (a)', when: 'newMessage' },
    };
    const first = settle(readyTable, o, 1, 't');
    expect(cond(first.status, 'Synced')).to.deep.equal({ status: 'False', reason: 'Paused', message: 'paused (a)' });
    expect(first.event).to.deep.include({ reason: 'Paused', when: 'always' });
    expect(settle(first.status, o, 1, 't2').event).to.equal(undefined);
    const written = settle(readyTable, { ...o, event: { ...o.event!, when: 'written' } }, 1, 't');
    expect(written.event?.when).to.equal('written');
  });

  it('event: null silences the Event a kind implies', () => {
    const { event } = settle(
      undefined,
      { kind: 'terminal', reason: 'ImportFailed', message: 'm', event: null },
      1,
      't',
    );
    expect(event).to.equal(undefined);
  });

  it('lastTransitionTime moves only when a condition flips; observedGeneration follows each write', () => {
    const blocked: Outcome = { kind: 'blocked', reason: 'ProviderNotReady', message: 'm' };
    const a = settle(readyTable, blocked, 1, 't1').status;
    expect(getCondition(a.conditions, 'Ready')?.lastTransitionTime).to.equal('t1');
    expect(getCondition(a.conditions, 'Terminal')?.lastTransitionTime).to.equal('t0');
    const b = settle(a, { ...blocked, message: 'other' }, 2, 't2').status;
    expect(getCondition(b.conditions, 'Ready')?.lastTransitionTime).to.equal('t1');
    expect(b.observedGeneration).to.equal(2);
    expect(getCondition(b.conditions, 'Ready')?.observedGeneration).to.equal(2);
  });

  it('typed errors map to terminal and retrying; any other error to no outcome', () => {
    expect(outcomeOfError(new TerminalError('InvalidSpec', 'bad'), false)).to.deep.equal({
      kind: 'terminal',
      reason: 'InvalidSpec',
      message: 'bad',
    });
    expect(outcomeOfError(new RetryableError('Throttling', 'slow'), true)).to.deep.equal({
      kind: 'retrying',
      reason: 'Throttling',
      message: 'slow',
      deleting: true,
    });
    expect(outcomeOfError(new Error('x'), false)).to.equal(undefined);
  });
});
