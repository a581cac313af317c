// Auto scaling managed by the operator, against moto (which serves Application Auto Scaling on the
// same port as DynamoDB) through the reconciler as a process: spec.autoScaling becomes scalable targets
// and target-tracking policies; capacity a scaler moves within [min, max] is kept, outside it is brought
// to the bound; range and target changes are applied; dropping autoScaling removes targets and policies;
// deleting the object removes them with the table (Delete), and keeps them with the table (Orphan).
// Capacity managed elsewhere (the capacity-management annotation) is proven in capacity.test.ts.
import { expect } from 'chai';
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { DescribeTableCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { stringify } from 'yaml';
import { kubectl, waitFor } from './support/index.ts';
import {
  GROUP,
  condition,
  deleteNamespace,
  emulatorClient,
  getObj,
  mustApply,
  providerYaml,
  startMoto,
  startReconcilerProc,
  uniqueNamespace,
} from './support-reconciler/index.ts';
import type { Emulator, Obj, ReconcilerProc } from './support-reconciler/index.ts';

const scaling = (min: number, max: number, target: number, extra: Record<string, unknown> = {}) => ({
  minCapacity: min,
  maxCapacity: max,
  targetUtilization: target,
  ...extra,
});

/** PROVISIONED 10/10 with GSI by-g 10/10; table read and write scaled [5, 50] @70, GSI write [2, 20] @60. */
function scaledTable(name: string, deletionPolicy = 'Delete'): string {
  return stringify({
    apiVersion: `${GROUP}/v1alpha1`,
    kind: 'DynamoDB',
    metadata: { name },
    spec: {
      providerRef: { name: 'moto' },
      tableName: name,
      billingMode: 'PROVISIONED',
      billingModeConfig: { readCapacityUnits: 10, writeCapacityUnits: 10 },
      autoScaling: { read: scaling(5, 50, 70, { scaleInCooldown: 60 }), write: scaling(5, 50, 70) },
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
          billingModeConfig: { readCapacityUnits: 10, writeCapacityUnits: 10 },
          autoScaling: { write: scaling(2, 20, 60) },
        },
      ],
      deletionPolicy,
    },
  });
}

describe('auto scaling managed here: spec.autoScaling through Application Auto Scaling (reconciler + moto)', function () {
  this.timeout(240_000);
  let ns: string;
  let moto: Emulator;
  let ddb: DynamoDBClient;
  let aas: ApplicationAutoScalingClient;
  let rec: ReconcilerProc;

  const capacity = async (table: string): Promise<string> => {
    const t = (await ddb.send(new DescribeTableCommand({ TableName: table }))).Table;
    const g = t?.GlobalSecondaryIndexes?.[0]?.ProvisionedThroughput;
    return `${t?.ProvisionedThroughput?.ReadCapacityUnits}/${t?.ProvisionedThroughput?.WriteCapacityUnits} gsi ${g?.ReadCapacityUnits}/${g?.WriteCapacityUnits}`;
  };
  /** "resourceId dimension [min,max]" of every target of the table, sorted. */
  const targets = async (table: string): Promise<string[]> => {
    const out = await aas.send(
      new DescribeScalableTargetsCommand({
        ServiceNamespace: 'dynamodb',
        ResourceIds: [`table/${table}`, `table/${table}/index/by-g`],
      }),
    );
    return (out.ScalableTargets ?? [])
      .map((t) => `${t.ResourceId} ${t.ScalableDimension} [${t.MinCapacity},${t.MaxCapacity}]`)
      .sort();
  };
  /** "resourceId dimension metric@target" of every policy of the table, sorted. */
  const policies = async (table: string): Promise<string[]> => {
    const out: string[] = [];
    for (const id of [`table/${table}`, `table/${table}/index/by-g`]) {
      const r = await aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'dynamodb', ResourceId: id }));
      for (const p of r.ScalingPolicies ?? []) {
        if (p.ResourceId !== id) continue;
        const c = p.TargetTrackingScalingPolicyConfiguration;
        out.push(
          `${p.ResourceId} ${p.ScalableDimension} ${c?.PredefinedMetricSpecification?.PredefinedMetricType}@${c?.TargetValue}` +
            (c?.ScaleInCooldown !== undefined ? ` in:${c.ScaleInCooldown}` : ''),
        );
      }
    }
    return out.sort();
  };
  const readyAtGeneration = (name: string) => (): Obj | undefined => {
    const o = getObj('dynamodb', ns, name) as (Obj & { metadata: { generation?: number } }) | undefined;
    const ready = condition(o, 'Ready') as { status: string; observedGeneration?: number } | undefined;
    const synced = condition(o, 'Synced')?.status === 'True';
    return ready?.status === 'True' && synced && ready.observedGeneration === o?.metadata.generation ? o : undefined;
  };
  const OPS = [
    'RegisterScalableTarget',
    'PutScalingPolicy',
    'DeleteScalingPolicy',
    'DeregisterScalableTarget',
    'UpdateTable',
  ] as const;
  /** The reconciler's write calls so far, by operation (its own AWS call metric; all tables of the suite). */
  const writes = async (): Promise<Record<(typeof OPS)[number], number>> => {
    const out = {} as Record<(typeof OPS)[number], number>;
    for (const operation of OPS)
      out[operation] = await rec.counter('dynamodb_operator_aws_api_calls_total', { operation });
    return out;
  };
  const since = async (before: Record<string, number>): Promise<Record<string, number>> => {
    const now = await writes();
    return Object.fromEntries(OPS.map((op) => [op, now[op] - (before[op] ?? 0)]).filter(([, n]) => n !== 0));
  };
  const row = (scenario: string, calls: Record<string, number>, t0: number): void => {
    const text = Object.entries(calls)
      .map(([op, n]) => `${op} ${n}`)
      .join(', ');
    process.stdout.write(`${JSON.stringify({ scenario, calls: text, seconds: (Date.now() - t0) / 1000 })}\n`);
  };
  const patch = (name: string, type: 'merge' | 'json', body: unknown): void => {
    const r = kubectl(['patch', 'dynamodb', name, '-n', ns, `--type=${type}`, '-p', JSON.stringify(body)]);
    expect(r.code, r.stderr).to.equal(0);
  };

  before(async () => {
    ns = uniqueNamespace('autoscaling');
    moto = await startMoto('autoscaling-moto');
    ddb = emulatorClient(moto.endpoint);
    aas = new ApplicationAutoScalingClient({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    mustApply(providerYaml('moto', moto.endpoint), ns);
    rec = await startReconcilerProc('autoscaling-reconciler', ns, ['--resync-period=2s', '--drift-check-period=60s']);
    mustApply(scaledTable('as-main'), ns);
    mustApply(scaledTable('as-deleted'), ns);
    mustApply(scaledTable('as-orphaned', 'Orphan'), ns);
  });

  after(async () => {
    await rec?.proc.stop();
    if (ns) deleteNamespace(ns);
    ddb?.destroy();
    aas?.destroy();
    await moto?.proc.stop();
  });

  it('registers a scalable target and a target-tracking policy per scaled dimension; status lists them', async () => {
    const o = await waitFor('as-main Ready', readyAtGeneration('as-main'), { timeoutMs: 60_000 });
    for (const name of ['as-deleted', 'as-orphaned'])
      await waitFor(`${name} Ready`, readyAtGeneration(name), { timeoutMs: 60_000 });
    // Three tables, three scaled dimensions each: one target and one policy per dimension, nothing more.
    expect(await since({})).to.deep.equal({ RegisterScalableTarget: 9, PutScalingPolicy: 9 });
    expect(await capacity('as-main')).to.equal('10/10 gsi 10/10');
    expect(await targets('as-main')).to.deep.equal([
      'table/as-main dynamodb:table:ReadCapacityUnits [5,50]',
      'table/as-main dynamodb:table:WriteCapacityUnits [5,50]',
      'table/as-main/index/by-g dynamodb:index:WriteCapacityUnits [2,20]',
    ]);
    expect(await policies('as-main')).to.deep.equal([
      'table/as-main dynamodb:table:ReadCapacityUnits DynamoDBReadCapacityUtilization@70 in:60',
      'table/as-main dynamodb:table:WriteCapacityUnits DynamoDBWriteCapacityUtilization@70',
      'table/as-main/index/by-g dynamodb:index:WriteCapacityUnits DynamoDBWriteCapacityUtilization@60',
    ]);
    const status = (o.status?.autoScaling ?? []) as { resourceId: string; scalableDimension: string }[];
    expect(status.map((s) => `${s.resourceId} ${s.scalableDimension}`)).to.deep.equal([
      'table/as-main dynamodb:table:ReadCapacityUnits',
      'table/as-main dynamodb:table:WriteCapacityUnits',
      'table/as-main/index/by-g dynamodb:index:WriteCapacityUnits',
    ]);
  });

  it('capacity a scaler moved within [min, max] is kept across resyncs; outside it goes to the bound, unscaled back to the spec', async () => {
    const before = await writes();
    const t0 = Date.now();
    // As the scaler would (and one value no scaler with this range could set): table read 20 (in [5, 50]),
    // table write 100 (above 50), GSI read 30 (not scaled), GSI write 15 (in [2, 20]).
    await ddb.send(
      new UpdateTableCommand({
        TableName: 'as-main',
        ProvisionedThroughput: { ReadCapacityUnits: 20, WriteCapacityUnits: 100 },
        GlobalSecondaryIndexUpdates: [
          { Update: { IndexName: 'by-g', ProvisionedThroughput: { ReadCapacityUnits: 30, WriteCapacityUnits: 15 } } },
        ],
      }),
    );
    // The out-of-range values being repaired proves the reconciler read and planned after the change.
    await waitFor(
      'as-main repaired to 20/50 gsi 10/15',
      async () => (await capacity('as-main')) === '20/50 gsi 10/15',
      {
        timeoutMs: 60_000,
      },
    );
    // Two more DescribeTable reads (resyncs at 2 s): the in-range values stay.
    const describes = () => rec.counter('dynamodb_operator_aws_api_calls_total', { operation: 'DescribeTable' });
    const d0 = await describes();
    await waitFor('two more DescribeTable reads', async () => (await describes()) >= d0 + 2, { timeoutMs: 30_000 });
    await waitFor('as-main Ready', readyAtGeneration('as-main'), { timeoutMs: 30_000 });
    expect(await capacity('as-main')).to.equal('20/50 gsi 10/15');
    // Two repairs (table write to its max; the unscaled GSI read to the spec), no scaling call.
    const calls = await since(before);
    expect(calls).to.deep.equal({ UpdateTable: 2 });
    row('capacity moved behind its back: 2 in range, 2 outside', calls, t0);
  });

  it('a changed range or target in the spec updates that target and policy', async () => {
    const before = await writes();
    const t0 = Date.now();
    patch('as-main', 'merge', {
      spec: {
        autoScaling: { read: scaling(5, 80, 70, { scaleInCooldown: 60 }), write: scaling(5, 50, 70) },
        globalSecondaryIndexes: [
          {
            indexName: 'by-g',
            keys: [{ attributeName: 'g', keyType: 'HASH' }],
            projection: { type: 'ALL' },
            billingModeConfig: { readCapacityUnits: 10, writeCapacityUnits: 10 },
            autoScaling: { write: scaling(2, 20, 45) },
          },
        ],
      },
    });
    await waitFor('as-main Ready at the new generation', readyAtGeneration('as-main'), { timeoutMs: 60_000 });
    expect(await targets('as-main')).to.include('table/as-main dynamodb:table:ReadCapacityUnits [5,80]');
    expect(await policies('as-main')).to.include(
      'table/as-main/index/by-g dynamodb:index:WriteCapacityUnits DynamoDBWriteCapacityUtilization@45',
    );
    expect(await capacity('as-main'), 'still within range: kept').to.equal('20/50 gsi 10/15');
    const calls = await since(before);
    expect(calls).to.deep.equal({ RegisterScalableTarget: 1, PutScalingPolicy: 1 });
    row('table read max 50 → 80, GSI write target 60 → 45', calls, t0);
  });

  it('dropping autoScaling removes its targets and policies, and capacity is the spec’s again', async () => {
    const before = await writes();
    const t0 = Date.now();
    patch('as-main', 'json', [
      { op: 'remove', path: '/spec/autoScaling' },
      { op: 'remove', path: '/spec/globalSecondaryIndexes/0/autoScaling' },
    ]);
    const o = await waitFor('as-main Ready at the new generation', readyAtGeneration('as-main'), { timeoutMs: 60_000 });
    expect(await targets('as-main')).to.deep.equal([]);
    expect(await policies('as-main')).to.deep.equal([]);
    expect(o.status?.autoScaling).to.equal(undefined);
    await waitFor('as-main back at 10/10 gsi 10/10', async () => (await capacity('as-main')) === '10/10 gsi 10/10', {
      timeoutMs: 60_000,
    });
    await waitFor('as-main Ready', readyAtGeneration('as-main'), { timeoutMs: 30_000 });
    const calls = await since(before);
    expect(calls).to.deep.equal({ DeleteScalingPolicy: 3, DeregisterScalableTarget: 3, UpdateTable: 2 });
    row('autoScaling removed (3 targets; capacity back to the spec)', calls, t0);
  });

  it('deleting the object: Delete removes the targets with the table; Orphan keeps table and targets', async () => {
    for (const name of ['as-deleted', 'as-orphaned']) {
      await waitFor(`${name} Ready`, readyAtGeneration(name), { timeoutMs: 60_000 });
      expect(await targets(name), name).to.have.length(3);
    }
    const before = await writes();
    const t0 = Date.now();
    for (const name of ['as-deleted', 'as-orphaned']) {
      const r = kubectl(['delete', 'dynamodb', name, '-n', ns, '--wait=false']);
      expect(r.code, r.stderr).to.equal(0);
    }
    for (const name of ['as-deleted', 'as-orphaned']) {
      await waitFor(`${name} gone`, () => getObj('dynamodb', ns, name) === undefined, { timeoutMs: 60_000 });
    }
    expect(await targets('as-deleted')).to.deep.equal([]);
    expect(await policies('as-deleted')).to.deep.equal([]);
    expect(await targets('as-orphaned')).to.have.length(3);
    expect(await capacity('as-orphaned')).to.equal('10/10 gsi 10/10');
    const calls = await since(before);
    expect(calls).to.deep.equal({ DeleteScalingPolicy: 3, DeregisterScalableTarget: 3 });
    row('deleted: one Delete, one Orphan (3 targets each)', calls, t0);
  });
});
