// The seed page's troubleshooting commands (its "Troubleshooting" and "Very high costs" sections), run in
// the page's order on one live PROVISIONED table with two GSIs, through the webhook and the reconciler
// against moto: raise read capacity to 25; remove the first GSI; switch to PAY_PER_REQUEST (capacity
// still in the spec: admitted with a warning, none sent); remove all GSIs; deletionPolicy Orphan; delete
// the object, and the table stays. The commands are the page's own text, run by a shell with the
// environment's kubectl first on PATH and a kubeconfig whose context names this suite's namespace
// (the page's commands carry no -n).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient, TableDescription } from '@aws-sdk/client-dynamodb';
import { stringify } from 'yaml';
import { makeServingCert, testEnv, waitFor } from './support/index.ts';
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
import {
  registerWebhooks,
  startWebhookProcess,
  unregisterWebhooks,
  writeCertDir,
} from '../../packages/webhook/test/e2e/harness.ts';
import type { WebhookProcess } from '../../packages/webhook/test/e2e/harness.ts';

/** The seed page's commands, verbatim (line breaks and continuation backslashes included). */
const SEED = {
  raiseReadCapacity: `kubectl patch dynamodb users-table --type='json' \\
      -p='[{"op": "replace", "path": "/spec/billingModeConfig/readCapacityUnits", "value":25}]'`,
  removeFirstGsi: `kubectl patch dynamodb users-table --type='json' \\
      -p='[{"op": "remove", "path": "/spec/globalSecondaryIndexes/0"}]'`,
  switchToOnDemand: `kubectl patch dynamodb users-table --type='json' \\
      -p='[{"op": "replace", "path": "/spec/billingMode", "value":"PAY_PER_REQUEST"}]'`,
  removeAllGsis: `kubectl patch dynamodb users-table --type='json' \\
      -p='[{"op": "remove", "path": "/spec/globalSecondaryIndexes"}]'`,
  orphan: `kubectl patch dynamodb users-table --type='json' \\
      -p='[{"op": "replace", "path": "/spec/deletionPolicy", "value":"Orphan"}]'`,
  deleteObject: `kubectl delete dynamodb users-table`,
};

const TABLE = 'users_table_seed_fixes';

/** A PROVISIONED users table with two GSIs, each with its own capacity, in the seed's DynamoDB shape. */
function usersTableYaml(): string {
  const gsi = (indexName: string, attributeName: string) => ({
    indexName,
    keys: [{ attributeName, keyType: 'HASH' }],
    projection: { type: 'ALL' },
    billingModeConfig: { readCapacityUnits: 5, writeCapacityUnits: 5 },
  });
  return stringify({
    apiVersion: `${GROUP}/v1alpha1`,
    kind: 'DynamoDB',
    metadata: { name: 'users-table' },
    spec: {
      providerRef: { name: 'localstack' },
      tableName: TABLE,
      billingMode: 'PROVISIONED',
      billingModeConfig: { readCapacityUnits: 10, writeCapacityUnits: 10 },
      attributes: [
        { name: 'userId', type: 'S' },
        { name: 'email', type: 'S' },
        { name: 'status', type: 'S' },
      ],
      keySchema: [{ attributeName: 'userId', keyType: 'HASH' }],
      globalSecondaryIndexes: [gsi('email-index', 'email'), gsi('status-index', 'status')],
      deletionPolicy: 'Delete',
    },
  });
}

describe('seed troubleshooting commands, in the page order, on a live table (webhook + reconciler + moto)', function () {
  this.timeout(300_000);
  const hookName = `ddbop-e2e-seed-fixes-${process.pid}`;
  let ns: string;
  let moto: Emulator;
  let ddb: DynamoDBClient;
  let rec: ReconcilerProc;
  let webhook: WebhookProcess;
  let dir: string;
  let kubeconfig: string;

  /** Runs one seed command as written; returns kubectl's exit code and its stdout + stderr (warnings). */
  const run = (command: string): { code: number; output: string } => {
    const env = testEnv();
    const r = spawnSync('bash', ['-c', command], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, PATH: `${env.binDir}:${process.env.PATH ?? ''}`, KUBECONFIG: kubeconfig },
    });
    return { code: r.status ?? -1, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
  };
  const mustRun = (command: string): string => {
    const r = run(command);
    expect(r.code, `${command}\n${r.output}`).to.equal(0);
    return r.output;
  };
  const describe_ = async (): Promise<TableDescription> =>
    (await ddb.send(new DescribeTableCommand({ TableName: TABLE }))).Table ?? {};
  const gsiNames = (t: TableDescription): string[] => (t.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName ?? '');
  /** The object is Ready and Synced for its current generation (the reconciler has seen and applied the change). */
  const readyAtGeneration = (): Obj | undefined => {
    const o = getObj('dynamodb', ns, 'users-table') as (Obj & { metadata: { generation?: number } }) | undefined;
    const ready = condition(o, 'Ready') as { status: string; observedGeneration?: number } | undefined;
    const observed = ready?.observedGeneration ?? (o?.status?.observedGeneration as number | undefined);
    const synced = condition(o, 'Synced')?.status === 'True';
    return ready?.status === 'True' && synced && observed === o?.metadata.generation ? o : undefined;
  };

  before(async () => {
    ns = uniqueNamespace('seed-fixes');
    dir = mkdtempSync(join(tmpdir(), 'ddbop-seed-fixes-'));
    // The admin kubeconfig with this namespace as its context's default: the page's commands have no -n.
    kubeconfig = join(dir, 'kubeconfig');
    copyFileSync(testEnv().kubeconfig, kubeconfig);
    execFileSync(join(testEnv().binDir, 'kubectl'), [
      '--kubeconfig',
      kubeconfig,
      'config',
      'set-context',
      '--current',
      `--namespace=${ns}`,
    ]);
    const cert = makeServingCert(['127.0.0.1']);
    writeCertDir(dir, cert, 'v1');
    webhook = await startWebhookProcess('seed-fixes-webhook', dir);
    await registerWebhooks(hookName, ns, webhook, cert.caPem);
    moto = await startMoto('seed-fixes-moto');
    ddb = emulatorClient(moto.endpoint);
    mustApply(providerYaml('localstack', moto.endpoint), ns);
    rec = await startReconcilerProc('seed-fixes-reconciler', ns);
    mustApply(usersTableYaml(), ns);
  });

  after(async () => {
    unregisterWebhooks(hookName);
    await rec?.proc.stop();
    await webhook?.process.stop();
    if (ns) deleteNamespace(ns);
    ddb?.destroy();
    await moto?.proc.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('starts from a Ready PROVISIONED table with two GSIs', async () => {
    await waitFor('users-table Ready', readyAtGeneration, { timeoutMs: 60_000 });
    const t = await describe_();
    expect(t.BillingModeSummary?.BillingMode ?? 'PROVISIONED').to.equal('PROVISIONED');
    expect(t.ProvisionedThroughput?.ReadCapacityUnits).to.equal(10);
    expect(gsiNames(t).sort()).to.deep.equal(['email-index', 'status-index']);
  });

  it('1. raise read capacity to 25: the table in moto reads 25', async () => {
    mustRun(SEED.raiseReadCapacity);
    await waitFor(
      'read capacity 25 in moto',
      async () => (await describe_()).ProvisionedThroughput?.ReadCapacityUnits === 25,
      { timeoutMs: 60_000 },
    );
    await waitFor('Ready after the capacity change', readyAtGeneration, { timeoutMs: 60_000 });
  });

  it('2. remove the first GSI: email-index is deleted, status-index stays', async () => {
    const out = mustRun(SEED.removeFirstGsi);
    expect(out).to.contain('removing GSI email-index deletes the index and its data');
    await waitFor(
      'email-index gone in moto',
      async () => JSON.stringify(gsiNames(await describe_())) === JSON.stringify(['status-index']),
      { timeoutMs: 60_000 },
    );
    await waitFor('Ready after the GSI removal', readyAtGeneration, { timeoutMs: 60_000 });
  });

  it('3. switch to PAY_PER_REQUEST with capacity still in the spec: admitted with a warning, converges on demand', async () => {
    const out = mustRun(SEED.switchToOnDemand);
    expect(out).to.contain('spec.billingModeConfig: not sent under PAY_PER_REQUEST; remove it or use PROVISIONED');
    expect(out).to.contain(
      'spec.globalSecondaryIndexes[0].billingModeConfig: not sent under PAY_PER_REQUEST; remove it or use PROVISIONED',
    );
    // The capacity stays in the object (the patch did not touch it) …
    const spec = JSON.parse(mustRun('kubectl get dynamodb users-table -o json')) as {
      spec: { billingModeConfig?: { readCapacityUnits?: number } };
    };
    expect(spec.spec.billingModeConfig?.readCapacityUnits).to.equal(25);
    // … and the table converges to on-demand, with no drift reported on the next passes.
    await waitFor(
      'PAY_PER_REQUEST in moto',
      async () => (await describe_()).BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST',
      { timeoutMs: 60_000 },
    );
    await waitFor('Ready and Synced after the billing switch', readyAtGeneration, { timeoutMs: 60_000 });
  });

  it('4. remove all GSIs: the table has none left', async () => {
    mustRun(SEED.removeAllGsis);
    await waitFor('no GSIs in moto', async () => gsiNames(await describe_()).length === 0, { timeoutMs: 60_000 });
    await waitFor('Ready after removing all GSIs', readyAtGeneration, { timeoutMs: 60_000 });
    expect((await describe_()).BillingModeSummary?.BillingMode).to.equal('PAY_PER_REQUEST');
  });

  it('5 and 6. deletionPolicy Orphan, then delete the object: the object goes, the table stays in moto', async () => {
    mustRun(SEED.orphan);
    await waitFor('Ready after Orphan', readyAtGeneration, { timeoutMs: 60_000 });
    mustRun(SEED.deleteObject);
    await waitFor('users-table object gone', () => getObj('dynamodb', ns, 'users-table') === undefined, {
      timeoutMs: 60_000,
    });
    const t = await describe_();
    expect(t.TableStatus).to.equal('ACTIVE');
    expect(t.TableName).to.equal(TABLE);
  });
});
