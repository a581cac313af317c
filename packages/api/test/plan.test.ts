import { expect } from 'chai';
import {
  describeStep,
  driftOf,
  nextStep,
  observedFromAws,
  plan,
  sameKmsKey,
  type ObservedTable,
  type PlanStep,
} from '../src/plan/index.ts';
import { gsi, model, observedFor } from './plan.helpers.ts';

const attrs = (...names: string[]) => [
  { name: 'pk', type: 'S' as const, path: 'spec.attributes[0]' },
  ...names.map((name, i) => ({ name, type: 'S' as const, path: `spec.attributes[${i + 1}]` })),
];
const kinds = (steps: PlanStep[]) => steps.map((s) => s.kind);

describe('plan: converged tables', () => {
  it('plans nothing for a table created from the spec', () => {
    const d = model({
      attributeDefinitions: attrs('email', 'status'),
      globalSecondaryIndexes: [gsi('email-index', 'email'), gsi('status', 'status', 'email', 'INCLUDE', ['b', 'a'])],
      stream: { enabled: true, path: 's', viewTypePath: 's.v' },
      pointInTimeRecovery: { enabled: true, path: 'p' },
      timeToLive: { enabled: true, attributeName: 'expires', path: 't' },
      encryption: { enabled: true, type: 'AWS_MANAGED', path: 'e' },
      tags: { Team: 'a' },
    });
    expect(plan(d, observedFor(d))).to.deep.equal([]);
  });

  it('compares non-key attributes as a set and ignores capacity under PAY_PER_REQUEST', () => {
    const d = model({
      attributeDefinitions: attrs('email'),
      globalSecondaryIndexes: [gsi('g', 'email', undefined, 'INCLUDE', ['x', 'y'])],
    });
    const o = observedFor(d);
    o.globalSecondaryIndexes[0]!.projection.nonKeyAttributes = ['y', 'x', 'x'];
    o.provisionedThroughput = { readCapacityUnits: 0, writeCapacityUnits: 0 };
    o.globalSecondaryIndexes[0]!.provisionedThroughput = { readCapacityUnits: 0, writeCapacityUnits: 0 };
    expect(plan(d, o)).to.deep.equal([]);
  });

  it('plans nothing for real DescribeTable output of an on-demand table (observedFromAws)', () => {
    const d = model({ attributeDefinitions: attrs('email'), globalSecondaryIndexes: [gsi('EmailIndex', 'email')] });
    const o = observedFromAws(
      {
        TableName: 't',
        TableStatus: 'ACTIVE',
        BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
        ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0, NumberOfDecreasesToday: 0 } as never,
        AttributeDefinitions: [
          { AttributeName: 'email', AttributeType: 'S' },
          { AttributeName: 'pk', AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'EmailIndex',
            KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
            IndexStatus: 'ACTIVE',
            ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
          },
        ],
        DeletionProtectionEnabled: false,
      },
      { TimeToLiveStatus: 'DISABLED' },
      { ContinuousBackupsStatus: 'ENABLED', PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' } },
      [{ Key: 'aws:cloudformation:stack-name', Value: 'x' }],
    );
    expect(plan(d, o)).to.deep.equal([]);
  });

  it('leaves unread aspects (ttl, pitr, tags) alone', () => {
    const d = model({
      pointInTimeRecovery: { enabled: true, path: 'p' },
      timeToLive: { enabled: true, attributeName: 'x', path: 't' },
      tags: { a: 'b' },
    });
    const o = observedFor(model());
    delete o.ttl;
    delete o.pointInTimeRecovery;
    delete o.tags;
    expect(plan(d, o)).to.deep.equal([]);
  });
});

describe('plan: GSIs', () => {
  it('adds three GSIs one per step, in spec order, with the attribute definitions each needs', () => {
    const base = model({ attributeDefinitions: attrs('a', 'b', 'c') });
    const d = model({
      attributeDefinitions: attrs('a', 'b', 'c'),
      globalSecondaryIndexes: [gsi('by-a', 'a'), gsi('by-b', 'b', 'c'), gsi('by-c', 'c')],
    });
    const steps = plan(d, observedFor(base));
    expect(kinds(steps)).to.deep.equal(['createGsi', 'createGsi', 'createGsi']);
    expect(steps.map((s) => (s.kind === 'createGsi' ? s.indexName : ''))).to.deep.equal(['by-a', 'by-b', 'by-c']);
    const second = steps[1];
    // The table's key and the new index's keys (no kept GSIs yet): every definition in use after the call.
    expect(second?.kind === 'createGsi' && second.attributeDefinitions.map((a) => a.name)).to.deep.equal([
      'pk',
      'b',
      'c',
    ]);
    expect(describeStep(steps[1]!, 2, 3)).to.equal('creating GSI by-b (2 of 3)');
  });

  it('removes one and adds one: delete first, create last', () => {
    const o = observedFor(model({ attributeDefinitions: attrs('a'), globalSecondaryIndexes: [gsi('old', 'a')] }));
    const d = model({ attributeDefinitions: attrs('b'), globalSecondaryIndexes: [gsi('new', 'b')] });
    expect(kinds(plan(d, o))).to.deep.equal(['deleteGsi', 'createGsi']);
  });

  it('re-creates a GSI whose projection changes, and says why', () => {
    const o = observedFor(model({ attributeDefinitions: attrs('a'), globalSecondaryIndexes: [gsi('g', 'a')] }));
    const d = model({
      attributeDefinitions: attrs('a'),
      globalSecondaryIndexes: [gsi('g', 'a', undefined, 'KEYS_ONLY')],
    });
    const steps = plan(d, o);
    expect(kinds(steps)).to.deep.equal(['deleteGsi', 'createGsi']);
    expect(steps[0]).to.include({ reason: 'projection ALL → KEYS_ONLY (re-created next)' });
  });

  it('re-creates a GSI whose key attribute type changes', () => {
    const o = observedFor(model({ attributeDefinitions: attrs('a'), globalSecondaryIndexes: [gsi('g', 'a')] }));
    const d = model({
      attributeDefinitions: [...attrs(), { name: 'a', type: 'N', path: 'x' }],
      globalSecondaryIndexes: [gsi('g', 'a')],
    });
    const steps = plan(d, o);
    expect(kinds(steps)).to.deep.equal(['deleteGsi', 'createGsi']);
    expect(steps[0]).to.include({ reason: 'partition key a type S → N (re-created next)' });
  });

  it('does not re-create a GSI when AWS (or an emulator) leaves its attribute type out', () => {
    const d = model({ attributeDefinitions: attrs('a'), globalSecondaryIndexes: [gsi('g', 'a')] });
    const o = observedFor(d);
    o.attributeDefinitions = [];
    expect(plan(d, o)).to.deep.equal([]);
  });

  it('starts with wait while a GSI is backfilling and does not plan to create it again', () => {
    const d = model({
      attributeDefinitions: attrs('a', 'b'),
      globalSecondaryIndexes: [gsi('ga', 'a'), gsi('gb', 'b')],
    });
    const o = observedFor(model({ attributeDefinitions: attrs('a'), globalSecondaryIndexes: [gsi('ga', 'a')] }));
    o.globalSecondaryIndexes[0]!.status = 'CREATING';
    o.globalSecondaryIndexes[0]!.backfilling = true;
    const steps = plan(d, o);
    expect(steps[0]).to.deep.equal({ kind: 'wait', reasons: ['GSI ga is CREATING (backfilling)'] });
    expect(kinds(steps)).to.deep.equal(['wait', 'createGsi']);
    expect(nextStep(steps)?.kind).to.equal('wait');
  });

  it('treats a DELETING GSI as gone: waits, then re-creates it', () => {
    const d = model({ attributeDefinitions: attrs('a'), globalSecondaryIndexes: [gsi('g', 'a')] });
    const o = observedFor(d);
    o.globalSecondaryIndexes[0]!.status = 'DELETING';
    expect(kinds(plan(d, o))).to.deep.equal(['wait', 'createGsi']);
  });
});

describe('plan: billing and capacity', () => {
  it('PAY_PER_REQUEST → PROVISIONED gives the table and every kept GSI capacity in one call', () => {
    const o = observedFor(model({ attributeDefinitions: attrs('a'), globalSecondaryIndexes: [gsi('g', 'a')] }));
    const d = model({
      billingMode: 'PROVISIONED',
      provisionedThroughput: { readCapacityUnits: 10, writeCapacityUnits: 5, path: 'c' },
      attributeDefinitions: attrs('a'),
      globalSecondaryIndexes: [gsi('g', 'a', undefined, 'ALL', [], [3, 2])],
    });
    expect(plan(d, o)).to.deep.equal([
      {
        kind: 'updateTableSettings',
        billingMode: 'PROVISIONED',
        provisionedThroughput: { readCapacityUnits: 10, writeCapacityUnits: 5 },
        gsiProvisionedThroughput: [
          { indexName: 'g', provisionedThroughput: { readCapacityUnits: 3, writeCapacityUnits: 2 } },
        ],
      },
    ]);
  });

  it('PROVISIONED → PAY_PER_REQUEST is one call with no capacity', () => {
    const p = model({
      billingMode: 'PROVISIONED',
      provisionedThroughput: { readCapacityUnits: 10, writeCapacityUnits: 5, path: 'c' },
    });
    expect(plan(model(), observedFor(p))).to.deep.equal([
      { kind: 'updateTableSettings', billingMode: 'PAY_PER_REQUEST' },
    ]);
  });

  it("PROVISIONED → PAY_PER_REQUEST with the capacity left in the spec (the seed's patch): no capacity sent, no drift after", () => {
    const was = model({
      billingMode: 'PROVISIONED',
      provisionedThroughput: { readCapacityUnits: 25, writeCapacityUnits: 5, path: 'c' },
      attributeDefinitions: attrs('a'),
      globalSecondaryIndexes: [gsi('g', 'a', undefined, 'ALL', [], [3, 2])],
    });
    const d = { ...was, billingMode: 'PAY_PER_REQUEST' as const };
    expect(plan(d, observedFor(was))).to.deep.equal([{ kind: 'updateTableSettings', billingMode: 'PAY_PER_REQUEST' }]);
    // After the switch AWS reports on-demand (no capacity): the leftover capacity is neither a step nor drift.
    expect(plan(d, observedFor(d))).to.deep.equal([]);
    expect(driftOf(d, observedFor(d))).to.deep.equal([]);
  });

  it('capacity managed elsewhere (externalCapacity): a scaled table and GSI are neither a step nor drift', () => {
    const tp = (r: number) => ({ readCapacityUnits: r, writeCapacityUnits: r, path: 'c' });
    const d = model({
      billingMode: 'PROVISIONED',
      provisionedThroughput: tp(5),
      attributeDefinitions: attrs('a'),
      globalSecondaryIndexes: [gsi('g', 'a', undefined, 'ALL', [], [5, 5])],
    });
    // An auto scaler raised both behind the operator's back.
    const scaled = observedFor({
      ...d,
      provisionedThroughput: tp(40),
      globalSecondaryIndexes: [gsi('g', 'a', undefined, 'ALL', [], [30, 30])],
    });
    expect(plan(d, scaled, { externalCapacity: true })).to.deep.equal([]);
    expect(driftOf(d, scaled, { externalCapacity: true })).to.deep.equal([]);
    // Managed here (the default), the same table is reverted.
    expect(kinds(plan(d, scaled))).to.deep.equal(['updateTableSettings', 'updateGsiCapacity']);
    expect(driftOf(d, scaled).join()).to.contain('table capacity is 40 read / 40 write');
    // Where AWS needs a capacity, the spec's is still sent: a switch to PROVISIONED, and a new GSI.
    const onDemand = observedFor(model({ attributeDefinitions: attrs('a') }));
    const steps = plan(d, onDemand, { externalCapacity: true });
    expect(steps[0]).to.deep.include({ kind: 'updateTableSettings', billingMode: 'PROVISIONED' });
    expect(steps[0]).to.have.nested.property('provisionedThroughput.readCapacityUnits', 5);
    expect(steps.find((s) => s.kind === 'createGsi')).to.have.nested.property(
      'provisionedThroughput.readCapacityUnits',
      5,
    );
    // Other settings still converge.
    expect(plan({ ...d, deletionProtectionEnabled: true }, scaled, { externalCapacity: true })).to.deep.equal([
      { kind: 'updateTableSettings', deletionProtectionEnabled: true },
    ]);
  });

  it('raising capacity: table settings first, then GSI capacity; deletion protection joins the table call', () => {
    const tp = (r: number) => ({ readCapacityUnits: r, writeCapacityUnits: r, path: 'c' });
    const was = model({
      billingMode: 'PROVISIONED',
      provisionedThroughput: tp(5),
      attributeDefinitions: attrs('a'),
      globalSecondaryIndexes: [gsi('g', 'a', undefined, 'ALL', [], [5, 5])],
    });
    const d = {
      ...was,
      provisionedThroughput: tp(20),
      globalSecondaryIndexes: [gsi('g', 'a', undefined, 'ALL', [], [9, 9])],
      deletionProtectionEnabled: true,
      tableClass: 'STANDARD_INFREQUENT_ACCESS' as const,
    };
    expect(plan(d, observedFor(was))).to.deep.equal([
      {
        kind: 'updateTableSettings',
        provisionedThroughput: { readCapacityUnits: 20, writeCapacityUnits: 20 },
        deletionProtectionEnabled: true,
      },
      { kind: 'updateTableSettings', tableClass: 'STANDARD_INFREQUENT_ACCESS' },
      {
        kind: 'updateGsiCapacity',
        indexes: [{ indexName: 'g', provisionedThroughput: { readCapacityUnits: 9, writeCapacityUnits: 9 } }],
      },
    ]);
  });
});

describe('plan: streams, SSE, TTL, PITR', () => {
  const on = (viewType?: 'KEYS_ONLY' | 'NEW_IMAGE') => ({ enabled: true, viewType, path: 's', viewTypePath: 'v' });

  it('changes a stream view type by disabling then enabling', () => {
    expect(plan(model({ stream: on('KEYS_ONLY') }), observedFor(model({ stream: on('NEW_IMAGE') })))).to.deep.equal([
      { kind: 'updateStream', enabled: false },
      { kind: 'updateStream', enabled: true, viewType: 'KEYS_ONLY' },
    ]);
    expect(plan(model(), observedFor(model({ stream: on() })))).to.deep.equal([
      { kind: 'updateStream', enabled: false },
    ]);
  });

  it('switches SSE to a customer key and back to the AWS owned key', () => {
    const cmk = 'arn:aws:kms:us-east-1:1:key/abc';
    const d = model({ encryption: { enabled: true, type: 'CUSTOMER_MANAGED', kmsKeyArn: cmk, path: 'e' } });
    expect(plan(d, observedFor(model()))).to.deep.equal([{ kind: 'updateSse', enabled: true, kmsKeyArn: cmk }]);
    expect(plan(model(), observedFor(d))).to.deep.equal([{ kind: 'updateSse', enabled: false }]);
  });

  it('KMS keys: by key ID, key ARN, alias name or alias ARN, compared the way AWS and moto report them', () => {
    const keyArn = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const id = '1234abcd-12ab-34cd-56ef-1234567890ab';
    // Key ID and key ARN name the same key; another key, or the same ID in another account, does not.
    expect(sameKmsKey(keyArn, id)).to.equal(true);
    expect(sameKmsKey(keyArn, keyArn)).to.equal(true);
    expect(sameKmsKey(keyArn, 'ffffabcd-12ab-34cd-56ef-1234567890ab')).to.equal(false);
    expect(sameKmsKey(keyArn, keyArn.replace('123456789012', '210987654321'))).to.equal(false);
    // moto echoes the alias it was sent: compared by name (a new alias is a change).
    expect(sameKmsKey('alias/orders-key', 'alias/orders-key')).to.equal(true);
    expect(sameKmsKey('alias/orders-key', 'arn:aws:kms:us-east-1:123456789012:alias/orders-key')).to.equal(true);
    expect(sameKmsKey('alias/orders-key', 'alias/other-key')).to.equal(false);
    expect(sameKmsKey('alias/orders-key', id)).to.equal(false);
    // AWS reports the key an alias points to: not a change (no UpdateTable loop), unless the region/account differ.
    expect(sameKmsKey(keyArn, 'alias/orders-key')).to.equal(true);
    expect(sameKmsKey(keyArn, 'arn:aws:kms:us-east-1:123456789012:alias/orders-key')).to.equal(true);
    expect(sameKmsKey(keyArn, 'arn:aws:kms:eu-west-1:123456789012:alias/orders-key')).to.equal(false);
    expect(sameKmsKey(undefined, 'alias/orders-key')).to.equal(false);
  });

  it('SSE by alias: planned from the AWS owned key, and no step once AWS reports the key behind it', () => {
    const d = model({
      encryption: { enabled: true, type: 'CUSTOMER_MANAGED', kmsKeyArn: 'alias/orders-key', path: 'e' },
    });
    expect(plan(d, observedFor(model()))).to.deep.equal([
      { kind: 'updateSse', enabled: true, kmsKeyArn: 'alias/orders-key' },
    ]);
    const o = observedFor(d);
    o.encryption = { type: 'CUSTOMER_MANAGED', kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd' };
    expect(plan(d, o)).to.deep.equal([]);
  });

  it('TTL: blocked until an hour after our last change, and the blocked step is passed over', () => {
    const d = model({ timeToLive: { enabled: true, attributeName: 'exp', path: 't' }, tags: { a: '1' } });
    const now = new Date('2026-01-01T10:00:00Z');
    const steps = plan(d, observedFor(model()), { now, lastTtlChangeAt: '2026-01-01T09:30:00Z' });
    expect(steps[0]).to.deep.equal({
      kind: 'updateTtl',
      enabled: true,
      attributeName: 'exp',
      blockedUntil: '2026-01-01T10:30:00.000Z',
    });
    expect(describeStep(steps[0]!, 1, 2)).to.contain('blocked until 2026-01-01T10:30:00.000Z');
    expect(nextStep(steps, now)?.kind).to.equal('tagResource');
    expect(nextStep(steps, new Date('2026-01-01T10:31:00Z'))?.kind).to.equal('updateTtl');
  });

  it('TTL attribute change: disable now, enable an hour later', () => {
    const now = new Date('2026-01-01T10:00:00Z');
    const was = model({ timeToLive: { enabled: true, attributeName: 'old', path: 't' } });
    const d = model({ timeToLive: { enabled: true, attributeName: 'new', path: 't' } });
    expect(plan(d, observedFor(was), { now })).to.deep.equal([
      { kind: 'updateTtl', enabled: false, attributeName: 'old' },
      { kind: 'updateTtl', enabled: true, attributeName: 'new', blockedUntil: '2026-01-01T11:00:00.000Z' },
    ]);
  });

  it('PITR on, off, and a recovery period change', () => {
    const p = (enabled: boolean, days?: number) =>
      model({ pointInTimeRecovery: { enabled, recoveryPeriodInDays: days, path: 'p' } });
    expect(plan(p(true), observedFor(p(false)))).to.deep.equal([
      { kind: 'updatePitr', enabled: true, recoveryPeriodInDays: 35 },
    ]);
    expect(plan(p(false), observedFor(p(true)))).to.deep.equal([{ kind: 'updatePitr', enabled: false }]);
    expect(plan(p(true, 7), observedFor(p(true)))).to.deep.equal([
      { kind: 'updatePitr', enabled: true, recoveryPeriodInDays: 7 },
    ]);
  });
});

describe('plan: tags', () => {
  const o = (): ObservedTable => ({
    ...observedFor(model()),
    tags: { keep: 'x', old: 'y', theirs: 'z', 'aws:cloudformation:stack-id': 's', owner: 'me' },
  });

  it('adds and changes, removes only keys we set before, never aws: tags or ownership tags', () => {
    const d = model({ tags: { keep: 'x2', added: '1', 'aws:nope': 'n' } });
    const steps = plan(d, o(), {
      managedTagKeys: ['keep', 'old', 'aws:cloudformation:stack-id', 'owner'],
      extraTags: { owner: 'me' },
    });
    expect(steps).to.deep.equal([
      { kind: 'untagResource', keys: ['old'] },
      { kind: 'tagResource', tags: { added: '1', keep: 'x2' } },
    ]);
  });
});

describe('plan: ordering and waiting', () => {
  it('orders every kind of change in the planner’s order (docs/update-scenarios.md)', () => {
    const was = model({
      attributeDefinitions: attrs('a'),
      globalSecondaryIndexes: [gsi('gone', 'a')],
      billingMode: 'PROVISIONED',
      provisionedThroughput: { readCapacityUnits: 1, writeCapacityUnits: 1, path: 'c' },
    });
    const d = model({
      attributeDefinitions: attrs('b'),
      globalSecondaryIndexes: [gsi('new', 'b')],
      stream: { enabled: true, path: 's', viewTypePath: 'v' },
      encryption: { enabled: true, type: 'AWS_MANAGED', path: 'e' },
      timeToLive: { enabled: true, attributeName: 'exp', path: 't' },
      pointInTimeRecovery: { enabled: true, path: 'p' },
      tags: { a: 'b' },
    });
    const o = observedFor(was);
    o.status = 'UPDATING';
    expect(kinds(plan(d, o))).to.deep.equal([
      'wait',
      'deleteGsi',
      'updateTableSettings',
      'createGsi',
      'updateStream',
      'updateSse',
      'updateTtl',
      'updatePitr',
      'tagResource',
    ]);
  });
});

describe('driftOf', () => {
  it('names each kind of drift in words', () => {
    const d = model({
      attributeDefinitions: attrs('a'),
      globalSecondaryIndexes: [gsi('by-a', 'a')],
      pointInTimeRecovery: { enabled: true, path: 'p' },
      tags: { Team: 'a' },
      billingMode: 'PROVISIONED',
      provisionedThroughput: { readCapacityUnits: 10, writeCapacityUnits: 10, path: 'c' },
    });
    const o = observedFor(d);
    o.globalSecondaryIndexes = [];
    o.pointInTimeRecovery = { enabled: false };
    o.tags = { Team: 'b' };
    o.provisionedThroughput = { readCapacityUnits: 1, writeCapacityUnits: 1 };
    expect(driftOf(d, o)).to.deep.equal([
      'GSI by-a is missing in AWS',
      'table capacity is 1 read / 1 write, the spec says 10 read / 10 write',
      'point-in-time recovery is off in AWS, the spec says on',
      'tag Team is "b" in AWS, the spec says "a"',
    ]);
    expect(driftOf(d, observedFor(d))).to.deep.equal([]);
  });
});
