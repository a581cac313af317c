// The proxy's model of global table replicas (what moto 5.2.5 lacks): pure rules first, then through
// the proxy in front of a real moto, as the AWS SDK sees it.
import { expect } from 'chai';
import { CreateTableCommand, DescribeTableCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { clientFor, startMoto } from '../../../packages/reconciler/test/update.helpers.ts';
import type { Emulator } from '../../../packages/reconciler/test/update.helpers.ts';
import { startFaultProxy } from '../index.ts';
import type { FaultProxy } from '../index.ts';
import { ReplicaModel, regionOfArn, regionOfAuthorization } from '../replicas.ts';

const T = 'orders';
const streamed = {
  TableStatus: 'ACTIVE',
  TableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders',
  StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
};
const create = (RegionName: string) => ({ TableName: T, ReplicaUpdates: [{ Create: { RegionName } }] });
const del = (RegionName: string) => ({ TableName: T, ReplicaUpdates: [{ Delete: { RegionName } }] });

describe('fault proxy: global table replicas (model)', () => {
  it('a replica needs streams with NEW_AND_OLD_IMAGES, another region, and no duplicate', () => {
    const m = new ReplicaModel();
    expect(regionOfArn(streamed.TableArn)).to.equal('us-east-1');
    expect(m.checkUpdate(T, create('eu-west-1'), { ...streamed, StreamSpecification: undefined }, 0)?.message).to.match(
      /must have DynamoDB Streams enabled with StreamViewType NEW_AND_OLD_IMAGES/,
    );
    expect(
      m.checkUpdate(
        T,
        create('eu-west-1'),
        { ...streamed, StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } },
        0,
      )?.error,
    ).to.equal('ValidationException');
    expect(m.checkUpdate(T, create('us-east-1'), streamed, 0)?.message).to.match(/table's own region/);
    expect(m.checkUpdate(T, create('eu-west-1'), streamed, 0)).to.equal(undefined);
    m.acceptedUpdate(T, create('eu-west-1'), 0);
    m.advanceTo(T, 10_000);
    expect(m.checkUpdate(T, create('eu-west-1'), streamed, 10_000)?.message).to.match(
      /already has a replica in eu-west-1/,
    );
    expect(m.checkUpdate(T, del('ap-south-1'), streamed, 10_000)?.message).to.match(/has no replica in ap-south-1/);
  });

  it('one replica action per call, alone, and none while another replica is changing', () => {
    const m = new ReplicaModel({ createMs: 1000 });
    const two = {
      TableName: T,
      ReplicaUpdates: [{ Create: { RegionName: 'a-b-1' } }, { Create: { RegionName: 'c-d-2' } }],
    };
    expect(m.checkUpdate(T, two, streamed, 0)?.message).to.match(/Only one replica/);
    expect(m.checkUpdate(T, { ...create('eu-west-1'), BillingMode: 'PROVISIONED' }, streamed, 0)?.message).to.match(
      /cannot be combined with other changes in one request \(BillingMode\)/,
    );
    m.acceptedUpdate(T, create('eu-west-1'), 0);
    const busy = m.checkUpdate(T, create('eu-west-2'), streamed, 500);
    expect(busy?.error).to.equal('ResourceInUseException');
    expect(busy?.message).to.match(/replica eu-west-1 is CREATING/);
    expect(m.checkUpdate(T, create('eu-west-2'), streamed, 1000)).to.equal(undefined);
  });

  it('an Update goes UPDATING (table UPDATING, other changes refused) → ACTIVE with the new class and overrides', () => {
    const m = new ReplicaModel({ createMs: 100, updateMs: 1000 });
    const withIndex = {
      TableName: T,
      ReplicaUpdates: [
        {
          Create: {
            RegionName: 'eu-west-1',
            TableClassOverride: 'STANDARD',
            GlobalSecondaryIndexes: [{ IndexName: 'byDate', OnDemandThroughputOverride: { MaxReadRequestUnits: 5 } }],
          },
        },
      ],
    };
    m.acceptedUpdate(T, withIndex, 0);
    const update = {
      TableName: T,
      ReplicaUpdates: [
        {
          Update: {
            RegionName: 'eu-west-1',
            TableClassOverride: 'STANDARD_INFREQUENT_ACCESS',
            OnDemandThroughputOverride: { MaxReadRequestUnits: 20 },
          },
        },
      ],
    };
    expect(m.checkUpdate(T, update, streamed, 200)).to.equal(undefined);
    expect(
      m.checkUpdate(T, { TableName: T, ReplicaUpdates: [{ Update: { RegionName: 'x-y-1' } }] }, streamed, 200)?.message,
    ).to.match(/has no replica in x-y-1/);
    m.acceptedUpdate(T, update, 200);
    const during: Record<string, unknown> = { TableStatus: 'ACTIVE' };
    m.decorate(T, during, 700);
    expect(during.TableStatus).to.equal('UPDATING');
    expect(during.Replicas).to.deep.include.members([
      {
        RegionName: 'eu-west-1',
        ReplicaStatus: 'UPDATING',
        ReplicaTableClassSummary: { TableClass: 'STANDARD_INFREQUENT_ACCESS' },
        OnDemandThroughputOverride: { MaxReadRequestUnits: 20 },
        GlobalSecondaryIndexes: [{ IndexName: 'byDate', OnDemandThroughputOverride: { MaxReadRequestUnits: 5 } }],
      },
    ]);
    expect(m.checkUpdate(T, create('ap-south-1'), streamed, 700)?.message).to.match(/replica eu-west-1 is UPDATING/);
    const after: Record<string, unknown> = { TableStatus: 'ACTIVE' };
    m.decorate(T, after, 1200);
    expect(after.TableStatus).to.equal('ACTIVE');
    expect((after.Replicas as { ReplicaStatus: string }[])[0]?.ReplicaStatus).to.equal('ACTIVE');
  });

  it("a replica's own table in its region: deletion protection and PITR, only when ACTIVE; other regions pass through", () => {
    const m = new ReplicaModel({ createMs: 100 });
    expect(
      regionOfAuthorization(
        'AWS4-HMAC-SHA256 Credential=AKID/20261130/eu-west-1/dynamodb/aws4_request, SignedHeaders=host, Signature=x',
      ),
    ).to.equal('eu-west-1');
    m.acceptedUpdate(T, create('eu-west-1'), 0);
    const dp = { TableName: T, DeletionProtectionEnabled: true };
    expect(m.regional(T, 'eu-west-1', 'UpdateTable', dp, 50)).to.include({ error: 'ResourceInUseException' });
    expect(m.regional(T, 'us-east-1', 'DescribeTable', { TableName: T }, 50)).to.equal(undefined);
    expect(m.regional(T, 'eu-west-1', 'UpdateTable', dp, 200)).to.deep.equal({
      body: { TableDescription: { TableName: T, TableStatus: 'ACTIVE', DeletionProtectionEnabled: true } },
    });
    expect(m.regional(T, 'eu-west-1', 'UpdateTable', { ...dp, BillingMode: 'PROVISIONED' }, 200)).to.include({
      error: 'ValidationException',
    });
    const pitr = { TableName: T, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } };
    expect(m.regional(T, 'eu-west-1', 'UpdateContinuousBackups', pitr, 200)).to.have.property('body');
    expect(m.regional(T, 'eu-west-1', 'DescribeTable', { TableName: T }, 200)).to.deep.equal({
      body: { Table: { TableName: T, TableStatus: 'ACTIVE', DeletionProtectionEnabled: true } },
    });
    expect(m.regional(T, 'eu-west-1', 'DescribeContinuousBackups', { TableName: T }, 200)).to.deep.equal({
      body: {
        ContinuousBackupsDescription: {
          ContinuousBackupsStatus: 'ENABLED',
          PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'ENABLED' },
        },
      },
    });
  });

  it('DescribeTable: CREATING with progress (table UPDATING) → ACTIVE; DELETING → gone; streams locked meanwhile', () => {
    const m = new ReplicaModel({ createMs: 1000, deleteMs: 400 });
    m.acceptedUpdate(
      T,
      {
        ...create('eu-west-1'),
        ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1', TableClassOverride: 'STANDARD_INFREQUENT_ACCESS' } }],
      },
      0,
    );
    const at = (now: number) => {
      const d: Record<string, unknown> = { TableName: T, TableStatus: 'ACTIVE' };
      m.decorate(T, d, now);
      return d;
    };
    expect(at(500)).to.deep.include({
      TableStatus: 'UPDATING',
      GlobalTableVersion: '2019.11.21',
      Replicas: [
        {
          RegionName: 'eu-west-1',
          ReplicaStatus: 'CREATING',
          ReplicaStatusPercentProgress: '50',
          ReplicaTableClassSummary: { TableClass: 'STANDARD_INFREQUENT_ACCESS' },
        },
      ],
    });
    expect(at(1000)).to.deep.include({ TableStatus: 'ACTIVE' });
    expect((at(1000).Replicas as { ReplicaStatus: string }[])[0]?.ReplicaStatus).to.equal('ACTIVE');
    expect(
      m.checkUpdate(T, { TableName: T, StreamSpecification: { StreamEnabled: false } }, streamed, 1000)?.message,
    ).to.match(/its stream cannot be disabled or changed/);
    m.acceptedUpdate(T, del('eu-west-1'), 1000);
    expect((at(1200).Replicas as { ReplicaStatus: string }[])[0]?.ReplicaStatus).to.equal('DELETING');
    const gone = at(1400);
    expect(gone.Replicas).to.equal(undefined);
    expect(gone.GlobalTableVersion).to.equal(undefined);
    expect(m.checkUpdate(T, { TableName: T, StreamSpecification: { StreamEnabled: false } }, streamed, 1400)).to.equal(
      undefined,
    );
  });
});

describe('fault proxy: global table replicas (in front of moto)', function () {
  this.timeout(60_000);
  let moto: Emulator;
  let proxy: FaultProxy;
  let client: DynamoDBClient;
  const TableName = `rep-${Date.now()}`;
  before(async () => {
    moto = await startMoto();
    proxy = await startFaultProxy({
      upstream: moto.endpoint,
      timings: { updateMs: 0 },
      replicaTimings: { createMs: 300, deleteMs: 100 },
    });
    client = clientFor(proxy.url);
  });
  after(async () => {
    client?.destroy();
    await proxy?.close();
    await moto?.stop();
  });

  it('moto ignores ReplicaUpdates; through the proxy a replica is refused without streams, then created and deleted', async () => {
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    const failed = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: Error) => e,
      );
    const add = new UpdateTableCommand({ TableName, ReplicaUpdates: [{ Create: { RegionName: 'eu-west-1' } }] });
    expect((await failed(client.send(add)))?.name).to.equal('ValidationException');
    await client.send(
      new UpdateTableCommand({
        TableName,
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    await client.send(add);
    const describe = async () => (await client.send(new DescribeTableCommand({ TableName }))).Table;
    expect((await describe())?.Replicas?.[0]?.ReplicaStatus).to.equal('CREATING');
    // moto itself knows nothing of it: the quirk the model stands in for.
    const direct = clientFor(moto.endpoint);
    expect((await direct.send(new DescribeTableCommand({ TableName }))).Table?.Replicas).to.equal(undefined);
    direct.destroy();
    let t = await describe();
    for (let i = 0; i < 50 && t?.Replicas?.[0]?.ReplicaStatus !== 'ACTIVE'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      t = await describe();
    }
    expect(t?.Replicas).to.deep.equal([{ RegionName: 'eu-west-1', ReplicaStatus: 'ACTIVE' }]);
    expect(t?.GlobalTableVersion).to.equal('2019.11.21');
    await client.send(new UpdateTableCommand({ TableName, ReplicaUpdates: [{ Delete: { RegionName: 'eu-west-1' } }] }));
    expect(proxy.counts(TableName).UpdateTable).to.equal(4);
  });
});
