// The fault proxy itself: counting, each injected fault as the AWS SDK sees it, and the rules it
// enforces that the emulators do not model (against real emulators: dynalite in-process, moto).
import { expect } from 'chai';
import {
  CreateTableCommand,
  DescribeTableCommand,
  ListTablesCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { clientFor, startDynalite, startMoto, waitUntil } from '../../../packages/reconciler/test/update.helpers.ts';
import type { Emulator } from '../../../packages/reconciler/test/update.helpers.ts';
import { startFaultProxy } from '../index.ts';
import type { FaultProxy } from '../index.ts';

async function failure(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to fail');
}

const createInput = (TableName: string) =>
  new CreateTableCommand({
    TableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  });

describe('fault proxy on dynalite', function () {
  this.timeout(20_000);
  let emu: Emulator;
  let proxy: FaultProxy;
  let client: DynamoDBClient;
  before(async () => {
    emu = await startDynalite(10);
    proxy = await startFaultProxy({ upstream: emu.endpoint, timings: { updateMs: 0, gsiCreateMs: 0, gsiDeleteMs: 0 } });
    client = clientFor(proxy.url);
  });
  after(async () => {
    client?.destroy();
    await proxy?.close();
    await emu?.stop();
  });
  beforeEach(() => proxy.reset());

  it('forwards and counts calls per operation and per table', async () => {
    await client.send(new ListTablesCommand({}));
    await client.send(createInput('count-me'));
    await client.send(new DescribeTableCommand({ TableName: 'count-me' }));
    await client.send(new DescribeTableCommand({ TableName: 'count-me' }));
    expect(proxy.counts()).to.deep.equal({ ListTables: 1, CreateTable: 1, DescribeTable: 2 });
    expect(proxy.counts('count-me')).to.deep.equal({ CreateTable: 1, DescribeTable: 2 });
    expect(proxy.calls().map((c) => [c.seq, c.operation, c.status])).to.deep.equal([
      [1, 'ListTables', 200],
      [2, 'CreateTable', 200],
      [3, 'DescribeTable', 200],
      [4, 'DescribeTable', 200],
    ]);
  });

  it('injects AWS errors the SDK recognises, for a limited number of calls', async () => {
    proxy.addFault({ operation: 'ListTables', times: 2, action: { kind: 'error', error: 'ThrottlingException' } });
    proxy.addFault({ operation: 'DescribeTable', action: { kind: 'error', error: 'ResourceInUseException' } });
    for (let i = 0; i < 2; i++)
      expect((await failure(client.send(new ListTablesCommand({})))).name).to.equal('ThrottlingException');
    await client.send(new ListTablesCommand({}));
    const e = await failure(client.send(new DescribeTableCommand({ TableName: 'x' })));
    expect([e.name, e.$metadata?.httpStatusCode]).to.deep.equal(['ResourceInUseException', 400]);
    expect(proxy.calls().map((c) => c.by ?? 'upstream')).to.deep.equal([
      'fault:error',
      'fault:error',
      'upstream',
      'fault:error',
    ]);
  });

  it('injects 500s, LimitExceededException after N calls, and honours probability', async () => {
    proxy.addFault({ operation: 'ListTables', after: 1, times: 1, action: { kind: 'http500' } });
    await client.send(new ListTablesCommand({}));
    const e = await failure(client.send(new ListTablesCommand({})));
    expect([e.name, e.$metadata?.httpStatusCode]).to.deep.equal(['InternalServerError', 500]);
    proxy.clearFaults();
    proxy.addFault({ probability: 0, action: { kind: 'error', error: 'LimitExceededException' } });
    await client.send(new ListTablesCommand({}));
    proxy.addFault({ probability: 1, action: { kind: 'error', error: 'LimitExceededException' } });
    expect((await failure(client.send(new ListTablesCommand({})))).name).to.equal('LimitExceededException');
  });

  it('adds latency', async () => {
    proxy.addFault({ operation: 'ListTables', action: { kind: 'latency', ms: 150 } });
    const t0 = performance.now();
    await client.send(new ListTablesCommand({}));
    expect(performance.now() - t0).to.be.at.least(145);
  });

  it('drops connections before the emulator sees the call, or after it applied it', async () => {
    proxy.addFault({ operation: 'CreateTable', times: 1, action: { kind: 'drop' } });
    await failure(client.send(createInput('dropped-before')));
    const names1 = (await clientFor(emu.endpoint).send(new ListTablesCommand({}))).TableNames;
    expect(names1).to.not.include('dropped-before');
    proxy.addFault({ operation: 'CreateTable', times: 1, action: { kind: 'dropResponse' } });
    await failure(client.send(createInput('dropped-after')));
    const names2 = (await clientFor(emu.endpoint).send(new ListTablesCommand({}))).TableNames;
    expect(names2).to.include('dropped-after');
    expect(proxy.calls().map((c) => c.status)).to.deep.equal(['dropped', 'dropped']);
  });

  it('refuses two GSI creates/deletes in one UpdateTable without forwarding it', async () => {
    await client.send(createInput('two-gsis'));
    await waitUntil('two-gsis is ACTIVE', async () => {
      const t = await client.send(new DescribeTableCommand({ TableName: 'two-gsis' }));
      return t.Table?.TableStatus === 'ACTIVE';
    });
    proxy.reset();
    const gsi = (IndexName: string) => ({
      Create: {
        IndexName,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }],
        Projection: { ProjectionType: 'ALL' as const },
      },
    });
    const e = await failure(
      client.send(
        new UpdateTableCommand({ TableName: 'two-gsis', GlobalSecondaryIndexUpdates: [gsi('aaa'), gsi('bbb')] }),
      ),
    );
    expect(e.name).to.equal('LimitExceededException');
    expect(e.message).to.match(/Only 1 online index/);
    expect(proxy.calls()[0]).to.include({ by: 'enforced', error: 'LimitExceededException' });
    expect(proxy.calls()[0]?.gsi).to.deep.equal(['Create:aaa', 'Create:bbb']);
  });

  it('answers 502 when the emulator is unreachable', async () => {
    const dead = await startFaultProxy({ upstream: 'http://127.0.0.1:1' });
    try {
      const e = await failure(clientFor(dead.url).send(new ListTablesCommand({})));
      expect(e.$metadata?.httpStatusCode).to.equal(502);
    } finally {
      await dead.close();
    }
  });
});

describe('fault proxy on moto: what emulators do not model', function () {
  this.timeout(60_000);
  let emu: Emulator;
  let proxy: FaultProxy;
  let client: DynamoDBClient;
  let clock = 1_000_000;
  const run = Date.now().toString(36);
  before(async () => {
    emu = await startMoto();
    proxy = await startFaultProxy({
      upstream: emu.endpoint,
      now: () => clock,
      timings: { updateMs: 1000, gsiCreateMs: 5000, gsiDeleteMs: 2000 },
    });
    client = clientFor(proxy.url);
  });
  after(async () => {
    client?.destroy();
    await proxy?.close();
    await emu?.stop();
  });

  it('shows UPDATING / CREATING (backfilling) / DELETING after UpdateTable and refuses UpdateTable meanwhile', async () => {
    const T = `lc-${run}`;
    await client.send(createInput(T));
    const create = (IndexName: string) =>
      new UpdateTableCommand({
        TableName: T,
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: IndexName, AttributeType: 'S' },
        ],
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName,
              KeySchema: [{ AttributeName: IndexName, KeyType: 'HASH' }],
              Projection: { ProjectionType: 'ALL' },
            },
          },
        ],
      });
    await client.send(create('first'));
    let t = (await client.send(new DescribeTableCommand({ TableName: T }))).Table!;
    expect(t.TableStatus).to.equal('UPDATING');
    expect(t.GlobalSecondaryIndexes?.[0]).to.include({
      IndexName: 'first',
      IndexStatus: 'CREATING',
      Backfilling: true,
    });
    const busy = await failure(client.send(create('second')));
    expect(busy.name).to.equal('ResourceInUseException');
    clock += 1000; // table ACTIVE again, index still backfilling
    t = (await client.send(new DescribeTableCommand({ TableName: T }))).Table!;
    expect([t.TableStatus, t.GlobalSecondaryIndexes?.[0]?.IndexStatus]).to.deep.equal(['ACTIVE', 'CREATING']);
    expect((await failure(client.send(create('second')))).message).to.match(/Index first is creating/);
    clock += 4000;
    await client.send(create('second'));
    clock += 5000;
    await client.send(
      new UpdateTableCommand({ TableName: T, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'first' } }] }),
    );
    t = (await client.send(new DescribeTableCommand({ TableName: T }))).Table!;
    const first = t.GlobalSecondaryIndexes?.find((g) => g.IndexName === 'first');
    expect(first).to.include({ IndexStatus: 'DELETING' });
    expect(first?.KeySchema).to.deep.equal([{ AttributeName: 'first', KeyType: 'HASH' }]);
    clock += 2000;
    t = (await client.send(new DescribeTableCommand({ TableName: T }))).Table!;
    expect(t.GlobalSecondaryIndexes?.map((g) => [g.IndexName, g.IndexStatus])).to.deep.equal([['second', 'ACTIVE']]);
    const accepted = proxy.calls().filter((c) => c.operation === 'UpdateTable' && c.status === 200);
    expect(accepted.map((c) => c.gsi)).to.deep.equal([['Create:first'], ['Create:second'], ['Delete:first']]);
  });

  it('allows one TTL change per hour per table (injected clock)', async () => {
    const T = `ttl-${run}`;
    await client.send(createInput(T));
    const ttl = (Enabled: boolean) =>
      client.send(
        new UpdateTimeToLiveCommand({ TableName: T, TimeToLiveSpecification: { Enabled, AttributeName: 'exp' } }),
      );
    await ttl(true);
    clock += 59 * 60_000;
    const e = await failure(ttl(false));
    expect([e.name, e.message]).to.deep.equal([
      'ValidationException',
      'Time to live has been modified multiple times within a fixed interval',
    ]);
    clock += 60_000;
    await ttl(false);
    expect(proxy.counts(T).UpdateTimeToLive).to.equal(3);
  });
});
