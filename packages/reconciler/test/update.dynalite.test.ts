// The executor against dynalite (in-process): billing, capacity and tag steps converge the emulator's
// state, one AWS call per step. dynalite accepts but ignores GSI create/delete and has no TTL, PITR,
// stream, SSE, table class or deletion protection updates: those run against moto (update.moto).
import { expect } from 'chai';
import { DescribeTableCommand, TagResourceCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
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
const cap = (r: number, w = r): [number, number] => [r, w];

describe('update executor on dynalite', function () {
  this.timeout(60_000);
  const results: { emulator: string; scenario: string; calls: string[]; ms: number }[] = [];
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
    for (const r of results) console.log(`      ${JSON.stringify(r)}`);
  });
  beforeEach(() => n++);

  it('PAY_PER_REQUEST → PROVISIONED gives table and GSI capacity in one call; back in one call', async () => {
    const ppr = table({ attributeDefinitions: attrs('a'), globalSecondaryIndexes: [gsi('idx', 'a')] });
    await createTable(client, ppr, OBS_DYNALITE);
    const p = table({
      billingMode: 'PROVISIONED',
      provisionedThroughput: prov(7, 3),
      attributeDefinitions: attrs('a'),
      globalSecondaryIndexes: [gsi('idx', 'a', undefined, 'ALL', [], cap(4, 2))],
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
    const after = (await client.send(new DescribeTableCommand({ TableName: p.tableName }))).Table;
    expect(after?.BillingModeSummary?.BillingMode).to.equal('PAY_PER_REQUEST');
  });

  it('raises table and GSI capacity: the table first, then both GSIs in one call', async () => {
    const base = { billingMode: 'PROVISIONED' as const, attributeDefinitions: attrs('a', 'b') };
    const gsis = (a: number, b: number) => [
      gsi('idx-a', 'a', undefined, 'ALL', [], cap(a)),
      gsi('idx-b', 'b', undefined, 'ALL', [], cap(b)),
    ];
    await createTable(
      client,
      table({ ...base, provisionedThroughput: prov(1), globalSecondaryIndexes: gsis(1, 1) }),
      OBS_DYNALITE,
    );
    const d = table({ ...base, provisionedThroughput: prov(10), globalSecondaryIndexes: gsis(5, 6) });
    const r = record('raise capacity (table + 2 GSIs)', await converge(client, d, OBS_DYNALITE));
    expect(r.steps.map((s) => s.kind)).to.deep.equal(['updateTableSettings', 'updateGsiCapacity']);
    const o = await observeTable(client, d.tableName, OBS_DYNALITE);
    expect(o?.provisionedThroughput).to.deep.equal({ readCapacityUnits: 10, writeCapacityUnits: 10 });
    expect(o?.globalSecondaryIndexes.map((g) => g.provisionedThroughput?.readCapacityUnits).sort()).to.deep.equal([
      5, 6,
    ]);
  });

  it('tags: adds, changes, removes the ones we set before, keeps foreign ones', async () => {
    const d0 = table({});
    await createTable(client, d0, OBS_DYNALITE);
    // dynalite drops CreateTable's Tags: put the starting tags on with TagResource.
    const arn = (await observeTable(client, d0.tableName, OBS_DYNALITE))!.tableArn!;
    const start = { Team: 'a', Old: 'x', Foreign: 'f' };
    await client.send(
      new TagResourceCommand({ ResourceArn: arn, Tags: Object.entries(start).map(([Key, Value]) => ({ Key, Value })) }),
    );
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

  it('repairs capacity changed outside Kubernetes, and a converged table costs one observation and no write', async () => {
    const d = table({ billingMode: 'PROVISIONED', provisionedThroughput: prov(5), attributeDefinitions: attrs() });
    await createTable(client, d, OBS_DYNALITE);
    const idle = await converge(client, d, OBS_DYNALITE);
    expect([idle.calls, idle.observations]).to.deep.equal([[], 1]);
    await client.send(
      new UpdateTableCommand({
        TableName: d.tableName,
        ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
      }),
    );
    const r = record('drift: capacity changed outside', await converge(client, d, OBS_DYNALITE));
    expect(r.calls).to.deep.equal(['UpdateTable']);
    const o = await observeTable(client, d.tableName, OBS_DYNALITE);
    expect(o?.provisionedThroughput).to.deep.equal({ readCapacityUnits: 5, writeCapacityUnits: 5 });
  });
});
