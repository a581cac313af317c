import { expect } from 'chai';
import { classifyAwsError, isCredentialError } from '../src/aws/errors.ts';
import { getCondition, sameStatus, setCondition } from '../src/controller/conditions.ts';
import { decideOwnership, notOwnedMessage, ownershipTags, OWNER_UID_TAG } from '../src/controller/ownership.ts';
import { allActive, cond, nextStatus, observedFields } from '../src/controller/table-status.ts';
import { tableChangeMatters } from '../src/manager.ts';
import type { KubeObject } from '@dynamodb-operator/kube';
import { FINALIZER } from '../src/controller/ownership.ts';

const err = (name: string, status?: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe('classifyAwsError', () => {
  it('only ResourceNotFoundException means no such table', () => {
    expect(classifyAwsError(err('ResourceNotFoundException', 400))).to.equal('notFound');
    expect(classifyAwsError(err('ConditionalCheckFailedException', 400))).to.not.equal('notFound');
  });
  it('validation and permission errors are terminal', () => {
    for (const n of ['ValidationException', 'AccessDeniedException', 'UnrecognizedClientException']) {
      expect(classifyAwsError(err(n, 400)), n).to.equal('terminal');
    }
  });
  it('throttling, limits, in-use, 5xx and network errors are retried', () => {
    for (const n of [
      'ThrottlingException',
      'LimitExceededException',
      'ResourceInUseException',
      'InternalServerError',
    ]) {
      expect(classifyAwsError(err(n, 400)), n).to.equal('retryable');
    }
    expect(classifyAwsError(err('SomethingNew', 503))).to.equal('retryable');
    expect(classifyAwsError(Object.assign(new Error('x'), { code: 'ECONNREFUSED', name: 'Error' }))).to.equal(
      'retryable',
    );
  });
  it('recognises credential errors', () => {
    expect(isCredentialError(err('InvalidSignatureException'))).to.equal(true);
    expect(isCredentialError(err('ValidationException'))).to.equal(false);
  });
});

describe('conditions', () => {
  it('keeps lastTransitionTime while the status does not flip', () => {
    let c = setCondition(undefined, { type: 'Ready', status: 'False', reason: 'Creating', message: 'm' }, 't1');
    c = setCondition(c, { type: 'Ready', status: 'False', reason: 'Other', message: 'm2' }, 't2');
    expect(getCondition(c, 'Ready')?.lastTransitionTime).to.equal('t1');
    expect(getCondition(c, 'Ready')?.reason).to.equal('Other');
    c = setCondition(c, { type: 'Ready', status: 'True', reason: 'Available', message: 'ok' }, 't3');
    expect(getCondition(c, 'Ready')?.lastTransitionTime).to.equal('t3');
    expect(c).to.have.length(1);
  });
  it('compares statuses independent of key order, ignoring the given keys', () => {
    expect(sameStatus({ a: 1, b: { x: 1, y: 2 } }, { b: { y: 2, x: 1 }, a: 1 })).to.equal(true);
    expect(sameStatus({ a: 1, lastSyncTime: 'x' }, { a: 1, lastSyncTime: 'y' }, ['lastSyncTime'])).to.equal(true);
    expect(sameStatus({ a: 1 }, { a: 2 })).to.equal(false);
  });
  it('a second identical observation produces an identical status (no write loop)', () => {
    const d = { TableArn: 'arn', TableStatus: 'ACTIVE', ItemCount: 3, TableSizeBytes: 10 };
    const set = {
      ready: cond('Ready', true, 'Available', 'ok', 1),
      synced: cond('Synced', true, 'Observed', 'ok', 1),
      terminal: cond('Terminal', false, 'None', 'none', 1),
    };
    const s1 = nextStatus(undefined, { ...observedFields(d), observedGeneration: 1 }, set, 't1');
    const s2 = nextStatus(s1, { ...observedFields(d), observedGeneration: 1 }, set, 't2');
    expect(sameStatus(s1, s2)).to.equal(true);
    expect(s1.ready).to.equal(true);
  });
});

describe('table readiness', () => {
  it('is ACTIVE only when the table and every GSI are ACTIVE', () => {
    expect(
      allActive({ TableStatus: 'ACTIVE', GlobalSecondaryIndexes: [{ IndexName: 'g', IndexStatus: 'ACTIVE' }] }),
    ).to.equal(true);
    expect(
      allActive({ TableStatus: 'ACTIVE', GlobalSecondaryIndexes: [{ IndexName: 'g', IndexStatus: 'CREATING' }] }),
    ).to.equal(false);
    expect(allActive({ TableStatus: 'UPDATING' })).to.equal(false);
  });
});

describe('throughput status', () => {
  it('reports warm throughput with its status and every on-demand cap (-1 = none) of the table and each GSI', () => {
    const fields = observedFields({
      TableStatus: 'ACTIVE',
      OnDemandThroughput: { MaxReadRequestUnits: 100 },
      WarmThroughput: { ReadUnitsPerSecond: 15000, WriteUnitsPerSecond: 5000, Status: 'UPDATING' },
      GlobalSecondaryIndexes: [
        {
          IndexName: 'by-g',
          IndexStatus: 'ACTIVE',
          OnDemandThroughput: { MaxReadRequestUnits: 0, MaxWriteRequestUnits: 7 },
          WarmThroughput: { ReadUnitsPerSecond: 12000, WriteUnitsPerSecond: 4000, Status: 'ACTIVE' },
        },
      ],
    });
    expect(fields.warmThroughput).to.deep.equal({
      readUnitsPerSecond: 15000,
      writeUnitsPerSecond: 5000,
      status: 'UPDATING',
    });
    // Every cap written: status is a merge patch, so a cap left out would keep its old value.
    expect(fields.onDemandThroughput).to.deep.equal({ maxReadRequestUnits: 100, maxWriteRequestUnits: -1 });
    expect(fields.globalSecondaryIndexes?.[0]).to.deep.include({
      onDemandThroughput: { maxReadRequestUnits: -1, maxWriteRequestUnits: 7 },
      warmThroughput: { readUnitsPerSecond: 12000, writeUnitsPerSecond: 4000, status: 'ACTIVE' },
    });
    expect(observedFields({ TableStatus: 'ACTIVE' })).to.not.have.any.keys('warmThroughput', 'onDemandThroughput');
  });
});

describe('ownership', () => {
  const base = { uid: 'u1', adoptAnnotation: undefined, tableName: 't' };
  it('recognises our tags', () => {
    const tags = ownershipTags({ kind: 'DynamoDB', namespace: 'n', name: 'x', uid: 'u1' });
    expect(decideOwnership({ ...base, tags }).kind).to.equal('ours');
  });
  it('refuses a table of another object even with the adoption annotation', () => {
    const o = decideOwnership({ ...base, adoptAnnotation: 'true', tags: [{ Key: OWNER_UID_TAG, Value: 'u2' }] });
    expect(o.kind).to.equal('other-object');
  });
  it('refuses an unmarked table unless annotated for adoption', () => {
    expect(decideOwnership({ ...base, tags: [{ Key: 'team', Value: 'x' }] }).kind).to.equal('foreign');
    expect(decideOwnership({ ...base, adoptAnnotation: 'true', tags: [] }).kind).to.equal('adoptable');
    expect(notOwnedMessage('t', 'DynamoDB', { kind: 'foreign' })).to.contain('aws-infra-operator.runner.codes/adopt');
  });
  it('recognises an untagged table created after our recorded create intent', () => {
    const intent = { tableName: 't', requestedAt: '2025-01-01T00:00:10.000Z' };
    expect(
      decideOwnership({
        ...base,
        tags: [],
        intent,
        objectCreatedAt: '2025-01-01T00:00:01Z',
        tableCreatedAt: new Date('2025-01-01T00:00:11Z'),
      }).kind,
    ).to.equal('ours-untagged');
    // Created long before our intent: someone else's table.
    expect(
      decideOwnership({ ...base, tags: [], intent, tableCreatedAt: new Date('2024-12-31T00:00:00Z') }).kind,
    ).to.equal('foreign');
  });
});

describe('event predicate', () => {
  const obj = (
    gen: number,
    extra: Partial<KubeObject['metadata']> = {},
    status?: Record<string, unknown>,
  ): KubeObject => ({
    metadata: { name: 'x', namespace: 'n', generation: gen, finalizers: [FINALIZER], ...extra },
    ...(status ? { status } : {}),
  });
  it('ignores status-only changes (our own writes)', () => {
    expect(tableChangeMatters(obj(1, {}, { ready: false }), obj(1, {}, { ready: true }))).to.equal(false);
  });
  it('reacts to spec changes, deletion, and the adoption annotation', () => {
    expect(tableChangeMatters(obj(1), obj(2))).to.equal(true);
    expect(tableChangeMatters(obj(1), obj(1, { deletionTimestamp: 'now' }))).to.equal(true);
    expect(
      tableChangeMatters(obj(1), obj(1, { annotations: { 'aws-infra-operator.runner.codes/adopt': 'true' } })),
    ).to.equal(true);
  });
  it('reacts when someone strips our finalizer from a live object', () => {
    expect(tableChangeMatters(obj(1), obj(1, { finalizers: [] }))).to.equal(true);
  });
});
