// Reconciler lifecycle against the real API server and a private dynalite, reconciler as a process,
// everything through real kubectl: create → Ready, delete under each policy (checked in the
// emulator), a foreign table refused and untouched then adopted by annotation, missing provider and
// missing Secret conditions, status-only writes causing no AWS calls.
import { expectRestClientFamilies } from './support/rest-client-metrics.ts';
import { expect } from 'chai';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { kubectl, waitFor } from './support/index.ts';
import {
  condition,
  createTableOutside,
  deleteNamespace,
  emulatorClient,
  getObj,
  mustApply,
  providerYaml,
  simpleTableYaml,
  startDynalite,
  startReconcilerProc,
  tableTags,
  uniqueNamespace,
} from './support-reconciler/index.ts';
import type { Emulator, ReconcilerProc } from './support-reconciler/index.ts';

const OWNER_UID = 'aws-infra-operator.runner.codes/owner-uid';
const FINALIZER = 'dynamodb.aws-infra-operator.runner.codes/finalizer';

async function tableExists(ddb: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await ddb.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') return false;
    throw err;
  }
}

const ready = (ns: string, name: string) => () => {
  const o = getObj('dynamodbtable', ns, name);
  return o?.status?.ready === true ? o : undefined;
};

describe('reconciler lifecycle (dynalite)', function () {
  this.timeout(180_000);
  let ns: string;
  let dyn: Emulator;
  let ddb: DynamoDBClient;
  let rec: ReconcilerProc;

  before(async () => {
    ns = uniqueNamespace('rec-life');
    dyn = await startDynalite('rec-life-dynalite');
    ddb = emulatorClient(dyn.endpoint);
    mustApply(providerYaml('dyn', dyn.endpoint, { defaultTags: { 'managed-by': 'infra-operator' } }), ns);
    // A drift check twice the resync: the steady-state read rotation shows all four reads within a few resyncs.
    rec = await startReconcilerProc('rec-life-reconciler', ns, ['--resync-period=5s', '--drift-check-period=10s']);
  });

  after(async () => {
    await rec?.proc.stop();
    deleteNamespace(ns);
    ddb?.destroy();
    await dyn?.proc.stop();
  });

  it('reports the provider ready with accountId unknown (dynalite has no STS)', async () => {
    const p = await waitFor('provider status', () => getObj('awsprovider', ns, 'dyn')?.status);
    expect(p.ready).to.equal(true);
    const c = condition(getObj('awsprovider', ns, 'dyn'), 'Ready');
    expect(c?.reason).to.equal('AccountIdUnknown');
  });

  it('creates a table, adds the finalizer, tags it as ours and reports Ready with status fields', async () => {
    mustApply(simpleTableYaml('t-create', 'life_create', 'dyn'), ns);
    const o = await waitFor('t-create Ready', ready(ns, 't-create'));
    expect(o.metadata.finalizers).to.include(FINALIZER);
    expect(o.status).to.include({
      tableStatus: 'ACTIVE',
      ready: true,
      itemCount: 0,
      tableSizeBytes: 0,
      observedGeneration: 1,
    });
    expect(o.status?.tableArn).to.match(/:table\/life_create$/);
    expect(o.status?.lastSyncTime).to.be.a('string');
    expect(condition(o, 'Synced')?.status).to.equal('True');
    expect(condition(o, 'Terminal')?.status).to.equal('False');
    const tags = await tableTags(ddb, 'life_create');
    expect(tags[OWNER_UID]).to.equal(o.metadata.uid);
    expect(tags['managed-by']).to.equal('infra-operator');
    const events = kubectl([
      'get',
      'events',
      '-n',
      ns,
      '--field-selector',
      'involvedObject.name=t-create',
      '-o',
      'json',
    ]);
    const reasons = (JSON.parse(events.stdout) as { items: { reason: string }[] }).items.map((e) => e.reason);
    expect(reasons).to.include.members(['Creating', 'Ready']);
    expect(kubectl(['get', 'ddb', '-n', ns]).stdout).to.contain('t-create');
  });

  it('steady state: each resync makes exactly one AWS read (DescribeTable, TTL, PITR or tags in turn) and no write', async () => {
    await waitFor('t-create Ready', ready(ns, 't-create'));
    const rv = (getObj('dynamodbtable', ns, 't-create')?.metadata as { resourceVersion?: string }).resourceVersion;
    const reads = ['DescribeTable', 'DescribeTimeToLive', 'DescribeContinuousBackups', 'ListTagsOfResource'];
    const writes = ['CreateTable', 'DeleteTable', 'TagResource', 'UntagResource', 'UpdateTable'];
    writes.push('UpdateTimeToLive', 'UpdateContinuousBackups');
    /** Counters from one scrape taken while no reconcile is running (so reads and reconciles agree). */
    const snapshot = async () =>
      waitFor('an idle moment of the table controller', async () => {
        const text = await rec.metrics();
        const sum = (metric: string, label: string) =>
          text
            .split('\n')
            .filter((l) => l.startsWith(`${metric}{`) && l.includes(label))
            .reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
        if (sum('controller_runtime_active_workers', 'controller="dynamodbtable"') > 0) return undefined;
        const ops = Object.fromEntries(
          [...reads, ...writes].map((op) => [op, sum('dynamodb_operator_aws_api_calls_total', `operation="${op}"`)]),
        );
        return { ops, reconciles: sum('controller_runtime_reconcile_total', 'controller="dynamodbtable"') };
      });
    const before = await snapshot();
    // t-create is the only table: six resyncs (5 s ±10%) span more than two drift-check periods.
    await waitFor('six resyncs', async () => (await snapshot()).reconciles - before.reconciles >= 6, {
      timeoutMs: 60_000,
    });
    const after = await snapshot();
    const delta = (op: string) => (after.ops[op] ?? 0) - (before.ops[op] ?? 0);
    const readsMade = reads.filter((op) => delta(op) > 0);
    expect(reads.reduce((a, op) => a + delta(op), 0)).to.equal(after.reconciles - before.reconciles);
    expect(readsMade).to.include('DescribeTable');
    expect(readsMade.length, `reads seen: ${readsMade.join(', ')}`).to.be.at.least(3);
    for (const w of writes) expect(delta(w), w).to.equal(0);
    // Status unchanged → not rewritten (resourceVersion stable).
    expect(
      (getObj('dynamodbtable', ns, 't-create')?.metadata as { resourceVersion?: string }).resourceVersion,
    ).to.equal(rv);
  });

  it('serves controller-runtime and dynamodb_operator metrics, /healthz and /readyz', async () => {
    // dynamodb_operator_tables is recomputed from the cache every 5 s.
    const text = await waitFor('tables gauge', async () => {
      const t = await rec.metrics();
      return t.includes('dynamodb_operator_tables{kind="DynamoDBTable",status="ACTIVE"}') ? t : undefined;
    });
    for (const name of [
      'controller_runtime_reconcile_total{controller="dynamodbtable",result=',
      'controller_runtime_reconcile_errors_total',
      'controller_runtime_terminal_reconcile_errors_total',
      'controller_runtime_reconcile_time_seconds_bucket{',
      'controller_runtime_max_concurrent_reconciles{controller="dynamodbtable"} 16', // the default workers
      'controller_runtime_active_workers',
      'workqueue_depth{name="dynamodbtable"',
      'workqueue_adds_total{name="dynamodbtable"',
      'workqueue_queue_duration_seconds_bucket{',
      'workqueue_work_duration_seconds_bucket{',
      'workqueue_retries_total',
      'workqueue_unfinished_work_seconds',
      'workqueue_longest_running_processor_seconds',
      '# TYPE leader_election_master_status gauge',
      'dynamodb_operator_aws_api_calls_total{operation="CreateTable",code="OK"}',
      'dynamodb_operator_aws_api_call_duration_seconds_bucket{',
      'dynamodb_operator_tables{kind="DynamoDBTable",status="ACTIVE"}',
    ]) {
      expect(text, name).to.contain(name);
    }
    // client-go's rest_client_* families from the reconciler's own Kubernetes client
    expectRestClientFamilies(text, [ns, 't-create']);
    for (const probe of ['healthz', 'readyz']) {
      const r = await fetch(`http://127.0.0.1:${rec.healthPort}/${probe}`);
      expect(r.status, probe).to.equal(200);
    }
  });

  it('deletionPolicy Delete removes the table and then the object', async () => {
    mustApply(simpleTableYaml('t-del', 'life_del', 'dyn', { deletionPolicy: 'Delete' }), ns);
    await waitFor('t-del Ready', ready(ns, 't-del'));
    expect(kubectl(['delete', 'dynamodbtable', 't-del', '-n', ns, '--wait=false']).code).to.equal(0);
    await waitFor('object gone', () => getObj('dynamodbtable', ns, 't-del') === undefined, { timeoutMs: 60_000 });
    expect(await tableExists(ddb, 'life_del')).to.equal(false);
  });

  it('deletionPolicy Retain keeps the table with its ownership tags', async () => {
    mustApply(simpleTableYaml('t-ret', 'life_ret', 'dyn', { deletionPolicy: 'Retain' }), ns);
    const o = await waitFor('t-ret Ready', ready(ns, 't-ret'));
    expect(kubectl(['delete', 'dynamodbtable', 't-ret', '-n', ns, '--wait=false']).code).to.equal(0);
    await waitFor('object gone', () => getObj('dynamodbtable', ns, 't-ret') === undefined);
    expect(await tableExists(ddb, 'life_ret')).to.equal(true);
    expect((await tableTags(ddb, 'life_ret'))[OWNER_UID]).to.equal(o.metadata.uid);
  });

  it('deletionPolicy Orphan keeps the table and removes the ownership tags', async () => {
    mustApply(simpleTableYaml('t-orph', 'life_orph', 'dyn', { deletionPolicy: 'Orphan' }), ns);
    await waitFor('t-orph Ready', ready(ns, 't-orph'));
    expect(kubectl(['delete', 'dynamodbtable', 't-orph', '-n', ns, '--wait=false']).code).to.equal(0);
    await waitFor('object gone', () => getObj('dynamodbtable', ns, 't-orph') === undefined);
    expect(await tableExists(ddb, 'life_orph')).to.equal(true);
    const tags = await tableTags(ddb, 'life_orph');
    expect(tags).to.not.have.property(OWNER_UID);
    expect(tags['managed-by']).to.equal('infra-operator');
  });

  it('refuses a pre-existing foreign table (untouched), then adopts it when annotated', async () => {
    await createTableOutside(ddb, 'life_foreign');
    await waitFor('foreign table ACTIVE', async () => {
      const d = await ddb.send(new DescribeTableCommand({ TableName: 'life_foreign' }));
      return d.Table?.TableStatus === 'ACTIVE';
    });
    mustApply(simpleTableYaml('t-foreign', 'life_foreign', 'dyn', { deletionPolicy: 'Delete' }), ns);
    const refused = await waitFor('TableNotOwned', () => {
      const o = getObj('dynamodbtable', ns, 't-foreign');
      return condition(o, 'Ready')?.reason === 'TableNotOwned' ? o : undefined;
    });
    expect(refused.status?.ready).to.equal(false);
    expect(condition(refused, 'Ready')?.message).to.contain('aws-infra-operator.runner.codes/adopt');
    expect(refused.status?.tableArn).to.equal(undefined);
    expect(await tableTags(ddb, 'life_foreign')).to.deep.equal({});

    expect(
      kubectl(['annotate', 'dynamodbtable', 't-foreign', '-n', ns, 'aws-infra-operator.runner.codes/adopt=true']).code,
    ).to.equal(0);
    const adopted = await waitFor('adopted and Ready', ready(ns, 't-foreign'));
    expect((await tableTags(ddb, 'life_foreign'))[OWNER_UID]).to.equal(adopted.metadata.uid);
  });

  it('a table referring to a missing provider says so, and recovers when the provider appears', async () => {
    mustApply(simpleTableYaml('t-noprov', 'life_noprov', 'late'), ns);
    const o = await waitFor('ProviderNotFound', () => {
      const x = getObj('dynamodbtable', ns, 't-noprov');
      return condition(x, 'Ready')?.reason === 'ProviderNotFound' ? x : undefined;
    });
    expect(condition(o, 'Ready')?.message).to.contain('AWSProvider "late" not found');
    expect(await tableExists(ddb, 'life_noprov')).to.equal(false);
    mustApply(providerYaml('late', dyn.endpoint), ns);
    await waitFor('t-noprov Ready after provider created', ready(ns, 't-noprov'));
  });

  it('a provider whose Secret is missing is not ready and its tables say why', async () => {
    mustApply(providerYaml('nosecret', dyn.endpoint, { noSecret: true, secretName: 'absent' }), ns);
    const p = await waitFor('provider SecretNotFound', () => {
      const x = getObj('awsprovider', ns, 'nosecret');
      return condition(x, 'Ready')?.reason === 'SecretNotFound' ? x : undefined;
    });
    expect(p.status?.ready).to.equal(false);
    expect(condition(p, 'Ready')?.message).to.contain('Secret "absent" not found');
    mustApply(simpleTableYaml('t-nosecret', 'life_nosecret', 'nosecret'), ns);
    const t = await waitFor('table ProviderNotReady', () => {
      const x = getObj('dynamodbtable', ns, 't-nosecret');
      return condition(x, 'Ready')?.reason === 'ProviderNotReady' ? x : undefined;
    });
    expect(condition(t, 'Ready')?.message).to.contain('absent');
    // No crash loop: the process is still serving.
    expect(await rec.counter('controller_runtime_max_concurrent_reconciles')).to.be.greaterThan(0);
    // Retain lets the object go without AWS calls even though the provider is unusable.
    kubectl([
      'patch',
      'dynamodbtable',
      't-nosecret',
      '-n',
      ns,
      '--type=merge',
      '-p',
      '{"spec":{"deletionPolicy":"Retain"}}',
    ]);
    kubectl(['delete', 'dynamodbtable', 't-nosecret', '-n', ns, '--wait=false']);
    await waitFor('t-nosecret gone', () => getObj('dynamodbtable', ns, 't-nosecret') === undefined);
  });

  it('an invalid spec gets a Terminal condition and no AWS call', async () => {
    const before = await rec.counter('dynamodb_operator_aws_api_calls_total', { operation: 'CreateTable' });
    // A GSI on an undefined attribute passes the CRD schema but not validateObject (the webhook,
    // which would refuse it, is not registered here).
    mustApply(
      simpleTableYaml('t-bad', 'life_bad', 'dyn', {
        spec: { globalSecondaryIndexes: [{ indexName: 'ByMissing', hashKey: 'Missing', projectionType: 'ALL' }] },
      }),
      ns,
    );
    const o = await waitFor('Terminal', () => {
      const x = getObj('dynamodbtable', ns, 't-bad');
      return condition(x, 'Terminal')?.status === 'True' ? x : undefined;
    });
    expect(condition(o, 'Terminal')?.reason).to.equal('InvalidSpec');
    expect(condition(o, 'Terminal')?.message).to.contain('globalSecondaryIndexes');
    expect(await tableExists(ddb, 'life_bad')).to.equal(false);
    expect(await rec.counter('dynamodb_operator_aws_api_calls_total', { operation: 'CreateTable' })).to.equal(before);
  });
});
