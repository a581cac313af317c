// On-demand maximum throughput and warm throughput through the webhook and the reconciler, against moto
// behind the fault proxy (moto drops OnDemandThroughput and lets warm throughput go down; the proxy
// models AWS there, see docs/emulator-gaps.md). A PAY_PER_REQUEST DynamoDB with both fields on the table
// and its GSI, and a DynamoDBTable with both: created with them (in AWS and in status, with the warm
// throughput status); warm throughput raised in place; on-demand caps changed (one removed with -1);
// a cap set behind the operator's back repaired; lowering warm throughput and a cap on a PROVISIONED
// table refused at apply with the field path.
import { expect } from 'chai';
import { DescribeTableCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient, TableDescription } from '@aws-sdk/client-dynamodb';
import { stringify } from 'yaml';
import { applyYaml, kubectl, waitFor } from './support/index.ts';
import { GROUP, getObj, mustApply } from './support-reconciler/index.ts';
import type { ProxyProc } from './support-updates/index.ts';
import { readyAtGeneration as readyAt, startOperatorStack } from './support-stack/index.ts';
import type { OperatorStack } from './support-stack/index.ts';

const TABLE = 'throughput_orders';
const TABLE_KIND = 'throughput_table_kind';

function ordersYaml(): string {
  return stringify({
    apiVersion: `${GROUP}/v1alpha1`,
    kind: 'DynamoDB',
    metadata: { name: 'orders' },
    spec: {
      providerRef: { name: 'moto' },
      tableName: TABLE,
      billingMode: 'PAY_PER_REQUEST',
      onDemandThroughput: { maxReadRequestUnits: 100, maxWriteRequestUnits: 50 },
      warmThroughput: { readUnitsPerSecond: 15000, writeUnitsPerSecond: 5000 },
      attributes: [
        { name: 'pk', type: 'S' },
        { name: 'g', type: 'S' },
      ],
      keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
      globalSecondaryIndexes: [
        {
          indexName: 'by-g',
          keys: [{ attributeName: 'g', keyType: 'HASH' }],
          projection: { type: 'ALL' },
          onDemandThroughput: { maxReadRequestUnits: 40 },
          warmThroughput: { readUnitsPerSecond: 13000, writeUnitsPerSecond: 4500 },
        },
      ],
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
      attributes: [{ name: 'email', type: 'S' }],
      onDemandThroughput: { maxWriteRequestUnits: 30 },
      warmThroughput: { readUnitsPerSecond: 12500 },
      globalSecondaryIndexes: [
        {
          indexName: 'by-email',
          hashKey: 'email',
          onDemandThroughput: { maxReadRequestUnits: 20 },
          warmThroughput: { writeUnitsPerSecond: 4200 },
        },
      ],
      deletionPolicy: 'Delete',
    },
  });
}

interface Limits {
  od?: { MaxReadRequestUnits?: number; MaxWriteRequestUnits?: number };
  warm?: { ReadUnitsPerSecond?: number; WriteUnitsPerSecond?: number };
}
/** OnDemandThroughput and WarmThroughput (without Status) of the table, then of each GSI. */
function limitsOf(t: TableDescription): Limits[] {
  const one = (x: { OnDemandThroughput?: Limits['od']; WarmThroughput?: Limits['warm'] & { Status?: string } }) => {
    const { Status: _status, ...warm } = x.WarmThroughput ?? {};
    return { od: x.OnDemandThroughput, warm };
  };
  return [one(t), ...(t.GlobalSecondaryIndexes ?? []).map(one)];
}

describe('onDemandThroughput and warmThroughput (webhook + reconciler + moto behind the fault proxy)', function () {
  this.timeout(300_000);
  let ns: string;
  let proxy: ProxyProc;
  let ddb: DynamoDBClient;
  let stack: OperatorStack | undefined;

  const describe_ = async (name = TABLE): Promise<TableDescription> =>
    (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table ?? {};
  const readyAtGeneration = (resource: string, name: string) => readyAt(ns, resource, name);
  const patch = (body: unknown, name = 'orders', resource = 'dynamodb') =>
    kubectl(['patch', resource, name, '-n', ns, '--type=merge', '-p', JSON.stringify(body)]);
  const patchJson = (ops: unknown[]) =>
    kubectl(['patch', 'dynamodb', 'orders', '-n', ns, '--type=json', '-p', JSON.stringify(ops)]);

  before(async () => {
    stack = await startOperatorStack('throughput', ['--resync-period=2s', '--drift-check-period=4s']);
    ({ ns, proxy, ddb } = stack);
    mustApply(ordersYaml(), ns);
    mustApply(tableKindYaml(), ns);
  });

  after(async () => {
    await stack?.stop();
  });

  it('kubectl explain shows both fields on the table and the GSIs of both kinds', () => {
    const explain = (path: string) => kubectl(['explain', path]);
    const warm = explain('dynamodbs.spec.warmThroughput');
    expect(warm.code, warm.stderr).to.equal(0);
    expect(warm.stdout).to.contain('readUnitsPerSecond').and.contain('can only be raised');
    const caps = explain('dynamodbtables.spec.globalSecondaryIndexes.onDemandThroughput.maxReadRequestUnits');
    expect(caps.code, caps.stderr).to.equal(0);
    expect(caps.stdout).to.contain('-1 for no limit');
    const status = explain('dynamodbs.status.globalSecondaryIndexes.warmThroughput.status');
    expect(status.code, status.stderr).to.equal(0);
    expect(status.stdout).to.contain('UPDATING');
  });

  it('creates both kinds with their caps and warm throughput on the table and the GSI, shown in status', async () => {
    const o = await waitFor('orders Ready', readyAtGeneration('dynamodb', 'orders'), { timeoutMs: 60_000 });
    expect(limitsOf(await describe_())).to.deep.equal([
      {
        od: { MaxReadRequestUnits: 100, MaxWriteRequestUnits: 50 },
        warm: { ReadUnitsPerSecond: 15000, WriteUnitsPerSecond: 5000 },
      },
      { od: { MaxReadRequestUnits: 40 }, warm: { ReadUnitsPerSecond: 13000, WriteUnitsPerSecond: 4500 } },
    ]);
    const status = o.status as {
      warmThroughput?: unknown;
      onDemandThroughput?: unknown;
      globalSecondaryIndexes?: { warmThroughput?: unknown; onDemandThroughput?: unknown }[];
    };
    expect(status.warmThroughput).to.deep.equal({
      readUnitsPerSecond: 15000,
      writeUnitsPerSecond: 5000,
      status: 'ACTIVE',
    });
    expect(status.onDemandThroughput).to.deep.equal({ maxReadRequestUnits: 100, maxWriteRequestUnits: 50 });
    expect(status.globalSecondaryIndexes?.[0]?.warmThroughput).to.deep.equal({
      readUnitsPerSecond: 13000,
      writeUnitsPerSecond: 4500,
      status: 'ACTIVE',
    });
    // A cap the spec leaves out reads -1 (no limit).
    expect(status.globalSecondaryIndexes?.[0]?.onDemandThroughput).to.deep.equal({
      maxReadRequestUnits: 40,
      maxWriteRequestUnits: -1,
    });

    const q = await waitFor('quick Ready', readyAtGeneration('dynamodbtable', 'quick'), { timeoutMs: 60_000 });
    // Values the spec leaves out are AWS's defaults for an on-demand table (12000 read, 4000 write).
    expect(limitsOf(await describe_(TABLE_KIND))).to.deep.equal([
      { od: { MaxWriteRequestUnits: 30 }, warm: { ReadUnitsPerSecond: 12500, WriteUnitsPerSecond: 4000 } },
      { od: { MaxReadRequestUnits: 20 }, warm: { ReadUnitsPerSecond: 12000, WriteUnitsPerSecond: 4200 } },
    ]);
    expect((q.status as { warmThroughput?: { status?: string } }).warmThroughput?.status).to.equal('ACTIVE');
  });

  it('raises warm throughput in place (table and GSI, one UpdateTable), the value not raised kept', async () => {
    const since = (await proxy.calls()).length;
    const r = patchJson([
      { op: 'replace', path: '/spec/warmThroughput/readUnitsPerSecond', value: 20000 },
      { op: 'replace', path: '/spec/globalSecondaryIndexes/0/warmThroughput/writeUnitsPerSecond', value: 6000 },
    ]);
    expect(r.code, r.stderr).to.equal(0);
    await waitFor('orders Ready after the raise', readyAtGeneration('dynamodb', 'orders'), { timeoutMs: 60_000 });
    const [table, index] = limitsOf(await describe_());
    expect(table?.warm).to.deep.equal({ ReadUnitsPerSecond: 20000, WriteUnitsPerSecond: 5000 });
    expect(index?.warm).to.deep.equal({ ReadUnitsPerSecond: 13000, WriteUnitsPerSecond: 6000 });
    const updates = (await proxy.calls())
      .slice(since)
      .filter((c) => c.table === TABLE && c.operation === 'UpdateTable');
    expect(updates.map((c) => [c.status, c.gsi])).to.deep.equal([[200, ['Update:by-g']]]);
  });

  it('changes on-demand caps in place: one raised, one removed with -1, the GSI cap changed', async () => {
    const since = (await proxy.calls()).length;
    const r = patch({
      spec: {
        onDemandThroughput: { maxReadRequestUnits: -1, maxWriteRequestUnits: 80 },
        globalSecondaryIndexes: [
          {
            indexName: 'by-g',
            keys: [{ attributeName: 'g', keyType: 'HASH' }],
            projection: { type: 'ALL' },
            onDemandThroughput: { maxReadRequestUnits: 60 },
            warmThroughput: { readUnitsPerSecond: 13000, writeUnitsPerSecond: 6000 },
          },
        ],
      },
    });
    expect(r.code, r.stderr).to.equal(0);
    await waitFor(
      'caps in AWS',
      async () => {
        const [table, index] = limitsOf(await describe_());
        return (
          JSON.stringify(table?.od) === JSON.stringify({ MaxWriteRequestUnits: 80 }) &&
          index?.od?.MaxReadRequestUnits === 60
        );
      },
      { timeoutMs: 60_000 },
    );
    const updates = (await proxy.calls())
      .slice(since)
      .filter((c) => c.table === TABLE && c.operation === 'UpdateTable');
    expect(updates.map((c) => [c.status, c.gsi])).to.deep.equal([[200, ['Update:by-g']]]);
    const o = await waitFor('orders Ready after the caps', readyAtGeneration('dynamodb', 'orders'), {
      timeoutMs: 60_000,
    });
    expect((o.status as { onDemandThroughput?: unknown }).onDemandThroughput).to.deep.equal({
      maxReadRequestUnits: -1,
      maxWriteRequestUnits: 80,
    });
  });

  it('repairs a cap set behind its back', async () => {
    await ddb.send(new UpdateTableCommand({ TableName: TABLE, OnDemandThroughput: { MaxReadRequestUnits: 5 } }));
    expect((await describe_()).OnDemandThroughput).to.deep.equal({ MaxReadRequestUnits: 5, MaxWriteRequestUnits: 80 });
    const since = (await proxy.calls()).length;
    await waitFor(
      'the read cap removed again (the spec says -1)',
      async () =>
        JSON.stringify((await describe_()).OnDemandThroughput) === JSON.stringify({ MaxWriteRequestUnits: 80 }),
      { timeoutMs: 60_000 },
    );
    // One UpdateTable repairs it (table cap only: the GSI cap did not drift).
    const updates = (await proxy.calls())
      .slice(since)
      .filter((c) => c.table === TABLE && c.operation === 'UpdateTable');
    expect(updates.map((c) => [c.status, c.gsi])).to.deep.equal([[200, undefined]]);
  });

  it('refuses lowering warm throughput at apply, naming the field and the fix; nothing reaches AWS', async () => {
    const r = patchJson([{ op: 'replace', path: '/spec/warmThroughput/readUnitsPerSecond', value: 15000 }]);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain(
      'spec.warmThroughput.readUnitsPerSecond: warm throughput only rises: readUnitsPerSecond of the table was 20000 and DynamoDB cannot lower it; keep 20000 or more',
    );
    expect((await describe_()).WarmThroughput?.ReadUnitsPerSecond).to.equal(20000);
  });

  it('refuses onDemandThroughput on a PROVISIONED table at apply', () => {
    const doc = stringify({
      apiVersion: `${GROUP}/v1alpha1`,
      kind: 'DynamoDB',
      metadata: { name: 'provisioned-capped' },
      spec: {
        providerRef: { name: 'moto' },
        tableName: 'throughput_provisioned_capped',
        billingMode: 'PROVISIONED',
        billingModeConfig: { readCapacityUnits: 5, writeCapacityUnits: 5 },
        onDemandThroughput: { maxReadRequestUnits: 100 },
        attributes: [{ name: 'pk', type: 'S' }],
        keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
      },
    });
    const r = applyYaml(doc, ['-n', ns]);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain('spec.onDemandThroughput: onDemandThroughput of the table caps on-demand throughput');
    expect(r.stderr).to.contain('remove onDemandThroughput, or use billingMode PAY_PER_REQUEST');
    expect(getObj('dynamodb', ns, 'provisioned-capped')).to.equal(undefined);
  });
});
