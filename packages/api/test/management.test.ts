// The management annotations: read cautiously (a bad value never lets the operator write), and the
// admission rules refuse bad values with the fix and warn about what could surprise.
import { expect } from 'chai';
import {
  MANAGEMENT_POLICY_ANNOTATION,
  MANAGEMENT_POLICY_PATH,
  PAUSED_ANNOTATION,
  PAUSED_PATH,
  managementAction,
  readManagement,
  validateObject,
} from '../src/index.ts';

const table = (annotations: Record<string, string> = {}, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'aws-infra-operator.runner.codes/v1alpha1',
  kind: 'DynamoDBTable',
  metadata: { name: 't', namespace: 'ns', annotations },
  spec: { tableName: 'orders', providerRef: { name: 'p' }, hashKey: { name: 'id', type: 'S' }, ...spec },
});

describe('management annotations (paused, management-policy)', () => {
  it('reads none as Full and not paused; "true"/"false" and Full/Observe as written', () => {
    expect(readManagement(undefined)).to.deep.equal({ paused: false, policy: 'Full', errors: [] });
    expect(readManagement({ [PAUSED_ANNOTATION]: 'true' })).to.include({ paused: true, policy: 'Full' });
    expect(readManagement({ [PAUSED_ANNOTATION]: 'false' })).to.include({ paused: false });
    expect(readManagement({ [MANAGEMENT_POLICY_ANNOTATION]: 'Observe' })).to.include({ policy: 'Observe' });
    expect(readManagement({ [MANAGEMENT_POLICY_ANNOTATION]: 'Full' })).to.include({ policy: 'Full' });
  });

  it('reads an invalid value the way that writes nothing: paused, Observe — with an error naming the fix', () => {
    const m = readManagement({ [PAUSED_ANNOTATION]: 'True', [MANAGEMENT_POLICY_ANNOTATION]: 'observe' });
    expect(m).to.include({ paused: true, policy: 'Observe' });
    expect(m.errors.map((e) => e.path)).to.deep.equal([PAUSED_PATH, MANAGEMENT_POLICY_PATH]);
    expect(m.errors[0]?.message).to.contain('must be "true" or "false", got "True"');
    expect(m.errors[1]?.message).to.contain('must be Full or Observe, got "observe"');
  });

  it('decides one action: paused wins over everything; observe releases a deleting object', () => {
    expect(managementAction({ paused: true, policy: 'Observe' }, true)).to.equal('paused');
    expect(managementAction({ paused: true, policy: 'Full' }, false)).to.equal('paused');
    expect(managementAction({ paused: false, policy: 'Observe' }, false)).to.equal('observe');
    expect(managementAction({ paused: false, policy: 'Observe' }, true)).to.equal('release');
    expect(managementAction({ paused: false, policy: 'Full' }, true)).to.equal('full');
  });

  it('admission: refuses invalid values at their annotation path', () => {
    const r = validateObject(table({ [PAUSED_ANNOTATION]: 'yes', [MANAGEMENT_POLICY_ANNOTATION]: '*' }));
    expect(r.errors.map((e) => e.path)).to.deep.equal([PAUSED_PATH, MANAGEMENT_POLICY_PATH]);
    expect(validateObject(table({ [PAUSED_ANNOTATION]: 'true' })).errors).to.deep.equal([]);
  });

  const all = (r: { warnings: string[] }) => r.warnings.join('\n');
  const fits = (r: { warnings: string[] }) => {
    for (const w of r.warnings) expect(w.length, w).to.be.at.most(120);
  };

  it('admission: Observe warns once (on create or when turned on) that the table must exist and is never deleted', () => {
    const observe = { [MANAGEMENT_POLICY_ANNOTATION]: 'Observe' };
    const created = validateObject(table(observe, { deletionPolicy: 'Delete' }));
    expect(created.errors).to.deep.equal([]);
    fits(created);
    expect(all(created)).to.contain('management-policy Observe: the table must exist').and.contain('Delete ignored');
    const retained = validateObject(table(observe, { deletionPolicy: 'Retain' }));
    expect(all(retained)).to.contain('must exist').and.not.contain('Delete ignored');
    // Re-applied unchanged: no warning again.
    expect(all(validateObject(table(observe), table(observe)))).to.not.contain('must exist');
  });

  it('admission: Observe → Full warns that the table will be changed, and that a foreign table needs adopt', () => {
    const old = {
      ...table({ [MANAGEMENT_POLICY_ANNOTATION]: 'Observe' }),
      status: {
        conditions: [
          {
            type: 'Synced',
            status: 'False',
            reason: 'DriftDetected',
            message: 'PITR',
            lastTransitionTime: '2026-01-01T00:00:00Z',
          },
        ],
      },
    };
    const r = validateObject(table({ [MANAGEMENT_POLICY_ANNOTATION]: 'Full' }), old);
    fits(r);
    expect(all(r)).to.contain(
      'Observe → Full: the operator will change the table to match the spec (Synced said what differs)',
    );
    expect(all(r)).to.contain('aws-infra-operator.runner.codes/adopt="true"');
    const adopting = validateObject(table({ 'aws-infra-operator.runner.codes/adopt': 'true' }), old);
    expect(all(adopting)).to.contain('Observe → Full').and.not.contain('adopt=');
  });

  it('admission: a spec change while paused warns that it waits for the pause to end', () => {
    const paused = { [PAUSED_ANNOTATION]: 'true' };
    const r = validateObject(table(paused, { streamEnabled: true }), table(paused));
    fits(r);
    expect(all(r)).to.contain('paused: this change reaches AWS only after the paused annotation is removed');
    expect(all(validateObject(table(paused), table(paused)))).to.not.contain('paused:');
  });
});
