// A provider's status from its check's verdict, pure: Ready, kstatus Stalled for what only a human
// changes, Reconciling for what is re-checked, and the Event only when Ready flips.
import { expect } from 'chai';
import { POLICY_DENIED } from '../src/aws/tenancy.ts';
import { getCondition } from '../src/controller/conditions.ts';
import { settleProvider } from '../src/controller/provider-status.ts';

const status = (s: { conditions?: unknown }, type: string) => getCondition(s.conditions, type)?.status;

describe('provider status from one verdict', () => {
  it('Ready: neither Reconciling nor Stalled, the accountId kept, a Normal Event on the flip', () => {
    const { status: s, event } = settleProvider(
      { ready: false },
      { ready: true, reason: 'CredentialsVerified', message: 'ok', accountId: '123' },
      4,
      't',
    );
    expect(s).to.include({ ready: true, accountId: '123', observedGeneration: 4 });
    expect([status(s, 'Ready'), status(s, 'Reconciling'), status(s, 'Stalled')]).to.deep.equal([
      'True',
      'False',
      'False',
    ]);
    expect(event).to.deep.equal({ type: 'Normal', reason: 'CredentialsVerified', message: 'ok' });
  });

  it('an invalid spec or a policy denial is Stalled; any other failure Reconciling; a Warning on the flip', () => {
    for (const reason of ['InvalidProvider', POLICY_DENIED]) {
      const { status: s, event } = settleProvider({ ready: true }, { ready: false, reason, message: 'm' }, 1, 't');
      expect([status(s, 'Stalled'), status(s, 'Reconciling')], reason).to.deep.equal(['True', 'False']);
      expect(event).to.deep.equal({ type: 'Warning', reason, message: 'm' });
    }
    const { status: s } = settleProvider(undefined, { ready: false, reason: 'Timeout', message: 'm' }, 1, 't');
    expect([status(s, 'Stalled'), status(s, 'Reconciling')]).to.deep.equal(['False', 'True']);
    expect(s).to.not.have.property('accountId');
  });

  it('no Event while Ready stays what it was; lastTransitionTime moves only on a flip', () => {
    const first = settleProvider(undefined, { ready: false, reason: 'Timeout', message: 'a' }, 1, 't1').status;
    const again = settleProvider(first, { ready: false, reason: 'EndpointUnreachable', message: 'b' }, 1, 't2');
    expect(again.event).to.equal(undefined);
    expect(getCondition(again.status.conditions, 'Ready')).to.include({
      reason: 'EndpointUnreachable',
      lastTransitionTime: 't1',
    });
  });
});
