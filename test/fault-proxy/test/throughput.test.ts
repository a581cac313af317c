// The proxy's model of OnDemandThroughput and WarmThroughput (what moto 5.2.5 lacks): pure rules first,
// then through the proxy in front of a real moto, as the AWS SDK sees it.
import { expect } from 'chai';
import { CreateTableCommand, DescribeTableCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { clientFor, startMoto } from '../../../packages/reconciler/test/update.helpers.ts';
import type { Emulator } from '../../../packages/reconciler/test/update.helpers.ts';
import { startFaultProxy } from '../index.ts';
import type { FaultProxy } from '../index.ts';
import { ThroughputModel } from '../throughput.ts';

const onDemandTable = { BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' } };

describe('fault proxy: on-demand caps and warm throughput (model)', () => {
  it('CreateTable: caps only under PAY_PER_REQUEST, each ≥ 1 or -1', () => {
    const m = new ThroughputModel();
    expect(m.checkCreate({ BillingMode: 'PAY_PER_REQUEST', OnDemandThroughput: { MaxReadRequestUnits: 5 } })).to.equal(
      undefined,
    );
    expect(
      m.checkCreate({ BillingMode: 'PROVISIONED', OnDemandThroughput: { MaxReadRequestUnits: 5 } })?.message,
    ).to.match(/OnDemandThroughput for table can only be specified when BillingMode is PAY_PER_REQUEST/);
    expect(
      m.checkCreate({
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: [{ IndexName: 'by-g', OnDemandThroughput: { MaxWriteRequestUnits: 0 } }],
      })?.message,
    ).to.match(/MaxWriteRequestUnits of OnDemandThroughput for index by-g must be at least 1, or -1/);
  });

  it('CreateTable: a partial WarmThroughput gets the default for the value left out', () => {
    const m = new ThroughputModel();
    const out = m.completeCreate({
      BillingMode: 'PAY_PER_REQUEST',
      WarmThroughput: { ReadUnitsPerSecond: 12500 },
      GlobalSecondaryIndexes: [
        { IndexName: 'by-g', WarmThroughput: { WriteUnitsPerSecond: 4200 } },
        { IndexName: 'x' },
      ],
    });
    expect(out.WarmThroughput).to.deep.equal({ ReadUnitsPerSecond: 12500, WriteUnitsPerSecond: 4000 });
    expect(out.GlobalSecondaryIndexes).to.deep.equal([
      { IndexName: 'by-g', WarmThroughput: { ReadUnitsPerSecond: 12000, WriteUnitsPerSecond: 4200 } },
      { IndexName: 'x' },
    ]);
    const provisioned = m.completeCreate({
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 7 },
      WarmThroughput: { ReadUnitsPerSecond: 10 },
    });
    expect(provisioned.WarmThroughput).to.deep.equal({ ReadUnitsPerSecond: 10, WriteUnitsPerSecond: 7 });
  });

  it('keeps caps per table and GSI, -1 removes one, DescribeTable shows them', () => {
    const m = new ThroughputModel();
    m.acceptedCreate('t', {
      OnDemandThroughput: { MaxReadRequestUnits: 100, MaxWriteRequestUnits: 50 },
      GlobalSecondaryIndexes: [{ IndexName: 'by-g', OnDemandThroughput: { MaxReadRequestUnits: 10 } }],
    });
    m.acceptedUpdate('t', { OnDemandThroughput: { MaxReadRequestUnits: -1 } });
    const d: Record<string, unknown> = { GlobalSecondaryIndexes: [{ IndexName: 'by-g' }] };
    m.decorate('t', d);
    expect(d).to.deep.equal({
      OnDemandThroughput: { MaxWriteRequestUnits: 50 },
      GlobalSecondaryIndexes: [{ IndexName: 'by-g', OnDemandThroughput: { MaxReadRequestUnits: 10 } }],
    });
    m.acceptedUpdate('t', { BillingMode: 'PROVISIONED' });
    const after: Record<string, unknown> = {};
    m.decorate('t', after);
    expect(after).to.deep.equal({});
  });

  it('UpdateTable: caps refused on a PROVISIONED table unless it switches; warm throughput never lowered', () => {
    const m = new ThroughputModel();
    const caps = { OnDemandThroughput: { MaxReadRequestUnits: 5 } };
    expect(m.checkUpdate(caps, {})?.message).to.match(/only be specified when BillingMode is PAY_PER_REQUEST/);
    expect(m.checkUpdate({ ...caps, BillingMode: 'PAY_PER_REQUEST' }, {})).to.equal(undefined);
    const current = {
      ...onDemandTable,
      WarmThroughput: { ReadUnitsPerSecond: 15000, WriteUnitsPerSecond: 5000 },
      GlobalSecondaryIndexes: [{ IndexName: 'by-g', WarmThroughput: { ReadUnitsPerSecond: 13000 } }],
    };
    expect(m.checkUpdate({ WarmThroughput: { ReadUnitsPerSecond: 14000 } }, current)?.message).to.match(
      /ReadUnitsPerSecond for WarmThroughput for table is lower than the current value 15000/,
    );
    expect(
      m.checkUpdate(
        {
          GlobalSecondaryIndexUpdates: [
            { Update: { IndexName: 'by-g', WarmThroughput: { ReadUnitsPerSecond: 12000 } } },
          ],
        },
        current,
      )?.message,
    ).to.match(/for index by-g is lower than the current value 13000/);
    expect(m.checkUpdate({ WarmThroughput: { ReadUnitsPerSecond: 16000 } }, current)).to.equal(undefined);
    // The value left out keeps its current value, as on AWS.
    expect(m.completeWarm({ WarmThroughput: { ReadUnitsPerSecond: 16000 } }, current).WarmThroughput).to.deep.equal({
      ReadUnitsPerSecond: 16000,
      WriteUnitsPerSecond: 5000,
    });
  });
});

describe('fault proxy: on-demand caps and warm throughput (in front of moto)', function () {
  this.timeout(60_000);
  let moto: Emulator;
  let proxy: FaultProxy;
  let client: DynamoDBClient;
  const TableName = `tp-${Date.now()}`;
  before(async () => {
    moto = await startMoto();
    proxy = await startFaultProxy({ upstream: moto.endpoint, timings: { updateMs: 0, gsiCreateMs: 0 } });
    client = clientFor(proxy.url);
  });
  after(async () => {
    client?.destroy();
    await proxy?.close();
    await moto?.stop();
  });

  it('DescribeTable echoes the caps moto drops; a lower warm value is refused; a partial one keeps the other', async () => {
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        OnDemandThroughput: { MaxReadRequestUnits: 100, MaxWriteRequestUnits: 50 },
        WarmThroughput: { ReadUnitsPerSecond: 15000, WriteUnitsPerSecond: 5000 },
      }),
    );
    const describe = async () => (await client.send(new DescribeTableCommand({ TableName }))).Table;
    // The quirk is still there: moto itself shows no caps.
    const direct = clientFor(moto.endpoint);
    const raw = (await direct.send(new DescribeTableCommand({ TableName }))).Table;
    direct.destroy();
    expect(raw?.OnDemandThroughput).to.equal(undefined);
    expect((await describe())?.OnDemandThroughput).to.deep.equal({
      MaxReadRequestUnits: 100,
      MaxWriteRequestUnits: 50,
    });
    const lower = await client
      .send(new UpdateTableCommand({ TableName, WarmThroughput: { ReadUnitsPerSecond: 14000 } }))
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(lower?.name).to.equal('ValidationException');
    await client.send(new UpdateTableCommand({ TableName, WarmThroughput: { ReadUnitsPerSecond: 20000 } }));
    await client.send(new UpdateTableCommand({ TableName, OnDemandThroughput: { MaxReadRequestUnits: -1 } }));
    const t = await describe();
    expect(t?.WarmThroughput).to.deep.include({ ReadUnitsPerSecond: 20000, WriteUnitsPerSecond: 5000 });
    expect(t?.OnDemandThroughput).to.deep.equal({ MaxWriteRequestUnits: 50 });
  });
});
