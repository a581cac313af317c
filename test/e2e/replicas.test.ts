// Global table replicas through the webhook and the reconciler, against moto behind the fault proxy
// (moto ignores ReplicaUpdates; the proxy models replicas from the AWS API reference, see
// docs/emulator-gaps.md): a DynamoDB with two replicas and a DynamoDBTable with one are created, their
// replicas added one per UpdateTable (counted at the proxy) and shown ACTIVE in status; a replica
// removed from the spec is deleted; a changed table class of an existing replica is one ReplicaUpdates
// Update; its deletion protection and PITR are set in its own region; a spec without NEW_AND_OLD_IMAGES streams, or with a replica in the
// provider's own region, is refused at apply;
// deleting the object deletes its replicas (one per call) and then the table; Orphan leaves both.
import { expect } from 'chai';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient, TableDescription } from '@aws-sdk/client-dynamodb';
import { stringify } from 'yaml';
import { applyYaml, kubectl, waitFor } from './support/index.ts';
import { GROUP, emulatorClient, getObj, mustApply } from './support-reconciler/index.ts';
import type { Obj } from './support-reconciler/index.ts';
import type { CallRecord, ProxyProc } from './support-updates/index.ts';
import { readyAtGeneration as readyAt, startOperatorStack } from './support-stack/index.ts';
import type { OperatorStack } from './support-stack/index.ts';

const TABLE = 'replicas_orders';
const TABLE_KIND = 'replicas_table_kind';

function ordersYaml(replicas: string[]): string {
  return stringify({
    apiVersion: `${GROUP}/v1alpha1`,
    kind: 'DynamoDB',
    metadata: { name: 'orders' },
    spec: {
      providerRef: { name: 'moto' },
      tableName: TABLE,
      billingMode: 'PAY_PER_REQUEST',
      attributes: [{ name: 'pk', type: 'S' }],
      keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
      streamSpecification: { streamEnabled: true, streamViewType: 'NEW_AND_OLD_IMAGES' },
      replicas: replicas.map((regionName) => ({ regionName })),
      deletionPolicy: 'Delete',
    },
  });
}

function tableKindYaml(): string {
  return stringify({
    apiVersion: `${GROUP}/v1alpha1`,
    kind: 'DynamoDBTable',
    metadata: { name: 'quick' },
    spec: {
      providerRef: { name: 'moto' },
      tableName: TABLE_KIND,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: { name: 'id', type: 'S' },
      streamEnabled: true,
      streamViewType: 'NEW_AND_OLD_IMAGES',
      replicas: [{ regionName: 'us-west-2', tableClassOverride: 'STANDARD_INFREQUENT_ACCESS' }],
      deletionPolicy: 'Delete',
    },
  });
}

type ReplicaStatus = {
  regionName: string;
  status: string;
  tableClass?: string;
  deletionProtectionEnabled?: boolean;
  pointInTimeRecovery?: boolean;
};
const replicasOf = (o: Obj | undefined): ReplicaStatus[] | undefined =>
  (o?.status as { replicas?: ReplicaStatus[] } | undefined)?.replicas;

/** UpdateTable calls of one table that carried ReplicaUpdates, as [HTTP status, actions]. */
const replicaCalls = (calls: CallRecord[], table: string) =>
  calls.filter((c) => c.table === table && c.replicas).map((c) => [c.status, c.replicas]);

describe('global table replicas (webhook + reconciler + moto behind the fault proxy)', function () {
  this.timeout(300_000);
  let ns: string;
  let proxy: ProxyProc;
  let ddb: DynamoDBClient;
  let stack: OperatorStack | undefined;

  const describe_ = async (name = TABLE): Promise<TableDescription> =>
    (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table ?? {};
  const readyAtGeneration = (resource: string, name: string) => readyAt(ns, resource, name);

  before(async () => {
    stack = await startOperatorStack('replicas', ['--resync-period=2s', '--drift-check-period=4s']);
    ({ ns, proxy, ddb } = stack);
    mustApply(ordersYaml(['eu-west-1', 'ap-southeast-2']), ns);
    mustApply(tableKindYaml(), ns);
  });

  after(async () => {
    await stack?.stop();
  });

  it('kubectl explain documents spec.replicas and status.replicas', () => {
    const spec = kubectl(['explain', 'dynamodbs.spec.replicas']);
    expect(spec.code, spec.stderr).to.equal(0);
    expect(spec.stdout).to.contain('regionName').and.contain('NEW_AND_OLD_IMAGES');
    const status = kubectl(['explain', 'dynamodbtables.status.replicas.status']);
    expect(status.code, status.stderr).to.equal(0);
    expect(status.stdout).to.contain('CREATING');
  });

  it('adds the replicas one per UpdateTable, each when the last is ACTIVE; status shows them ACTIVE and Ready', async () => {
    const o = await waitFor(
      'orders Ready with both replicas ACTIVE',
      () => {
        const x = readyAtGeneration('dynamodb', 'orders')();
        return replicasOf(x)?.filter((r) => r.status === 'ACTIVE').length === 2 ? x : undefined;
      },
      { timeoutMs: 90_000 },
    );
    expect(replicasOf(o)).to.have.deep.members([
      { regionName: 'eu-west-1', status: 'ACTIVE' },
      { regionName: 'ap-southeast-2', status: 'ACTIVE' },
    ]);
    const t = await describe_();
    expect(t.GlobalTableVersion).to.equal('2019.11.21');
    expect(t.Replicas?.map((r) => [r.RegionName, r.ReplicaStatus])).to.have.deep.members([
      ['eu-west-1', 'ACTIVE'],
      ['ap-southeast-2', 'ACTIVE'],
    ]);
    // Exactly two calls, one replica each in spec order, none refused: the reconciler waited for ACTIVE
    // in between.
    expect(replicaCalls(await proxy.calls(), TABLE)).to.deep.equal([
      [200, ['Create:eu-west-1']],
      [200, ['Create:ap-southeast-2']],
    ]);

    const q = await waitFor(
      'quick Ready with its replica ACTIVE',
      () => {
        const x = readyAtGeneration('dynamodbtable', 'quick')();
        return replicasOf(x)?.[0]?.status === 'ACTIVE' ? x : undefined;
      },
      { timeoutMs: 90_000 },
    );
    expect(replicasOf(q)).to.deep.equal([
      { regionName: 'us-west-2', status: 'ACTIVE', tableClass: 'STANDARD_INFREQUENT_ACCESS' },
    ]);
    expect((await describe_(TABLE_KIND)).Replicas?.[0]?.ReplicaTableClassSummary?.TableClass).to.equal(
      'STANDARD_INFREQUENT_ACCESS',
    );
  });

  it('deletes a replica removed from the spec, in one UpdateTable', async () => {
    const since = (await proxy.calls()).length;
    mustApply(ordersYaml(['eu-west-1']), ns);
    const o = await waitFor(
      'orders Ready with one replica',
      () => {
        const x = readyAtGeneration('dynamodb', 'orders')();
        return replicasOf(x)?.length === 1 ? x : undefined;
      },
      { timeoutMs: 90_000 },
    );
    expect(replicasOf(o)).to.deep.equal([{ regionName: 'eu-west-1', status: 'ACTIVE' }]);
    expect((await describe_()).Replicas?.map((r) => r.RegionName)).to.deep.equal(['eu-west-1']);
    expect(replicaCalls((await proxy.calls()).slice(since), TABLE)).to.deep.equal([[200, ['Delete:ap-southeast-2']]]);
  });

  it("changing an existing replica's table class sends one ReplicaUpdates Update; status shows it ACTIVE with the new class", async () => {
    const since = (await proxy.calls()).length;
    const p = kubectl([
      'patch',
      'dynamodbtable',
      'quick',
      '-n',
      ns,
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { replicas: [{ regionName: 'us-west-2', tableClassOverride: 'STANDARD' }] } }),
    ]);
    expect(p.code, p.stderr).to.equal(0);
    expect(p.stderr).to.not.match(/takes effect only if/);
    const q = await waitFor(
      'quick Ready with its replica ACTIVE in STANDARD',
      () => {
        const x = readyAtGeneration('dynamodbtable', 'quick')();
        return replicasOf(x)?.[0]?.tableClass === 'STANDARD' ? x : undefined;
      },
      { timeoutMs: 90_000 },
    );
    expect(replicasOf(q)).to.deep.equal([{ regionName: 'us-west-2', status: 'ACTIVE', tableClass: 'STANDARD' }]);
    const t = await describe_(TABLE_KIND);
    expect(t.Replicas?.[0]?.ReplicaTableClassSummary?.TableClass).to.equal('STANDARD');
    // Exactly one Update, accepted: the reconciler sent it while everything was ACTIVE and did not repeat it.
    expect(replicaCalls((await proxy.calls()).slice(since), TABLE_KIND)).to.deep.equal([[200, ['Update:us-west-2']]]);
  });

  it("a replica's deletion protection and PITR are set on its own table in its region, once ACTIVE; status shows them", async () => {
    const since = (await proxy.calls()).length;
    const replica = {
      regionName: 'us-west-2',
      tableClassOverride: 'STANDARD',
      deletionProtectionEnabled: true,
      pointInTimeRecovery: true,
    };
    const p = kubectl([
      'patch',
      'dynamodbtable',
      'quick',
      '-n',
      ns,
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { replicas: [replica] } }),
    ]);
    expect(p.code, p.stderr).to.equal(0);
    const q = await waitFor(
      'quick Ready with its replica protected and PITR on',
      () => {
        const x = readyAtGeneration('dynamodbtable', 'quick')();
        const r = replicasOf(x)?.[0];
        return r?.deletionProtectionEnabled === true && r.pointInTimeRecovery === true ? x : undefined;
      },
      { timeoutMs: 90_000 },
    );
    expect(replicasOf(q)).to.deep.equal([
      {
        regionName: 'us-west-2',
        status: 'ACTIVE',
        tableClass: 'STANDARD',
        deletionProtectionEnabled: true,
        pointInTimeRecovery: true,
      },
    ]);
    // Each write once, signed for us-west-2 (the proxy answers the replica's table from its model), and no
    // ReplicaUpdates: these settings are not part of the replication group.
    const writes = (await proxy.calls())
      .slice(since)
      .filter((c) => c.table === TABLE_KIND && (c.operation.startsWith('Update') || c.replicas))
      .map((c) => [c.operation, c.region ?? 'home', c.status]);
    expect(writes).to.deep.equal([
      ['UpdateTable', 'us-west-2', 200],
      ['UpdateContinuousBackups', 'us-west-2', 200],
    ]);
    const west = emulatorClient(proxy.url, 'us-west-2');
    try {
      const t = (await west.send(new DescribeTableCommand({ TableName: TABLE_KIND }))).Table;
      expect(t?.DeletionProtectionEnabled).to.equal(true);
    } finally {
      west.destroy();
    }
  });

  it('refuses replicas without NEW_AND_OLD_IMAGES streams, or in the own region, at apply, naming the field and the fix', () => {
    const doc = stringify({
      apiVersion: `${GROUP}/v1alpha1`,
      kind: 'DynamoDB',
      metadata: { name: 'no-stream' },
      spec: {
        providerRef: { name: 'moto' },
        tableName: 'replicas_no_stream',
        attributes: [{ name: 'pk', type: 'S' }],
        keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
        streamSpecification: { streamEnabled: true, streamViewType: 'KEYS_ONLY' },
        replicas: [{ regionName: 'eu-west-1' }],
      },
    });
    const r = applyYaml(doc, ['-n', ns]);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain(
      'spec.streamSpecification.streamViewType: replicas (spec.replicas[0]) need the stream view type NEW_AND_OLD_IMAGES, not KEYS_ONLY: set it to NEW_AND_OLD_IMAGES, or remove spec.replicas',
    );
    expect(getObj('dynamodb', ns, 'no-stream')).to.equal(undefined);
    // A replica in the provider's own region (us-east-1): the webhook knows it from its provider cache.
    const own = applyYaml(ordersYaml(['eu-west-1', 'us-east-1']), ['-n', ns]);
    expect(own.code).to.not.equal(0);
    expect(own.stderr).to.contain(
      "spec.replicas[1].regionName: us-east-1 is the table's own region (AWSProvider moto has spec.region us-east-1)",
    );
    // Turning streams off under existing replicas is refused the same way.
    const off = kubectl([
      'patch',
      'dynamodb',
      'orders',
      '-n',
      ns,
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { streamSpecification: { streamEnabled: false, streamViewType: null } } }),
    ]);
    expect(off.code).to.not.equal(0);
    expect(off.stderr).to.contain('spec.streamSpecification: replicas (spec.replicas[0]) need DynamoDB Streams');
  });

  it('deleting the object deletes its replicas one per call, then the table', async () => {
    const since = (await proxy.calls()).length;
    const r = kubectl(['delete', 'dynamodb', 'orders', '-n', ns, '--wait=false']);
    expect(r.code, r.stderr).to.equal(0);
    await waitFor('orders gone', () => getObj('dynamodb', ns, 'orders') === undefined, { timeoutMs: 90_000 });
    const calls = (await proxy.calls()).slice(since).filter((c) => c.table === TABLE);
    expect(replicaCalls(calls, TABLE)).to.deep.equal([[200, ['Delete:eu-west-1']]]);
    const replicaDelete = calls.findIndex((c) => c.replicas);
    const tableDelete = calls.findIndex((c) => c.operation === 'DeleteTable' && c.status === 200);
    expect(tableDelete).to.be.greaterThan(replicaDelete);
    const gone = await ddb.send(new DescribeTableCommand({ TableName: TABLE })).then(
      () => undefined,
      (e: Error) => e.name,
    );
    expect(gone).to.equal('ResourceNotFoundException');
  });

  it('deletionPolicy Orphan leaves the table and its replicas in AWS', async () => {
    const p = kubectl([
      'patch',
      'dynamodbtable',
      'quick',
      '-n',
      ns,
      '--type=merge',
      '-p',
      '{"spec":{"deletionPolicy":"Orphan"}}',
    ]);
    expect(p.code, p.stderr).to.equal(0);
    await waitFor('quick Ready with Orphan', readyAtGeneration('dynamodbtable', 'quick'), { timeoutMs: 60_000 });
    const since = (await proxy.calls()).length;
    const r = kubectl(['delete', 'dynamodbtable', 'quick', '-n', ns, '--wait=false']);
    expect(r.code, r.stderr).to.equal(0);
    await waitFor('quick gone', () => getObj('dynamodbtable', ns, 'quick') === undefined, { timeoutMs: 60_000 });
    const calls = (await proxy.calls()).slice(since).filter((c) => c.table === TABLE_KIND);
    expect(calls.filter((c) => c.replicas || c.operation === 'DeleteTable')).to.deep.equal([]);
    expect((await describe_(TABLE_KIND)).Replicas?.map((x) => [x.RegionName, x.ReplicaStatus])).to.deep.equal([
      ['us-west-2', 'ACTIVE'],
    ]);
  });
});
