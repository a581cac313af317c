// Capacity managed elsewhere, against moto through the reconciler as a process: two
// PROVISIONED tables, one with `capacity-management: External`, both scaled behind the operator's back
// (as Application Auto Scaling would). The managed one is reverted at the next DescribeTable; the
// external one keeps the scaled capacity, also through a later spec change that makes the reconciler plan.
import { expect } from 'chai';
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

const ANNOTATION = 'aws-infra-operator.runner.codes/capacity-management';

function provisionedTable(name: string, annotations?: Record<string, string>): string {
  return stringify({
    apiVersion: `${GROUP}/v1alpha1`,
    kind: 'DynamoDB',
    metadata: { name, ...(annotations ? { annotations } : {}) },
    spec: {
      providerRef: { name: 'moto' },
      tableName: name,
      billingMode: 'PROVISIONED',
      billingModeConfig: { readCapacityUnits: 5, writeCapacityUnits: 5 },
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
          billingModeConfig: { readCapacityUnits: 5, writeCapacityUnits: 5 },
        },
      ],
      deletionPolicy: 'Delete',
    },
  });
}

describe('capacity managed elsewhere: capacity-management External (reconciler + moto)', function () {
  this.timeout(240_000);
  let ns: string;
  let moto: Emulator;
  let ddb: DynamoDBClient;
  let rec: ReconcilerProc;

  const capacity = async (table: string): Promise<string> => {
    const t = (await ddb.send(new DescribeTableCommand({ TableName: table }))).Table;
    const g = t?.GlobalSecondaryIndexes?.[0]?.ProvisionedThroughput;
    return `${t?.ProvisionedThroughput?.ReadCapacityUnits}/${t?.ProvisionedThroughput?.WriteCapacityUnits} gsi ${g?.ReadCapacityUnits}/${g?.WriteCapacityUnits}`;
  };
  const readyAtGeneration = (name: string) => (): Obj | undefined => {
    const o = getObj('dynamodb', ns, name) as (Obj & { metadata: { generation?: number } }) | undefined;
    const ready = condition(o, 'Ready') as { status: string; observedGeneration?: number } | undefined;
    const synced = condition(o, 'Synced')?.status === 'True';
    return ready?.status === 'True' && synced && ready.observedGeneration === o?.metadata.generation ? o : undefined;
  };
  /** What an auto scaler does: raise table and GSI capacity with UpdateTable, outside Kubernetes. */
  const scaleBehindTheBack = (table: string) =>
    ddb.send(
      new UpdateTableCommand({
        TableName: table,
        ProvisionedThroughput: { ReadCapacityUnits: 20, WriteCapacityUnits: 20 },
        GlobalSecondaryIndexUpdates: [
          { Update: { IndexName: 'by-g', ProvisionedThroughput: { ReadCapacityUnits: 20, WriteCapacityUnits: 20 } } },
        ],
      }),
    );

  before(async () => {
    ns = uniqueNamespace('capacity');
    moto = await startMoto('capacity-moto');
    ddb = emulatorClient(moto.endpoint);
    mustApply(providerYaml('moto', moto.endpoint), ns);
    rec = await startReconcilerProc('capacity-reconciler', ns, ['--resync-period=2s', '--drift-check-period=60s']);
    mustApply(provisionedTable('cap-external', { [ANNOTATION]: 'External' }), ns);
    mustApply(provisionedTable('cap-managed'), ns);
  });

  after(async () => {
    await rec?.proc.stop();
    if (ns) deleteNamespace(ns);
    ddb?.destroy();
    await moto?.proc.stop();
  });

  it('creates both with the spec capacity (set at create also when managed elsewhere)', async () => {
    for (const name of ['cap-external', 'cap-managed']) {
      await waitFor(`${name} Ready`, readyAtGeneration(name), { timeoutMs: 60_000 });
      expect(await capacity(name), name).to.equal('5/5 gsi 5/5');
    }
  });

  it('scaled behind its back: the managed table is reverted, the External one keeps 20/20', async () => {
    await scaleBehindTheBack('cap-external');
    await scaleBehindTheBack('cap-managed');
    expect(await capacity('cap-external')).to.equal('20/20 gsi 20/20');
    // The managed table shows the reconciler has read both since (same resync period, both tables).
    await waitFor('cap-managed reverted to 5/5', async () => (await capacity('cap-managed')) === '5/5 gsi 5/5', {
      timeoutMs: 60_000,
    });
    // A spec change makes the reconciler plan the External table against a fresh DescribeTable.
    const patched = kubectl([
      'patch',
      'dynamodb',
      'cap-external',
      '-n',
      ns,
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { tags: { team: 'orders' } } }),
    ]);
    expect(patched.code, patched.stderr).to.equal(0);
    await waitFor('cap-external Ready at the new generation', readyAtGeneration('cap-external'), {
      timeoutMs: 60_000,
    });
    expect(await capacity('cap-external')).to.equal('20/20 gsi 20/20');
  });

  it('dropping the annotation hands capacity back to the spec: reverted to 5/5', async () => {
    const r = kubectl(['annotate', 'dynamodb', 'cap-external', '-n', ns, `${ANNOTATION}-`]);
    expect(r.code, r.stderr).to.equal(0);
    await waitFor('cap-external reverted to 5/5', async () => (await capacity('cap-external')) === '5/5 gsi 5/5', {
      timeoutMs: 60_000,
    });
  });
});
