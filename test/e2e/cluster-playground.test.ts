// `hack/run dev --cluster` (here `npm run dev:up --cluster` / `dev:down`): the playground as users run the
// product — a helm release of the two images in the single-node cluster — instead of local processes.
// The examples become Ready, reconciled from the reconciler pod; a broken example is refused by the
// webhook pods; `dev:down` uninstalls the release and its namespace goes.
import { DeleteTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { isReady } from '../../hack/dev/status-table.ts';
import type { TableObjectView } from '../../hack/dev/status-table.ts';
import { readState } from '../../hack/dev/state.ts';
import { kubectl, testEnv, waitFor } from './support/index.ts';
import { helm } from './support-chart/helm.ts';
import { clusterEnv, ensureCluster, stopCluster } from './support-cluster/cluster.ts';
import { leaseHolderPod, podReady, podsOf } from './support-cluster/kube.ts';

const root = testEnv().root;
const devDir = join(root, '.testenv', 'dev');
const operatorNs = 'dynamodb-operator-system';

function npmRun(args: string[]) {
  return spawnSync('npm', ['run', '--silent', ...args], { cwd: root, encoding: 'utf8', timeout: 900_000 });
}

function defaultNamespaceTables(): TableObjectView[] {
  const out = kubectl(['get', 'dynamodbtables,dynamodbs', '-n', 'default', '-o', 'json']);
  expect(out.code, out.stderr).to.equal(0);
  return (JSON.parse(out.stdout) as { items: TableObjectView[] }).items;
}

describe('playground on the cluster (npm run dev:up --cluster / dev:down)', function () {
  this.timeout(600_000);
  let broughtUpCluster = false;

  before(function () {
    this.timeout(3_600_000);
    if (readState(devDir)) throw new Error(`a playground is running (${devDir}): stop it with npm run dev:down`);
    broughtUpCluster = ensureCluster();
  });

  after(async function () {
    this.timeout(300_000);
    // whatever happened: nothing left running, no table behind in the shared emulator
    if (readState(devDir)) npmRun(['dev:down']);
    const client = new DynamoDBClient({
      endpoint: testEnv().motoEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const ours = new Set(defaultNamespaceTables().map((t) => t.spec?.tableName));
    const { TableNames = [] } = await client.send(new ListTablesCommand({}));
    for (const name of TableNames.filter((n) => ours.has(n)))
      await client.send(new DeleteTableCommand({ TableName: name }));
    for (const obj of defaultNamespaceTables())
      kubectl([
        'patch',
        '-n',
        'default',
        obj.kind.toLowerCase(),
        obj.metadata.name,
        '--type=merge',
        '-p',
        '{"metadata":{"finalizers":[]}}',
      ]);
    kubectl(['delete', '-n', 'default', 'dynamodbtables,dynamodbs', '--all', '--wait=false']);
    client.destroy();
    if (broughtUpCluster && process.env.DDBOP_KEEP_CLUSTER !== '1') stopCluster();
  });

  it('dev:up --cluster installs the chart and runs the operator as pods on the node', function () {
    const up = npmRun(['dev:up', '--cluster']);
    expect(up.status, `${up.stdout}\n${up.stderr}`).to.equal(0);
    const state = readState(devDir);
    expect(state?.cluster?.namespace).to.equal(operatorNs);
    expect(state?.processes, 'no local processes in cluster mode').to.deep.equal([]);
    const pods = [...podsOf(operatorNs, 'webhook'), ...podsOf(operatorNs, 'reconciler')];
    expect(pods.map((p) => [p.spec.nodeName, podReady(p)])).to.deep.equal([
      [clusterEnv().node, true],
      [clusterEnv().node, true],
      [clusterEnv().node, true],
    ]);
  });

  it('every example becomes Ready, reconciled by the reconciler pod', async function () {
    const ready = await waitFor(
      'every example table in namespace default Ready',
      () => {
        const views = defaultNamespaceTables();
        return views.length >= 10 && views.every(isReady) ? views : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 1000 },
    );
    expect(ready.map((v) => v.spec?.tableName)).to.include.members(['orders', 'users_v2', 'everything_on']);
    const leader = leaseHolderPod(operatorNs, 'dynamodb-operator-reconciler');
    expect(podsOf(operatorNs, 'reconciler').map((p) => p.metadata.name)).to.include(leader);
  });

  it('a broken example is refused by the webhook pods with its field path', function () {
    const broken = kubectl(['apply', '-f', join(root, 'examples', 'broken', 'two-hash-keys.yaml')]);
    expect(broken.code).to.not.equal(0);
    expect(broken.stderr).to.contain('spec.keySchema[1].keyType');
  });

  it('dev:down uninstalls the release; its namespace goes', async function () {
    const down = npmRun(['dev:down']);
    expect(down.status, `${down.stdout}\n${down.stderr}`).to.equal(0);
    expect(readState(devDir)).to.equal(undefined);
    expect(helm(['status', 'ddbop', '--namespace', operatorNs]).code).to.not.equal(0);
    await waitFor(
      `namespace ${operatorNs} gone`,
      () => kubectl(['get', 'namespace', operatorNs]).stderr.includes('NotFound'),
      { timeoutMs: 120_000, intervalMs: 500 },
    );
  });
});
