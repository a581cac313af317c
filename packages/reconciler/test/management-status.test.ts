// Paused and observe-only objects are never Failed for kstatus, and are Current only when no work is
// owed: the conditions nextStatus derives from the pure decisions in management-status.ts.
import { expect } from 'chai';
import { observedFromAws } from '@dynamodb-operator/api';
import { getCondition } from '../src/controller/conditions.ts';
import { keyDrift, observedConditions, pausedConditions } from '../src/controller/management-status.ts';
import { prepareTable } from '../src/controller/prepare.ts';
import { conds, nextStatus } from '../src/controller/table-status.ts';
import type { TableStatus } from '../src/controller/table-status.ts';

const k = (s: TableStatus, type: string) => getCondition(s.conditions, type);
const readyAt = (gen: number): TableStatus => ({
  ...nextStatus(undefined, {}, conds(gen, [true, 'Available', 'ok'], [true, 'InSync', 'ok']), 't'),
  syncedGeneration: gen,
});

describe('paused and observe-only conditions', () => {
  it('paused with nothing pending: stays Ready, Synced=False Paused, Reconciling=False (kstatus Current)', () => {
    const prev = readyAt(4);
    const s = nextStatus(
      prev,
      {},
      pausedConditions({ status: prev, generation: 4, deleting: false, deletionPolicy: 'Delete', invalid: [] }),
      't2',
    );
    expect(k(s, 'Ready')).to.include({ status: 'True', reason: 'Available' });
    expect(k(s, 'Synced')).to.include({ status: 'False', reason: 'Paused' });
    expect(k(s, 'Synced')?.message).to.contain('no AWS call is made').and.contain('remove the annotation');
    expect(k(s, 'Reconciling')).to.include({ status: 'False', reason: 'Paused' });
    expect(k(s, 'Stalled')?.status).to.equal('False');
  });

  it('paused with a spec change pending: Ready=False Paused, Reconciling=True (InProgress), never Stalled', () => {
    const prev = readyAt(4);
    const s = nextStatus(
      prev,
      {},
      pausedConditions({ status: prev, generation: 5, deleting: false, deletionPolicy: 'Delete', invalid: [] }),
      't2',
    );
    expect(k(s, 'Ready')).to.include({ status: 'False', reason: 'Paused' });
    expect(k(s, 'Ready')?.message).to.contain('generation 5 of the spec is not applied yet');
    expect(k(s, 'Reconciling')).to.include({ status: 'True', reason: 'Paused' });
    expect(k(s, 'Stalled')?.status).to.equal('False');
    expect(s.observedGeneration).to.equal(5);
  });

  it('paused while deleting: says the deletion waits, the policy, and the way out', () => {
    const set = pausedConditions({
      status: readyAt(1),
      generation: 1,
      deleting: true,
      deletionPolicy: 'Orphan',
      invalid: [],
    });
    expect(set.ready).to.include({ status: 'False', reason: 'Paused' });
    expect(set.ready.message)
      .to.contain('deletion waits')
      .and.contain('deletionPolicy Orphan')
      .and.contain('finalizer');
  });

  it('an invalid paused value is named in the condition and read as paused', () => {
    const set = pausedConditions({
      status: {},
      generation: 1,
      deleting: false,
      deletionPolicy: 'Delete',
      invalid: ['metadata.annotations[x]: must be "true" or "false"'],
    });
    expect(set.synced.message).to.contain('read as paused until fixed');
  });

  it('observe: matching table is Ready and Synced; drift is Synced=False DriftDetected yet Current (nothing will be done)', () => {
    const ok = nextStatus(
      undefined,
      {},
      observedConditions({ generation: 2, tableName: 't', tableStatus: 'ACTIVE', active: true, drift: [] }),
      't',
    );
    expect(k(ok, 'Ready')).to.include({ status: 'True', reason: 'Observed' });
    expect(k(ok, 'Synced')).to.include({ status: 'True', reason: 'Observed' });
    expect(k(ok, 'Reconciling')?.status).to.equal('False');
    const drift = nextStatus(
      undefined,
      {},
      observedConditions({
        generation: 2,
        tableName: 't',
        tableStatus: 'ACTIVE',
        active: true,
        drift: ['PITR is off in AWS, the spec says on'],
      }),
      't',
    );
    expect(k(drift, 'Synced')).to.include({ status: 'False', reason: 'DriftDetected' });
    expect(k(drift, 'Synced')?.message).to.contain('not repaired').and.contain('PITR is off');
    expect(k(drift, 'Reconciling')).to.include({ status: 'False', reason: 'Observing' });
    expect(k(drift, 'Stalled')?.status).to.equal('False');
  });

  it('observe: a missing table says it is not created and how to go on; not Stalled', () => {
    const s = nextStatus(
      undefined,
      {},
      observedConditions({ generation: 1, tableName: 't', tableStatus: undefined, active: false, drift: [] }),
      't',
    );
    expect(k(s, 'Ready')).to.include({ status: 'False', reason: 'TableNotFound' });
    expect(k(s, 'Ready')?.message).to.contain('not created').and.contain('remove the annotation');
    expect(k(s, 'Stalled')?.status).to.equal('False');
  });

  it('keyDrift: a different key schema or LSI of an observed table is named', () => {
    const prepared = prepareTable(
      {
        apiVersion: 'aws-infra-operator.runner.codes/v1alpha1',
        kind: 'DynamoDBTable',
        metadata: { name: 'x', namespace: 'n' },
        spec: { tableName: 'orders', providerRef: { name: 'p' }, hashKey: { name: 'id', type: 'S' } },
      },
      { operatorTags: {} },
    );
    if (!prepared.ok) throw new Error(prepared.message);
    const same = observedFromAws({ TableName: 'orders', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] });
    expect(keyDrift(prepared.model, same)).to.deep.equal([]);
    const other = observedFromAws({
      TableName: 'orders',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      LocalSecondaryIndexes: [{ IndexName: 'by-x', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] }],
    });
    expect(keyDrift(prepared.model, other)).to.deep.equal([
      'key schema is pk HASH, sk RANGE in AWS, the spec says id HASH',
      'LSI by-x exists in AWS but not in the spec',
    ]);
  });
});
