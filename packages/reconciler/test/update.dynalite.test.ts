// The executor against dynalite (in-process): GSI, billing, capacity and tag steps converge the
// emulator's state, one AWS call per step. dynalite has no TTL/PITR/stream/SSE updates: see update.moto.
import { expect } from 'chai';
import { DescribeTableCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { plan } from '@dynamodb-operator/api';
import type { TableModel } from '@dynamodb-operator/api';
import { gsi, model } from '../../api/test/plan.helpers.ts';
import { observeTable } from '../src/update/index.ts';
import { clientFor, converge, createTable, OBS_DYNALITE, startDynalite } from './update.helpers.ts';
import type { ConvergeResult, Emulator } from './update.helpers.ts';

const attrs = (...names: string[]) => [
  { name: 'pk', type: 'S' as const, path: 'a' },
  ...names.map((name) => ({ name, type: 'S' as const, path: 'a' })),
];
const prov = (r: number, w = r) => ({ readCapacityUnits: r, writeCapacityUnits: w, path: 'c' });
export const results: { emulator: string; scenario: string; calls: string[]; ms: number }[] = [];

describe('update executor on dynalite', function () {
  this.timeout(60_000);
  let emu: Emulator;
  let client: DynamoDBClient;
  let n = 0;
  const table = (over: Partial<TableModel>): TableModel => model({ tableName: `upd-${n}`, ...over });
  const record = (scenario: string, r: ConvergeResult): ConvergeResult => {
    results.push({ emulator: 'dynalite', scenario, calls: r.calls, ms: r.ms });
    return r;
  };

  before(async () => {
    emu = await startDynalite();
    client = clientFor(emu.endpoint);
  });
  after(async () => {
    client?.destroy();
    await emu?.stop();
    for (const r of results) console.log(JSON.stringify(r));
  });
  beforeEach(() => n++);

  it('adds three GSIs in one apply: three UpdateTable calls, each after the previous index is ACTIVE', async () => {
    const was = table({ attributeDefinitions: attrs() });
    await createTable(client, was, OBS_DYNALITE);
    const d = table({
      attributeDefinitions: attrs('a', 'b', 'c'),
      globalSecondaryIndexes: [
        gsi('by-a', 'a'),
        gsi('by-b', 'b', 'c', 'KEYS_ONLY'),
        gsi('by-c', 'c', undefined, 'INCLUDE', ['x']),
      ],
    });
    const r = record('add three GSIs', await converge(client, d, OBS_DYNALITE));
    expect(r.calls).to.deep.equal(['UpdateTable', 'UpdateTable', 'UpdateTable']);
    const t = (await client.send(new DescribeTableCommand({ TableName: d.tableName }))).Table!;
    expect(
      t.GlobalSecondaryIndexes?.map((g) => [g.IndexName, g.IndexStatus, g.Projection?.ProjectionType]).sort(),
    ).to.deep.equal([
      ['by-a', 'ACTIVE', 'ALL'],
      ['by-b', 'ACTIVE', 'KEYS_ONLY'],
      ['by-c', 'ACTIVE', 'INCLUDE'],
    ]);
  });

  it('removes one GSI and adds one in the same apply: delete, then create', async () => {
    const was = table({
      attributeDefinitions: attrs('a', 'b'),
      globalSecondaryIndexes: [gsi('keep', 'a'), gsi('old', 'b')],
    });
    await createTable(client, was, OBS_DYNALITE);
    const d = table({
      attributeDefinitions: attrs('a', 'c'),
      globalSecondaryIndexes: [gsi('keep', 'a'), gsi('new', 'c')],
    });
    const r = record('remove one GSI, add one', await converge(client, d, OBS_DYNALITE));
    expect(r.steps.map((s) => s.kind)).to.deep.equal(['deleteGsi', 'createGsi']);
    const o = await observeTable(client, d.tableName, OBS_DYNALITE);
    expect(o?.globalSecondaryIndexes.map((g) => g.indexName).sort()).to.deep.equal(['keep', 'new']);
  });

  it("changes a GSI's projection by deleting and re-creating it", async () => {
    await createTable(
      client,
      table({ attributeDefinitions: attrs('a'), globalSecondaryIndexes: [gsi('idx', 'a')] }),
      OBS_DYNALITE,
    );
    const d = table({
      attributeDefinitions: attrs('a'),
      globalSecondaryIndexes: [gsi('idx', 'a', undefined, 'INCLUDE', ['x', 'y'])],
    });
    const r = record('change GSI projection', await converge(client, d, OBS_DYNALITE));
    expect(r.steps.map((s) => s.kind)).to.deep.equal(['deleteGsi', 'createGsi']);
    const g = (await observeTable(client, d.tableName, OBS_DYNALITE))?.globalSecondaryIndexes[0];
    expect(g?.projection).to.deep.equal({ type: 'INCLUDE', nonKeyAttributes: ['x', 'y'] });
  });

  it('PAY_PER_REQUEST → PROVISIONED with GSI capacity in one call, then back', async () => {
    const ppr = table({ attributeDefinitions: attrs('a'), globalSecondaryIndexes: [gsi('idx', 'a')] });
    await createTable(client, ppr, OBS_DYNALITE);
    const p = table({
      billingMode: 'PROVISIONED',
      provisionedThroughput: prov(7, 3),
      attributeDefinitions: attrs('a'),
      globalSecondaryIndexes: [gsi('idx', 'a', undefined, 'ALL', [], [4, 2])],
    });
    const r1 = record('PAY_PER_REQUEST → PROVISIONED (with GSI capacity)', await converge(client, p, OBS_DYNALITE));
    expect(r1.calls).to.deep.equal(['UpdateTable']);
    const t = (await client.send(new DescribeTableCommand({ TableName: p.tableName }))).Table!;
    expect(t.BillingModeSummary?.BillingMode).to.equal('PROVISIONED');
    expect(t.ProvisionedThroughput).to.include({ ReadCapacityUnits: 7, WriteCapacityUnits: 3 });
    expect(t.GlobalSecondaryIndexes?.[0]?.ProvisionedThroughput).to.include({
      ReadCapacityUnits: 4,
      WriteCapacityUnits: 2,
    });
    const r2 = record('PROVISIONED → PAY_PER_REQUEST', await converge(client, ppr, OBS_DYNALITE));
    expect(r2.calls).to.deep.equal(['UpdateTable']);
    expect(
      (await client.send(new DescribeTableCommand({ TableName: p.tableName }))).Table?.BillingModeSummary?.BillingMode,
    ).to.equal('PAY_PER_REQUEST');
  });

  it('raises table and GSI capacity: table first, then the GSIs in one call', async () => {
    const base = { billingMode: 'PROVISIONED' as const, attributeDefinitions: attrs('a', 'b') };
    const was = table({
      ...base,
      provisionedThroughput: prov(1),
      globalSecondaryIndexes: [
        gsi('idx-a', 'a', undefined, 'ALL', [], [1, 1]),
        gsi('idx-b', 'b', undefined, 'ALL', [], [1, 1]),
      ],
    });
    await createTable(client, was, OBS_DYNALITE);
    const d = table({
      ...base,
      provisionedThroughput: prov(10),
      globalSecondaryIndexes: [
        gsi('idx-a', 'a', undefined, 'ALL', [], [5, 5]),
        gsi('idx-b', 'b', undefined, 'ALL', [], [6, 6]),
      ],
    });
    const r = record('raise capacity (table + 2 GSIs)', await converge(client, d, OBS_DYNALITE));
    expect(r.steps.map((s) => s.kind)).to.deep.equal(['updateTableSettings', 'updateGsiCapacity']);
    const o = await observeTable(client, d.tableName, OBS_DYNALITE);
    expect(o?.provisionedThroughput).to.deep.equal({ readCapacityUnits: 10, writeCapacityUnits: 10 });
    expect(o?.globalSecondaryIndexes.map((g) => g.provisionedThroughput?.readCapacityUnits).sort()).to.deep.equal([
      5, 6,
    ]);
  });

  it('tags: adds, changes, removes the ones we set before, keeps foreign ones', async () => {
    const was = table({ tags: { Team: 'a', Old: 'x' } });
    await createTable(client, { ...was, tags: { ...was.tags, Foreign: 'f' } }, OBS_DYNALITE);
    const d = table({ tags: { Team: 'b', New: 'n' } });
    const r = record(
      'tags added/changed/removed',
      await converge(client, d, OBS_DYNALITE, { managedTagKeys: ['Team', 'Old'] }),
    );
    expect(r.calls).to.deep.equal(['UntagResource', 'TagResource']);
    expect((await observeTable(client, d.tableName, OBS_DYNALITE))?.tags).to.deep.equal({
      Team: 'b',
      New: 'n',
      Foreign: 'f',
    });
  });

  it('repairs drift made outside Kubernetes: a removed GSI and changed capacity', async () => {
    const d = table({
      billingMode: 'PROVISIONED',
      provisionedThroughput: prov(5),
      attributeDefinitions: attrs('a'),
      globalSecondaryIndexes: [gsi('idx', 'a', undefined, 'ALL', [], [5, 5])],
    });
    await createTable(client, d, OBS_DYNALITE);
    await client.send(
      new UpdateTableCommand({
        TableName: d.tableName,
        GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'idx' } }],
      }),
    );
    const o = await observeTable(client, d.tableName, OBS_DYNALITE);
    expect(plan(d, o!).map((s) => s.kind)).to.include('createGsi');
    const r1 = record('drift: GSI removed outside', await converge(client, d, OBS_DYNALITE));
    expect(r1.calls).to.deep.equal(['UpdateTable']);
    await client.send(
      new UpdateTableCommand({
        TableName: d.tableName,
        ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
      }),
    );
    const r2 = record('drift: capacity changed outside', await converge(client, d, OBS_DYNALITE));
    expect(r2.calls).to.deep.equal(['UpdateTable']);
    expect((await observeTable(client, d.tableName, OBS_DYNALITE))?.provisionedThroughput).to.deep.equal({
      readCapacityUnits: 5,
      writeCapacityUnits: 5,
    });
  });

  it('a converged table costs reads only: no write on a second pass', async () => {
    const d = table({ attributeDefinitions: attrs('a'), globalSecondaryIndexes: [gsi('idx', 'a')], tags: { t: '1' } });
    await createTable(client, d, OBS_DYNALITE);
    const r = await converge(client, d, OBS_DYNALITE);
    expect(r.calls).to.deep.equal([]);
    expect(r.observations).to.equal(1);
  });
});
