// The AWS calls a create costs, counted per table at a recording proxy in front of a private dynalite.
// The ownership check lists the table's tags; the follow-ups and the first sync's observation use that
// list (plus what the reconciler tagged since) instead of listing them again.
import { expect } from 'chai';
import { waitFor } from './support/index.ts';
import {
  GROUP,
  deleteNamespace,
  getObj,
  mustApply,
  providerYaml,
  simpleTableYaml,
  startDynalite,
  startReconcilerProc,
  startRecordingProxy,
  uniqueNamespace,
} from './support-reconciler/index.ts';
import type { Emulator, ReconcilerProc, Recorder } from './support-reconciler/index.ts';

const ready = (ns: string, name: string) => () =>
  getObj('dynamodbtable', ns, name)?.status?.ready === true || undefined;

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

  it('a plain table: one CreateTable; tags listed at most once per pass; TTL and PITR read once; three object writes', async () => {
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
    expect(calls, JSON.stringify(calls)).to.include({
      CreateTable: 1,
      DescribeTimeToLive: 1,
      DescribeContinuousBackups: 1,
    });
    expectOneListPerPass('calls_plain', calls);
    // dynalite drops CreateTable's Tags parameter, so the ownership tags are written once, afterwards.
    expect(calls.TagResource ?? 0, JSON.stringify(calls)).to.be.at.most(1);
  });

  it('a table with tags of its own: one CreateTable; tags listed at most once per pass', async () => {
    mustApply(simpleTableYaml('calls-tags', 'calls_tags', 'dyn', { spec: { tags: { team: 'payments' } } }), ns);
    await waitFor('calls-tags Ready', ready(ns, 'calls-tags'));
    const calls = await callsOf('calls_tags');
    expect(calls, JSON.stringify(calls)).to.include({ CreateTable: 1 });
    expectOneListPerPass('calls_tags', calls);
  });
});
