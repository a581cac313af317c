// The executor against moto (the test environment's, or one spawned here): every kind of step
// converges the emulator's state, one AWS call per step, in the planned order.
import { expect } from 'chai';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  TagResourceCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { driftOf, plan } from '@dynamodb-operator/api';
import type { TableModel } from '@dynamodb-operator/api';
import { gsi, model } from '../../api/test/plan.helpers.ts';
import { executeStep, observeTable, StepBlockedError } from '../src/update/index.ts';
import { clientFor, converge, createTable, OBS_ALL, startMoto } from './update.helpers.ts';
import type { ConvergeResult, Emulator } from './update.helpers.ts';

const attrs = (...names: string[]) => [
  { name: 'pk', type: 'S' as const, path: 'a' },
  ...names.map((name) => ({ name, type: 'S' as const, path: 'a' })),
];
const prov = (r: number, w = r) => ({ readCapacityUnits: r, writeCapacityUnits: w, path: 'c' });
const cap = (r: number, w = r): [number, number] => [r, w];
const stream = (viewType?: 'KEYS_ONLY' | 'NEW_IMAGE') =>
  viewType
    ? { enabled: true, viewType, path: 's', viewTypePath: 'v' }
    : { enabled: false, path: 's', viewTypePath: 'v' };

describe('update executor on moto', function () {
  this.timeout(60_000);
  const results: { emulator: string; scenario: string; calls: string[]; ms: number }[] = [];
  const run = Date.now().toString(36);
  let emu: Emulator;
  let client: DynamoDBClient;
  let n = 0;
  const table = (over: Partial<TableModel>): TableModel => model({ tableName: `upd-${run}-${n}`, ...over });
  const record = (scenario: string, r: ConvergeResult): ConvergeResult => {
    results.push({ emulator: 'moto', scenario, calls: r.calls, ms: r.ms });
    return r;
  };
  const describe_ = async (name: string) => (await client.send(new DescribeTableCommand({ TableName: name }))).Table!;

  before(async () => {
    emu = await startMoto();
    client = clientFor(emu.endpoint);
  });
  after(async () => {
    client?.destroy();
    await emu?.stop();
    for (const r of results) console.log(`      ${JSON.stringify(r)}`);
  });
  beforeEach(() => n++);

  it('adds three GSIs in one apply: three UpdateTable calls, one index each', async () => {
    await createTable(client, table({ attributeDefinitions: attrs() }), OBS_ALL);
    const d = table({
      attributeDefinitions: attrs('a', 'b', 'c'),
      globalSecondaryIndexes: [
        gsi('by-a', 'a'),
        gsi('by-b', 'b', 'c', 'KEYS_ONLY'),
        gsi('by-c', 'c', undefined, 'INCLUDE', ['x']),
      ],
    });
    const r = record('add three GSIs', await converge(client, d, OBS_ALL));
    expect(r.calls).to.deep.equal(['UpdateTable', 'UpdateTable', 'UpdateTable']);
    expect(r.steps.map((s) => (s.kind === 'createGsi' ? s.indexName : s.kind))).to.deep.equal(['by-a', 'by-b', 'by-c']);
    const t = await describe_(d.tableName);
    expect(t.GlobalSecondaryIndexes?.map((g) => [g.IndexName, g.Projection?.ProjectionType]).sort()).to.deep.equal([
      ['by-a', 'ALL'],
      ['by-b', 'KEYS_ONLY'],
      ['by-c', 'INCLUDE'],
    ]);
  });

  it('removes one GSI and adds one in the same apply: delete, then create', async () => {
    await createTable(
      client,
      table({ attributeDefinitions: attrs('a', 'b'), globalSecondaryIndexes: [gsi('keep', 'a'), gsi('old', 'b')] }),
      OBS_ALL,
    );
    const d = table({
      attributeDefinitions: attrs('a', 'c'),
      globalSecondaryIndexes: [gsi('keep', 'a'), gsi('new', 'c')],
    });
    const r = record('remove one GSI, add one', await converge(client, d, OBS_ALL));
    expect(r.steps.map((s) => s.kind)).to.deep.equal(['deleteGsi', 'createGsi']);
    const names = (await describe_(d.tableName)).GlobalSecondaryIndexes?.map((g) => g.IndexName).sort();
    expect(names).to.deep.equal(['keep', 'new']);
  });

  it("changes a GSI's projection by deleting and re-creating it", async () => {
    await createTable(
      client,
      table({ attributeDefinitions: attrs('a'), globalSecondaryIndexes: [gsi('idx', 'a')] }),
      OBS_ALL,
    );
    const d = table({
      attributeDefinitions: attrs('a'),
      globalSecondaryIndexes: [gsi('idx', 'a', undefined, 'INCLUDE', ['x', 'y'])],
    });
    const r = record('change GSI projection', await converge(client, d, OBS_ALL));
    expect(r.steps.map((s) => s.kind)).to.deep.equal(['deleteGsi', 'createGsi']);
    const p = (await describe_(d.tableName)).GlobalSecondaryIndexes?.[0]?.Projection;
    expect(p).to.deep.equal({ ProjectionType: 'INCLUDE', NonKeyAttributes: ['x', 'y'] });
  });

  it('PAY_PER_REQUEST → PROVISIONED with GSI capacity, then raises capacity', async () => {
    await createTable(
      client,
      table({ attributeDefinitions: attrs('a'), globalSecondaryIndexes: [gsi('idx', 'a')] }),
      OBS_ALL,
    );
    const p = (t: number, g: number) =>
      table({
        billingMode: 'PROVISIONED',
        provisionedThroughput: prov(t),
        attributeDefinitions: attrs('a'),
        globalSecondaryIndexes: [gsi('idx', 'a', undefined, 'ALL', [], cap(g))],
      });
    const r1 = record('PAY_PER_REQUEST → PROVISIONED (with GSI capacity)', await converge(client, p(5, 3), OBS_ALL));
    expect(r1.calls).to.deep.equal(['UpdateTable']);
    const r2 = record('raise capacity (table + GSI)', await converge(client, p(9, 7), OBS_ALL));
    expect(r2.steps.map((s) => s.kind)).to.deep.equal(['updateTableSettings', 'updateGsiCapacity']);
    const t = await describe_(p(9, 7).tableName);
    expect(t.BillingModeSummary?.BillingMode).to.equal('PROVISIONED');
    expect(t.ProvisionedThroughput).to.include({ ReadCapacityUnits: 9, WriteCapacityUnits: 9 });
    expect(t.GlobalSecondaryIndexes?.[0]?.ProvisionedThroughput).to.include({
      ReadCapacityUnits: 7,
      WriteCapacityUnits: 7,
    });
  });

  it('streams: enable, disable', async () => {
    await createTable(client, table({}), OBS_ALL);
    const r1 = record('enable stream', await converge(client, table({ stream: stream('KEYS_ONLY') }), OBS_ALL));
    expect(r1.calls).to.deep.equal(['UpdateTable']);
    expect((await describe_(table({}).tableName)).StreamSpecification).to.deep.equal({
      StreamEnabled: true,
      StreamViewType: 'KEYS_ONLY',
    });
    const r2 = record('disable stream', await converge(client, table({}), OBS_ALL));
    expect(r2.calls).to.deep.equal(['UpdateTable']);
    expect((await describe_(table({}).tableName)).StreamSpecification?.StreamEnabled ?? false).to.equal(false);
  });

  it('stream view-type change: disables first, then enables (moto refuses any re-enable once disabled)', async () => {
    await createTable(client, table({ stream: stream('KEYS_ONLY') }), OBS_ALL);
    const d = table({ stream: stream('NEW_IMAGE') });
    const steps = plan(d, (await observeTable(client, d.tableName))!);
    expect(steps).to.deep.equal([
      { kind: 'updateStream', enabled: false },
      { kind: 'updateStream', enabled: true, viewType: 'NEW_IMAGE' },
    ]);
    expect((await executeStep(client, d.tableName, steps[0]!)).operation).to.equal('UpdateTable');
    expect((await describe_(d.tableName)).StreamSpecification?.StreamEnabled ?? false).to.equal(false);
    const next = plan(d, (await observeTable(client, d.tableName))!);
    expect(next).to.deep.equal([steps[1]]);
    // AWS allows a new stream after the old one is disabled; moto 5 keeps the old stream label and
    // answers ResourceInUseException "Cannot enable stream" (retryable, so the reconciler backs off).
    let err: unknown;
    try {
      await executeStep(client, d.tableName, next[0]!);
    } catch (e) {
      err = e;
    }
    expect((err as Error | undefined)?.name).to.equal('ResourceInUseException');
  });

  it('TTL: enable; an attribute change disables now and refuses the enable within the hour, without a call', async () => {
    await createTable(client, table({}), OBS_ALL);
    const ttl = (attributeName: string) => table({ timeToLive: { enabled: true, attributeName, path: 't' } });
    const r1 = record('enable TTL', await converge(client, ttl('exp'), OBS_ALL));
    expect(r1.calls).to.deep.equal(['UpdateTimeToLive']);
    const desc = await client.send(new DescribeTimeToLiveCommand({ TableName: ttl('exp').tableName }));
    expect(desc.TimeToLiveDescription).to.deep.include({ TimeToLiveStatus: 'ENABLED', AttributeName: 'exp' });
    const r2 = record(
      'change TTL attribute (disable; enable blocked 1h)',
      await converge(client, ttl('other'), OBS_ALL, { lastTtlChangeAt: new Date(0) }),
    );
    expect(r2.calls).to.deep.equal(['UpdateTimeToLive']);
    expect(r2.blocked).to.have.length(1);
    const blocked = r2.blocked[0]!;
    expect(blocked).to.include({ kind: 'updateTtl', enabled: true, attributeName: 'other' });
    let err: unknown;
    try {
      await executeStep(client, ttl('other').tableName, blocked);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(StepBlockedError);
    expect((err as StepBlockedError).retryAfterMs).to.be.within(59 * 60_000, 60 * 60_000);
    const after = await client.send(new DescribeTimeToLiveCommand({ TableName: ttl('other').tableName }));
    expect(after.TimeToLiveDescription?.TimeToLiveStatus).to.equal('DISABLED');
  });

  it('PITR: on (35 days), recovery period change, off', async () => {
    await createTable(client, table({}), OBS_ALL);
    const pitr = (enabled: boolean, days?: number) =>
      table({ pointInTimeRecovery: { enabled, recoveryPeriodInDays: days, path: 'p' } });
    expect(record('PITR on', await converge(client, pitr(true), OBS_ALL)).calls).to.deep.equal([
      'UpdateContinuousBackups',
    ]);
    expect(record('PITR period 35 → 7', await converge(client, pitr(true, 7), OBS_ALL)).calls).to.deep.equal([
      'UpdateContinuousBackups',
    ]);
    expect((await observeTable(client, pitr(true).tableName))?.pointInTimeRecovery).to.deep.equal({
      enabled: true,
      recoveryPeriodInDays: 7,
    });
    expect(record('PITR off', await converge(client, pitr(false), OBS_ALL)).calls).to.deep.equal([
      'UpdateContinuousBackups',
    ]);
    expect((await observeTable(client, pitr(false).tableName))?.pointInTimeRecovery).to.deep.equal({ enabled: false });
  });

  it('deletion protection on, then off: one call each', async () => {
    await createTable(client, table({}), OBS_ALL);
    const d = table({ deletionProtectionEnabled: true });
    const r = record('deletion protection on', await converge(client, d, OBS_ALL));
    expect(r.steps).to.deep.equal([{ kind: 'updateTableSettings', deletionProtectionEnabled: true }]);
    expect((await describe_(d.tableName)).DeletionProtectionEnabled).to.equal(true);
    const off = record('deletion protection off', await converge(client, table({}), OBS_ALL));
    expect(off.calls).to.deep.equal(['UpdateTable']);
    expect((await describe_(d.tableName)).DeletionProtectionEnabled).to.equal(false);
  });

  it('tags: adds, changes, removes the ones we set before; never aws: or foreign tags', async () => {
    await createTable(client, table({ tags: { Team: 'a', Old: 'x', Foreign: 'f' } }), OBS_ALL);
    const d = table({ tags: { Team: 'b', New: 'n' } });
    const r = record(
      'tags added/changed/removed',
      await converge(client, d, OBS_ALL, { managedTagKeys: ['Team', 'Old'] }),
    );
    expect(r.calls).to.deep.equal(['UntagResource', 'TagResource']);
    expect((await observeTable(client, d.tableName))?.tags).to.deep.equal({ Team: 'b', New: 'n', Foreign: 'f' });
  });

  it('repairs each kind of drift made outside Kubernetes, and names it', async () => {
    const d = table({
      attributeDefinitions: attrs('a'),
      globalSecondaryIndexes: [gsi('idx', 'a')],
      pointInTimeRecovery: { enabled: true, path: 'p' },
      tags: { Team: 'a' },
    });
    await createTable(client, d, OBS_ALL);
    const first = await converge(client, d, OBS_ALL); // PITR is not part of CreateTable
    expect(first.calls).to.deep.equal(['UpdateContinuousBackups']);
    const arn = (await describe_(d.tableName)).TableArn!;
    await client.send(
      new UpdateTableCommand({
        TableName: d.tableName,
        GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'idx' } }],
      }),
    );
    await client.send(
      new UpdateContinuousBackupsCommand({
        TableName: d.tableName,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
      }),
    );
    await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'Team', Value: 'edited' }] }));
    const o = await observeTable(client, d.tableName);
    expect(driftOf(d, o!)).to.deep.equal([
      'GSI idx is missing in AWS',
      'point-in-time recovery is off in AWS, the spec says on',
      'tag Team is "edited" in AWS, the spec says "a"',
    ]);
    const r = record('drift: GSI removed, PITR off, tag edited', await converge(client, d, OBS_ALL));
    expect(r.calls).to.deep.equal(['UpdateTable', 'UpdateContinuousBackups', 'TagResource']);
    expect(driftOf(d, (await observeTable(client, d.tableName))!)).to.deep.equal([]);
  });
});
