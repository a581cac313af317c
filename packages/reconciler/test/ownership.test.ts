// Ownership and deletion safety (reconciler side), pure decisions and thin shells over fakes:
// ownership comes only from AWS (never from the user-writable status), the create intent is bounded
// by the object's own creation time, ownership tag values fit AWS's 256-character limit, messages
// never name another tenant's object, and deletion never depends on a valid spec, a moved provider
// or an API server that accepts the finalizer removal.
import type { TableDescription } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { deletionTargetOf } from '../src/controller/deletion-target.ts';
import { endpointKey, locationOfArn, movedFrom } from '../src/controller/location.ts';
import { OwnedTables } from '../src/controller/owned-tables.ts';
import {
  OWNER_TAG,
  OWNER_UID_TAG,
  TAG_VALUE_MAX,
  decideOwnership,
  notOwnedMessage,
  ownerTagValue,
  ownershipTags,
  parseOwnerTag,
} from '../src/controller/ownership.ts';
import { confirmOwnership, ownerIsGone } from '../src/controller/table-adopt.ts';
import { handleTableDeletion, releaseObject } from '../src/controller/table-delete.ts';
import { KubeApiError } from '@dynamodb-operator/kube';
import type { TableModel } from '@dynamodb-operator/api';
import { fakes, tableObject } from './ownership.helpers.ts';

const VICTIM_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/shared';
const victimTags = [
  { Key: OWNER_TAG, Value: 'DynamoDBTable/tenant-x/a' },
  { Key: OWNER_UID_TAG, Value: 'uid-a' },
];
const described: TableDescription = {
  TableName: 'shared',
  TableArn: VICTIM_ARN,
  TableStatus: 'ACTIVE',
  CreationDateTime: new Date(0),
};
const model = { tableName: 'shared', kind: 'DynamoDBTable' } as TableModel;
const own = ownershipTags({ kind: 'DynamoDBTable', namespace: 'tenant-y', name: 'b', uid: 'uid-b' });

describe('ownership comes from AWS, never from status', () => {
  it('a forged status.tableArn naming another tenant’s table does not make it ours', async () => {
    const f = fakes((op) => (op === 'ListTagsOfResource' ? { Tags: victimTags } : {}));
    const run = f.run(tableObject({}, { tableArn: VICTIM_ARN, ready: true, observedGeneration: 2 }));
    const o = await confirmOwnership(run, model, f.clients, described, own);
    expect(o.owned).to.equal(false);
    expect(f.calls.map((c) => c.op)).to.deep.equal(['ListTagsOfResource']); // read only, no TagResource
    const ready = (run.status.conditions ?? []).find((c) => c.type === 'Ready');
    expect(ready?.reason).to.equal('TableNotOwned');
    // The forged pointer does not survive as a claim on the victim's table.
    expect(run.status.tableArn).to.equal(undefined);
  });

  it('ownership confirmed from the tags is remembered in memory, so a resync reads no tags', async () => {
    const f = fakes((op) => (op === 'ListTagsOfResource' ? { Tags: own } : {}));
    const run = f.run(
      tableObject({ annotations: { 'dynamodb.aws-infra-operator.runner.codes/table-endpoint': 'aws' } }),
    );
    expect((await confirmOwnership(run, model, f.clients, described, own)).owned).to.equal(true);
    expect((await confirmOwnership(run, model, f.clients, described, own)).owned).to.equal(true);
    expect(f.calls.map((c) => c.op)).to.deep.equal(['ListTagsOfResource']);
    // …but only for that very table: re-created under the same name (same ARN), it is checked again.
    await confirmOwnership(run, model, f.clients, { ...described, CreationDateTime: new Date(5) }, own);
    expect(f.calls.map((c) => c.op)).to.deep.equal(['ListTagsOfResource', 'ListTagsOfResource']);
  });

  it('the in-memory record is per table identity and can be forgotten', () => {
    const m = new OwnedTables();
    m.confirm('u', described, 'p:1');
    expect(m.owns('u', described, 'p:1')).to.equal(true);
    expect(m.owns('u', described, 'p:2'), 'provider changed').to.equal(false);
    expect(m.owns('u', { ...described, TableId: 'other' }, 'p:1')).to.equal(false);
    expect(m.arnOf('u', 'p:1')).to.equal(VICTIM_ARN);
    m.forget('u');
    expect(m.owns('u', described, 'p:1')).to.equal(false);
  });

  it('the create intent (user-writable) only covers an untagged table created after the object itself', () => {
    const base = { uid: 'u1', adoptAnnotation: undefined, tableName: 't', tags: [] };
    const intent = { tableName: 't', requestedAt: '2025-01-01T00:00:10.000Z' };
    const objectCreatedAt = '2025-01-01T00:00:05Z';
    const at = (s: string) => new Date(s);
    expect(
      decideOwnership({ ...base, intent, objectCreatedAt, tableCreatedAt: at('2025-01-01T00:00:11Z') }).kind,
    ).to.equal('ours-untagged');
    // An attacker back-dates the intent: a table created before the object existed is not ours.
    const backdated = { tableName: 't', requestedAt: '2020-01-01T00:00:00.000Z' };
    expect(
      decideOwnership({ ...base, intent: backdated, objectCreatedAt, tableCreatedAt: at('2024-06-01T00:00:00Z') }).kind,
    ).to.equal('foreign');
    // Long after the intent: not the CreateTable it announced.
    expect(
      decideOwnership({ ...base, intent, objectCreatedAt, tableCreatedAt: at('2025-01-02T00:00:00Z') }).kind,
    ).to.equal('foreign');
    // Any tag at all: somebody else's table.
    expect(
      decideOwnership({
        ...base,
        tags: [{ Key: 'team', Value: 'x' }],
        intent,
        objectCreatedAt,
        tableCreatedAt: at('2025-01-01T00:00:11Z'),
      }).kind,
    ).to.equal('foreign');
    // Without the object's creation time the bound cannot be checked.
    expect(decideOwnership({ ...base, intent, tableCreatedAt: at('2025-01-01T00:00:11Z') }).kind).to.equal('foreign');
  });
});

describe('ownership tag values fit AWS limits', () => {
  const name = `n${'x'.repeat(251)}z`; // 253 characters, the longest Kubernetes name
  it('a 253-character name gives an owner tag of at most 256 characters, distinct per name', () => {
    const v = ownerTagValue({ kind: 'DynamoDBTable', namespace: 'a-63-character-namespace-'.padEnd(63, 'n'), name });
    expect(`DynamoDBTable/${'n'.repeat(63)}/${name}`.length).to.be.greaterThan(TAG_VALUE_MAX);
    expect(v.length).to.be.at.most(TAG_VALUE_MAX);
    const other = ownerTagValue({
      kind: 'DynamoDBTable',
      namespace: 'a-63-character-namespace-'.padEnd(63, 'n'),
      name: `${name.slice(0, -1)}y`,
    });
    expect(other).to.not.equal(v);
    for (const t of ownershipTags({ kind: 'DynamoDB', namespace: 'ns', name, uid: 'u' })) {
      expect(t.Value.length, t.Key).to.be.at.most(TAG_VALUE_MAX);
      expect(t.Value).to.match(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u); // AWS's tag value characters
    }
  });
  it('short values are unchanged and parse back; shortened ones name no object', () => {
    expect(ownerTagValue({ kind: 'DynamoDB', namespace: 'ns', name: 'x' })).to.equal('DynamoDB/ns/x');
    expect(parseOwnerTag('DynamoDB/ns/x')).to.deep.equal({ kind: 'DynamoDB', namespace: 'ns', name: 'x' });
    const long = ownerTagValue({ kind: 'DynamoDB', namespace: 'ns', name: 'y'.repeat(253) });
    expect(parseOwnerTag(long)).to.deep.equal({ kind: 'DynamoDB', namespace: 'ns' });
  });
});

describe('TableNotOwned never names another tenant’s object', () => {
  it('says only that it belongs to another object of a kind', () => {
    const o = decideOwnership({ uid: 'uid-b', adoptAnnotation: undefined, tableName: 'shared', tags: victimTags });
    const msg = notOwnedMessage('shared', 'DynamoDBTable', o);
    expect(msg).to.contain('another DynamoDBTable object');
    expect(msg).to.not.contain('tenant-x');
    expect(msg).to.not.contain('uid-a');
  });
});

describe('adoption of a table whose owner object is gone', () => {
  const other = {
    kind: 'other-object',
    ownerKind: 'DynamoDBTable',
    ownerTag: 'DynamoDBTable/tenant-x/a',
    ownerUid: 'uid-a',
  } as const;
  const path = '/apis/aws-infra-operator.runner.codes/v1alpha1/namespaces/tenant-x/dynamodbtables/a';
  it('gone when the owner object does not exist or has another uid; not when it is there', async () => {
    const f = fakes(() => ({}));
    expect(await ownerIsGone(f.deps, other)).to.equal(true);
    f.served.set(path, tableObject({ name: 'a', namespace: 'tenant-x', uid: 'uid-new' }));
    expect(await ownerIsGone(f.deps, other)).to.equal(true);
    f.served.set(path, tableObject({ name: 'a', namespace: 'tenant-x', uid: 'uid-a' }));
    expect(await ownerIsGone(f.deps, other)).to.equal(false);
    expect(await ownerIsGone(f.deps, { ...other, ownerTag: 'something else' })).to.equal(false);
    // Not allowed to look: cannot tell, keep refusing.
    f.served.delete(path);
    f.deps.kube.get = async () => {
      throw new KubeApiError(403, 'Forbidden', 'forbidden');
    };
    expect(await ownerIsGone(f.deps, other)).to.equal(false);
  });
  it('adopts an orphaned table with the annotation: old marks removed, ours set', async () => {
    const f = fakes((op) => (op === 'ListTagsOfResource' ? { Tags: victimTags } : {}));
    const run = f.run(tableObject({ annotations: { 'aws-infra-operator.runner.codes/adopt': 'true' } }));
    const o = await confirmOwnership(run, model, f.clients, described, own);
    expect(o.owned).to.equal(true);
    expect(f.calls.map((c) => c.op)).to.deep.equal(['ListTagsOfResource', 'UntagResource', 'TagResource']);
    expect(f.calls[2]?.input.Tags).to.deep.equal(own);
    expect(f.events.map((e) => e.reason)).to.include('Adopted');
  });
});

describe('deletion safety', () => {
  it('reads what it needs from the stored spec, valid or not', () => {
    const t = deletionTargetOf(tableObject());
    expect(t).to.deep.equal({ tableName: 'shared', deletionPolicy: 'Delete', deletionProtectionEnabled: false });
    const bad = tableObject();
    bad.spec = {
      tableName: 'shared',
      deletionPolicy: 'Retain',
      tags: Object.fromEntries([...Array(60).keys()].map((i) => [`k${i}`, 'v'])),
    };
    expect(deletionTargetOf(bad)?.deletionPolicy).to.equal('Retain');
    bad.spec = { tableName: 'shared', deletionPolicy: false };
    expect(deletionTargetOf(bad)?.deletionPolicy).to.equal('Retain'); // unknown: keep the table
  });

  it('an object that never created a table is released with a broken provider', async () => {
    const f = fakes(() => ({}));
    const run = f.run(tableObject({ deletionTimestamp: '2025-01-01T00:00:00Z' }));
    const t = deletionTargetOf(run.obj);
    if (!t) throw new Error('no target');
    await handleTableDeletion(run, t, undefined, 'AWSProvider "aws" is not ready: InvalidProvider: spec.region');
    expect(run.obj.metadata.finalizers ?? []).to.deep.equal([]);
    expect(f.calls).to.deep.equal([]);
  });

  it('a table recorded in another region is not reported deleted when the provider moved', async () => {
    const f = fakes((op) => {
      if (op === 'DescribeTable') throw Object.assign(new Error('no'), { name: 'ResourceNotFoundException' });
      return {};
    });
    const arn = 'arn:aws:dynamodb:eu-west-1:123456789012:table/shared';
    const run = f.run(tableObject({ deletionTimestamp: '2025-01-01T00:00:00Z' }, { tableArn: arn, ready: true }));
    const t = deletionTargetOf(run.obj);
    if (!t) throw new Error('no target');
    const r = await handleTableDeletion(run, t, f.clients, undefined);
    expect(r.requeueAfterMs).to.be.greaterThan(0);
    expect(run.obj.metadata.finalizers).to.have.length(1);
    expect(f.events.map((e) => e.reason)).to.not.include('Deleted');
    const ready = (run.status.conditions ?? []).find((c) => c.type === 'Ready');
    expect(ready?.status).to.equal('False');
    expect(ready?.message).to.contain('region eu-west-1').and.to.contain('us-east-1');
  });

  it('a table that is not ours is left untouched and the object released (DeleteSkipped)', async () => {
    const f = fakes((op) => {
      if (op === 'DescribeTable') return { Table: described };
      if (op === 'ListTagsOfResource') return { Tags: victimTags };
      return {};
    });
    const run = f.run(tableObject({ deletionTimestamp: '2025-01-01T00:00:00Z' }));
    const t = deletionTargetOf(run.obj);
    if (!t) throw new Error('no target');
    await handleTableDeletion(run, t, f.clients, undefined);
    expect(f.calls.map((c) => c.op)).to.deep.equal(['DescribeTable', 'ListTagsOfResource']);
    expect(f.events.map((e) => e.reason)).to.include('DeleteSkipped');
    expect(run.obj.metadata.finalizers ?? []).to.deep.equal([]);
  });

  // AWS and dynalite may list no tags for a table being deleted: after a restart between our DeleteTable
  // and the finalizer removal, that is what our own table looks like. The object must not read deleted yet.
  it('a DELETING table without our tags is waited for, untouched, before the object is released', async () => {
    let gone = false;
    const f = fakes((op) => {
      if (op === 'DescribeTable') {
        if (gone) throw Object.assign(new Error('no'), { name: 'ResourceNotFoundException' });
        return { Table: { ...described, TableStatus: 'DELETING' } };
      }
      if (op === 'ListTagsOfResource') return { Tags: [] };
      return {};
    });
    const run = f.run(tableObject({ deletionTimestamp: '2025-01-01T00:00:00Z' }, { tableArn: VICTIM_ARN }));
    const t = deletionTargetOf(run.obj);
    if (!t) throw new Error('no target');
    const r = await handleTableDeletion(run, t, f.clients, undefined);
    expect(r.requeueAfterMs).to.be.greaterThan(0);
    expect(run.obj.metadata.finalizers).to.have.length(1);
    expect(f.calls.map((c) => c.op)).to.deep.equal(['DescribeTable', 'ListTagsOfResource']);
    expect(f.events.map((e) => e.reason)).to.not.include('DeleteSkipped');
    expect((run.status.conditions ?? []).find((c) => c.type === 'Ready')?.reason).to.equal('Deleting');
    gone = true;
    await handleTableDeletion(run, t, f.clients, undefined);
    expect(run.obj.metadata.finalizers ?? []).to.deep.equal([]);
    expect(f.events.map((e) => e.reason)).to.include('Deleted');
  });

  it('Orphan of a DELETING table that is not ours releases at once, without a call to the table', async () => {
    const f = fakes((op) => {
      if (op === 'DescribeTable') return { Table: { ...described, TableStatus: 'DELETING' } };
      if (op === 'ListTagsOfResource') return { Tags: [] };
      return {};
    });
    const obj = tableObject({ deletionTimestamp: '2025-01-01T00:00:00Z' });
    obj.spec = { ...obj.spec, deletionPolicy: 'Orphan' };
    const run = f.run(obj);
    const t = deletionTargetOf(run.obj);
    if (!t) throw new Error('no target');
    await handleTableDeletion(run, t, f.clients, undefined);
    expect(f.calls.map((c) => c.op)).to.deep.equal(['DescribeTable', 'ListTagsOfResource']);
    expect(run.obj.metadata.finalizers ?? []).to.deep.equal([]);
  });

  it('a deleting object is not Ready while its table is still CREATING/UPDATING', async () => {
    const f = fakes((op) => {
      if (op === 'DescribeTable') return { Table: { ...described, TableStatus: 'UPDATING' } };
      if (op === 'ListTagsOfResource') return { Tags: own };
      return {};
    });
    const ready = { type: 'Ready', status: 'True', reason: 'Available', message: 'ok', lastTransitionTime: 'x' };
    const run = f.run(tableObject({ deletionTimestamp: '2025-01-01T00:00:00Z' }, { ready: true, conditions: [ready] }));
    const t = deletionTargetOf(run.obj);
    if (!t) throw new Error('no target');
    const r = await handleTableDeletion(run, t, f.clients, undefined);
    expect(r.requeueAfterMs).to.be.greaterThan(0);
    expect(f.calls.map((c) => c.op)).to.not.include('DeleteTable');
    expect(run.status.ready).to.equal(false);
    expect((run.status.conditions ?? []).find((c) => c.type === 'Ready')?.reason).to.equal('Deleting');
  });

  it('a refused finalizer removal is said on the object, with the API server’s words', async () => {
    const f = fakes(() => ({}));
    const run = f.run(tableObject({ deletionTimestamp: '2025-01-01T00:00:00Z' }, { ready: true }));
    const refusal = new KubeApiError(
      500,
      'InternalError',
      'Internal error occurred: failed calling webhook "x": connection refused',
    );
    f.refuseMetadataPatches(refusal);
    let thrown: unknown;
    try {
      await releaseObject(run);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).to.equal(refusal);
    const ready = (run.status.conditions ?? []).find((c) => c.type === 'Ready');
    expect(ready?.status).to.equal('False');
    expect(ready?.reason).to.equal('FinalizerRemovalRefused');
    expect(ready?.message).to.contain('failed calling webhook');
  });
});

describe('where a table lives', () => {
  it('region and account come from the ARN; only known parts are compared', () => {
    expect(locationOfArn('arn:aws:dynamodb:eu-west-1:111:table/t')).to.deep.equal({
      region: 'eu-west-1',
      account: '111',
    });
    expect(locationOfArn('garbage')).to.deep.equal({});
    expect(movedFrom({ region: 'a', account: '1', endpoint: 'aws' }, { region: 'a', endpoint: 'aws' })).to.equal('');
    expect(movedFrom({ region: 'a' }, { region: 'b' })).to.contain('region a');
    expect(movedFrom({ endpoint: 'http://h:1' }, { endpoint: 'http://h:2' })).to.contain('endpoint');
    expect(endpointKey('http://user:pw@h:1/')).to.equal('http://h:1');
    expect(endpointKey(undefined)).to.equal('aws');
  });
});
