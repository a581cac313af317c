// The AWS calls a create costs, counted per table at a recording proxy in front of a private dynalite.
// The ownership check lists the table's tags; the follow-ups and the first sync's observation use that
// list (plus what the reconciler tagged since) instead of listing them again.
import { DescribeContinuousBackupsCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { kubectl, waitFor } from './support/index.ts';
import {
  createTableOutside,
  deleteNamespace,
  emulatorClient,
  getObj,
  GROUP,
  mustApply,
  providerYaml,
  simpleTableYaml,
  startDynalite,
  startMoto,
  startReconcilerProc,
  startRecordingProxy,
  tableTags,
  uniqueNamespace,
} from './support-reconciler/index.ts';
import type { Emulator, ProxyFaults, ReconcilerProc, Recorder } from './support-reconciler/index.ts';

const ADOPT = 'aws-infra-operator.runner.codes/adopt';
const OWNER_UID_TAG = 'aws-infra-operator.runner.codes/owner-uid';
/** Where `op` first occurs, or past the end. */
const indexOrEnd = (ops: string[], op: string): number => (ops.includes(op) ? ops.indexOf(op) : ops.length);
const ready = (ns: string, name: string) => () =>
  getObj('dynamodbtable', ns, name)?.status?.ready === true || undefined;

interface MotoStack {
  ns: string;
  moto: Emulator;
  proxy: Recorder;
  rec: ReconcilerProc;
}

/**
 * For the enclosing suite: a private moto behind a recording proxy (with `faults`), an AWSProvider
 * `moto` pointing at the proxy, and a reconciler watching a namespace of its own. Filled in by `before`.
 */
function useMotoStack(name: string, faults: ProxyFaults = {}): MotoStack {
  const stack = {} as MotoStack;
  before(async () => {
    stack.ns = uniqueNamespace(name);
    stack.moto = await startMoto(name);
    stack.proxy = await startRecordingProxy(`${name}-proxy`, stack.moto.endpoint, faults);
    mustApply(providerYaml('moto', stack.proxy.endpoint), stack.ns);
    stack.rec = await startReconcilerProc(`${name}-reconciler`, stack.ns);
  });
  after(async () => {
    await stack.rec?.proc.stop();
    deleteNamespace(stack.ns);
    await stack.proxy?.proc.stop();
    await stack.moto?.proc.stop();
  });
  return stack;
}

describe('reconciler: the AWS calls of a create', function () {
  this.timeout(120_000);
  let ns: string;
  let dyn: Emulator;
  let proxy: Recorder;
  let rec: ReconcilerProc;

  before(async () => {
    ns = uniqueNamespace('rec-calls');
    // Tables ACTIVE at once (1 ms), so that most creates take one pass after CreateTable.
    dyn = await startDynalite('rec-calls-dynalite', 1);
    proxy = await startRecordingProxy('rec-calls-proxy', dyn.endpoint);
    mustApply(providerYaml('dyn', proxy.endpoint), ns);
    // The default resync (10 minutes): no steady-state read lands within the test.
    rec = await startReconcilerProc('rec-calls-reconciler', ns);
    // The provider's own status write is done before any table is counted.
    await waitFor('provider dyn Ready', () => getObj('awsprovider', ns, 'dyn')?.status?.ready === true || undefined);
  });

  after(async () => {
    await rec?.proc.stop();
    deleteNamespace(ns);
    await proxy?.proc.stop();
    await dyn?.proc.stop();
  });

  /** Calls per operation for one table, once no reconcile is running (so the counts are final). */
  const callsOf = async (table: string): Promise<Record<string, number>> => {
    await waitFor('an idle moment of the table controller', async () => {
      const text = await rec.metrics();
      const busy = /^controller_runtime_active_workers\{controller="dynamodbtable"\} (\d+)/m.exec(text)?.[1];
      return busy === '0' || undefined;
    });
    const out: Record<string, number> = {};
    for (const r of proxy.records()) if (r.table === table) out[r.op] = (out[r.op] ?? 0) + 1;
    return out;
  };

  /** PATCH requests to DynamoDBTable objects (metadata and status), from the per-URL latency histogram. */
  const tablePatches = async (): Promise<number> => {
    const url = `/apis/${GROUP}/v1alpha1/namespaces/{namespace}/dynamodbtables/{name}`;
    const count = (u: string) => rec.counter('rest_client_request_duration_seconds_count', { verb: 'PATCH', url: u });
    return (await count(url)) + (await count(`${url}/status`));
  };

  /** Reconciles after CreateTable that found the table: DescribeTable answered 200. */
  const passesOf = (table: string): number =>
    proxy.records().filter((r) => r.table === table && r.op === 'DescribeTable' && r.status === 200).length;

  /**
   * Every reconcile that finds the table (DescribeTable answers 200) lists its tags at most once: the
   * ownership check's list (or the follow-ups' one), plus what was tagged since, serves the first sync's
   * observation too. (A pass that sees the table CREATING checks ownership, and the next one, ACTIVE,
   * runs the follow-ups: both list.)
   */
  const expectOneListPerPass = (table: string, calls: Record<string, number>) => {
    const passes = passesOf(table);
    expect(passes, JSON.stringify(calls)).to.be.at.least(1);
    expect(calls.ListTagsOfResource ?? 0, JSON.stringify(calls)).to.be.within(1, passes);
  };

  it('a plain table: one CreateTable; tags listed at most once per pass; TTL and PITR not read; three object writes', async () => {
    const patchesBefore = await tablePatches();
    mustApply(simpleTableYaml('calls-plain', 'calls_plain', 'dyn'), ns);
    await waitFor('calls-plain Ready', ready(ns, 'calls-plain'));
    const calls = await callsOf('calls_plain');
    // Its object is written once before CreateTable (the finalizer with the create intent, one patch), once
    // for the status Creating, and at most once by each pass that finds the table (Ready; a pass that
    // still sees it CREATING writes what it observed): 3 when the table is ACTIVE at the first look.
    const patches = (await tablePatches()) - patchesBefore;
    const passes = passesOf('calls_plain');
    expect(patches, `PATCH requests for one create, ${passes} pass(es) after CreateTable`).to.be.within(3, 2 + passes);
    // A table this process has just created has TTL and PITR off: its first sync does not read them.
    expect(calls, JSON.stringify(calls)).to.include({ CreateTable: 1 });
    // A later pass that works from a cache not yet showing the first sync's status runs the first sync
    // again, and that one reads (the table is no longer known fresh): fewer reads than passes, where the
    // build before read in every pass that found the table ACTIVE.
    expect(calls.DescribeTimeToLive ?? 0, JSON.stringify(calls)).to.be.below(passes);
    expect(calls.DescribeContinuousBackups ?? 0, JSON.stringify(calls)).to.be.below(passes);
    expectOneListPerPass('calls_plain', calls);
    // dynalite drops CreateTable's Tags parameter, so the ownership tags are written once, afterwards.
    expect(calls.TagResource ?? 0, JSON.stringify(calls)).to.be.at.most(1);
  });

  it('a table with tags of its own: one CreateTable; tags listed at most once per pass', async () => {
    mustApply(simpleTableYaml('calls-tags', 'calls_tags', 'dyn', { spec: { tags: { team: 'payments' } } }), ns);
    await waitFor('calls-tags Ready', ready(ns, 'calls-tags'));
    const calls = await callsOf('calls_tags');
    expect(calls, JSON.stringify(calls)).to.include({ CreateTable: 1 });
    // dynalite dropped the first table's Tags too, so this one's are listed, not trusted, and written.
    expectOneListPerPass('calls_tags', calls);
    const uid = getObj('dynamodbtable', ns, 'calls-tags')?.metadata.uid;
    expect(await tableTags(emulatorClient(dyn.endpoint), 'calls_tags')).to.include({
      team: 'payments',
      [OWNER_UID_TAG]: uid,
    });
  });

  it('a table adopted, not created here: its first sync reads TTL and PITR', async () => {
    await createTableOutside(emulatorClient(dyn.endpoint), 'calls_adopted');
    const yaml = simpleTableYaml('calls-adopted', 'calls_adopted', 'dyn', { annotations: { [ADOPT]: 'true' } });
    mustApply(yaml, ns);
    await waitFor('calls-adopted Ready', ready(ns, 'calls-adopted'));
    const calls = await callsOf('calls_adopted');
    expect(calls.CreateTable ?? 0, JSON.stringify(calls)).to.equal(0);
    expect(calls.DescribeTimeToLive ?? 0, JSON.stringify(calls)).to.be.at.least(1);
    expect(calls.DescribeContinuousBackups ?? 0, JSON.stringify(calls)).to.be.at.least(1);
  });
});

// moto models TTL and point-in-time recovery (dynalite has no PITR): the first sync of a table created
// here enables both without reading them first, and what it assumed is what AWS then shows.
describe('reconciler: the AWS calls of a create with TTL and PITR (moto)', function () {
  this.timeout(180_000);
  const stack = useMotoStack('rec-calls-moto');

  const count = (op: string) => stack.proxy.count(op, 'calls_ttl_pitr');

  it('enables both with one call each, reads neither, and a later full read finds them as assumed', async () => {
    const spec = { timeToLive: { enabled: true, attributeName: 'expiresAt' }, pointInTimeRecovery: true };
    mustApply(simpleTableYaml('calls-ttl-pitr', 'calls_ttl_pitr', 'moto', { spec }), stack.ns);
    await waitFor('calls-ttl-pitr Ready', ready(stack.ns, 'calls-ttl-pitr'));
    expect([count('UpdateTimeToLive'), count('UpdateContinuousBackups')]).to.deep.equal([1, 1]);
    // Each enabled before any read of it. (A pass working from a cache that does not show the first sync's
    // status yet runs the first sync again, reading: CI saw that once. It then finds both on.)
    const order = stack.proxy
      .records()
      .filter((r) => r.table === 'calls_ttl_pitr')
      .map((r) => r.op);
    const log = order.join(', ');
    expect(order.indexOf('UpdateTimeToLive'), log).to.be.below(indexOrEnd(order, 'DescribeTimeToLive'));
    expect(order.indexOf('UpdateContinuousBackups'), log).to.be.below(indexOrEnd(order, 'DescribeContinuousBackups'));

    const client = emulatorClient(stack.moto.endpoint);
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: 'calls_ttl_pitr' }));
    expect(ttl.TimeToLiveDescription).to.include({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
    const pitr = await client.send(new DescribeContinuousBackupsCommand({ TableName: 'calls_ttl_pitr' }));
    expect(pitr.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).to.equal(
      'ENABLED',
    );

    // A new generation reads everything: TTL and PITR are as the first sync assumed, so nothing is sent.
    mustApply(
      simpleTableYaml('calls-ttl-pitr', 'calls_ttl_pitr', 'moto', { spec: { ...spec, tags: { a: 'b' } } }),
      stack.ns,
    );
    await waitFor('the new generation synced', () => {
      const o = getObj('dynamodbtable', stack.ns, 'calls-ttl-pitr');
      const status = o?.status as { syncedGeneration?: number; ready?: boolean } | undefined;
      return (status?.ready === true && status.syncedGeneration === o?.metadata.generation) || undefined;
    });
    expect(count('DescribeTimeToLive')).to.be.at.least(1);
    expect(count('DescribeContinuousBackups')).to.be.at.least(1);
    expect([count('UpdateTimeToLive'), count('UpdateContinuousBackups')]).to.deep.equal([1, 1]);
  });
});

// moto keeps CreateTable's Tags, as AWS does. Once a listing of a table created here has shown them, the
// tables created later through the same provider are not listed: they are ours by the identity in
// CreateTable's answer, and carry the tags sent with it. And an object's first pass creates without
// reading first: a table that exists already makes AWS refuse the CreateTable, and is then read.
describe('reconciler: the tags of a create, trusted once seen kept; create before read (moto)', function () {
  this.timeout(180_000);
  const stack = useMotoStack('rec-tags-moto');

  it('lists the first table, then creates the next without ListTagsOfResource or TagResource', async () => {
    mustApply(simpleTableYaml('tags-first', 'tags_first', 'moto'), stack.ns);
    await waitFor('tags-first Ready', ready(stack.ns, 'tags-first'));
    expect(stack.proxy.count('ListTagsOfResource', 'tags_first')).to.be.at.least(1);

    mustApply(simpleTableYaml('tags-next', 'tags_next', 'moto', { spec: { tags: { team: 'payments' } } }), stack.ns);
    await waitFor('tags-next Ready', ready(stack.ns, 'tags-next'));
    const ops = stack.proxy
      .records()
      .filter((r) => r.table === 'tags_next')
      .map((r) => r.op);
    // Its first pass creates without reading first: nothing said a table existed, and the provider keeps tags.
    expect(ops[0], ops.join(', ')).to.equal('CreateTable');
    expect(
      ops.filter((op) => op === 'CreateTable'),
      ops.join(', '),
    ).to.have.length(1);
    expect(ops, ops.join(', ')).to.not.include('ListTagsOfResource');
    expect(ops, ops.join(', ')).to.not.include('TagResource');
    const uid = getObj('dynamodbtable', stack.ns, 'tags-next')?.metadata.uid;
    expect(await tableTags(emulatorClient(stack.moto.endpoint), 'tags_next')).to.include({
      team: 'payments',
      [OWNER_UID_TAG]: uid,
    });

    // A tag added later is written: the trusted list is what the first sync starts from, not a freeze.
    mustApply(
      simpleTableYaml('tags-next', 'tags_next', 'moto', { spec: { tags: { team: 'payments', tier: 'gold' } } }),
      stack.ns,
    );
    await waitFor(
      'tags-next tagged tier=gold',
      async () => (await tableTags(emulatorClient(stack.moto.endpoint), 'tags_next')).tier === 'gold' || undefined,
    );
  });

  it('a table that exists already: CreateTable is refused, nothing is touched, and adoption still works', async () => {
    // The provider keeps CreateTable's tags once a listing showed it (the test above, or this one's first table).
    mustApply(simpleTableYaml('exists-learn', 'exists_learn', 'moto'), stack.ns);
    await waitFor('exists-learn Ready', ready(stack.ns, 'exists-learn'));
    const client = emulatorClient(stack.moto.endpoint);
    await createTableOutside(client, 'exists_outside');
    mustApply(simpleTableYaml('exists', 'exists_outside', 'moto'), stack.ns);
    const refused = await waitFor('exists TableNotOwned', () => {
      const o = getObj('dynamodbtable', stack.ns, 'exists');
      return o?.status?.conditions?.find((x) => x.type === 'Ready' && x.reason === 'TableNotOwned') ? o : undefined;
    });
    const ops = () =>
      stack.proxy
        .records()
        .filter((r) => r.table === 'exists_outside')
        .map((r) => `${r.op}:${r.status}`);
    // One CreateTable, refused; then the usual read and ownership check, as if it had read first.
    expect(ops()[0], ops().join(', ')).to.equal('CreateTable:400');
    expect(ops(), ops().join(', ')).to.include('DescribeTable:200');
    expect(
      ops().filter((op) => op.startsWith('CreateTable')),
      ops().join(', '),
    ).to.have.length(1);
    expect(
      ops().filter((op) => op.startsWith('TagResource')),
      ops().join(', '),
    ).to.have.length(0);
    expect(await tableTags(emulatorClient(stack.moto.endpoint), 'exists_outside')).to.deep.equal({});
    // No create intent: it could otherwise make a table created seconds before look like ours.
    expect(Object.keys(refused.metadata.annotations ?? {})).to.not.include(
      'dynamodb.aws-infra-operator.runner.codes/create-requested-at',
    );

    kubectl(['annotate', '-n', stack.ns, 'dynamodbtable', 'exists', `${ADOPT}=true`]);
    await waitFor('exists adopted and Ready', ready(stack.ns, 'exists'));
    const uid = getObj('dynamodbtable', stack.ns, 'exists')?.metadata.uid;
    expect(await tableTags(emulatorClient(stack.moto.endpoint), 'exists_outside')).to.include({ [OWNER_UID_TAG]: uid });
    expect(
      ops().filter((op) => op.startsWith('CreateTable')),
      ops().join(', '),
    ).to.have.length(1);
  });
});

// A create sent before any read whose answer is lost: AWS made the table, the reconciler cannot tell,
// and AWS's listing right after a create may not show its tags yet (the proxy hides them). The create
// intent, recorded after the lost answer and timed before the call, lets the retry recognise the table.
describe('reconciler: a create before read whose answer is lost (moto)', function () {
  this.timeout(180_000);
  const stack = useMotoStack('rec-lost-moto', {
    loseAnswer: 'CreateTable:lost_answer',
    hideTags: 'lost_answer',
  });

  it('records the intent, and the retry claims the table it made although AWS lists no tags', async () => {
    mustApply(simpleTableYaml('lost-learn', 'lost_learn', 'moto'), stack.ns);
    await waitFor('lost-learn Ready', ready(stack.ns, 'lost-learn'));

    mustApply(simpleTableYaml('lost', 'lost_answer', 'moto'), stack.ns);
    await waitFor('lost Ready', ready(stack.ns, 'lost'));
    const records = stack.proxy.records().filter((r) => r.table === 'lost_answer');
    const ops = records.map((r) => r.op).join(', ');
    expect(records[0], ops).to.include({ op: 'CreateTable', lost: true });
    expect(
      records.filter((r) => r.op === 'CreateTable'),
      ops,
    ).to.have.length(1);
    expect(
      records.filter((r) => r.op === 'ListTagsOfResource' && r.hidden),
      ops,
    ).to.have.length.at.least(1);
    const obj = getObj('dynamodbtable', stack.ns, 'lost');
    const intent = obj?.metadata.annotations?.['dynamodb.aws-infra-operator.runner.codes/create-requested-at'] ?? '';
    expect(intent).to.match(/^lost_answer@/);
    expect(await tableTags(emulatorClient(stack.moto.endpoint), 'lost_answer')).to.include({
      [OWNER_UID_TAG]: obj?.metadata.uid,
    });
  });
});
