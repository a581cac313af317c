// plan + executor through the fault proxy (moto upstream): AWS's rules enforced (UpdateTable only when
// everything is ACTIVE, one GSI create/delete per call) and faults injected. Asserts convergence, the
// emulator's final state, and from the proxy's record: no refused, duplicate or out-of-order writes.
import { expect } from 'chai';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PlanOptions, TableModel } from '@dynamodb-operator/api';
import { gsi, model } from '../../api/test/plan.helpers.ts';
import { startFaultProxy } from '../../../test/fault-proxy/index.ts';
import type { CallRecord, FaultProxy } from '../../../test/fault-proxy/index.ts';
import { classifyAwsError } from '../src/aws/errors.ts';
import { observeTable } from '../src/update/index.ts';
import { clientFor, converge, createTable, OBS_ALL, startMoto } from './update.helpers.ts';
import type { Emulator } from './update.helpers.ts';

const attrs = (...names: string[]) => [
  { name: 'pk', type: 'S' as const, path: 'a' },
  ...names.map((name) => ({ name, type: 'S' as const, path: 'a' })),
];

/** Converge, retrying retryable errors with jittered backoff (as the work queue does); terminal errors throw. */
async function convergeWithRetries(client: DynamoDBClient, d: TableModel, opts: PlanOptions = {}, maxErrors = 200) {
  let errors = 0;
  for (;;) {
    try {
      const r = await converge(client, d, OBS_ALL, opts, 30_000);
      return { ...r, errors };
    } catch (err) {
      if (classifyAwsError(err) !== 'retryable' || ++errors > maxErrors) throw err;
      await new Promise((res) => setTimeout(res, 5 + Math.random() * 10 * Math.min(errors, 5)));
    }
  }
}

/** A seeded PRNG (mulberry32) for the proxy's probabilistic faults: the same fault pattern every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const writes = (calls: CallRecord[], table: string) =>
  calls.filter(
    (c) =>
      c.table === table &&
      c.operation !== 'DescribeTable' &&
      !c.operation.startsWith('Describe') &&
      c.operation !== 'ListTagsOfResource',
  );
const accepted = (calls: CallRecord[], table: string) => writes(calls, table).filter((c) => c.status === 200);

describe('update executor through the fault proxy (moto)', function () {
  this.timeout(120_000);
  const results: Record<string, unknown>[] = [];
  const run = Date.now().toString(36);
  let emu: Emulator;
  let proxy: FaultProxy;
  let client: DynamoDBClient;
  let n = 0;
  const table = (over: Partial<TableModel>): TableModel => model({ tableName: `px-${run}-${n}`, ...over });
  const report = (scenario: string, d: TableModel, ms: number, errors = 0) => {
    const w = writes(proxy.calls(), d.tableName);
    results.push({
      emulator: 'moto+proxy',
      scenario,
      ms,
      accepted: accepted(proxy.calls(), d.tableName).map((c) => c.operation + (c.gsi ? `(${c.gsi.join(',')})` : '')),
      refused: w.filter((c) => c.by === 'enforced').length,
      injected: proxy.calls().filter((c) => c.table === d.tableName && c.by?.startsWith('fault:')).length,
      reads: proxy.calls().filter((c) => c.table === d.tableName && /^(Describe|List)/.test(c.operation)).length,
      retriedErrors: errors,
    });
  };

  before(async () => {
    emu = await startMoto();
    proxy = await startFaultProxy({
      upstream: emu.endpoint,
      random: seeded(7),
      timings: { updateMs: 60, gsiCreateMs: 250, gsiDeleteMs: 100 },
    });
    client = clientFor(proxy.url);
  });
  after(async () => {
    client?.destroy();
    await proxy?.close();
    await emu?.stop();
    for (const r of results) console.log(`      ${JSON.stringify(r)}`);
  });
  beforeEach(() => {
    n++;
    proxy.reset();
  });

  it('adds three GSIs: waits for each to be ACTIVE, never refused, one create each in spec order', async () => {
    await createTable(client, table({ attributeDefinitions: attrs() }), OBS_ALL);
    proxy.reset();
    const d = table({
      attributeDefinitions: attrs('a', 'b', 'c'),
      globalSecondaryIndexes: [gsi('by-a', 'a'), gsi('by-b', 'b'), gsi('by-c', 'c')],
    });
    const r = await converge(client, d, OBS_ALL, {}, 30_000);
    report('add three GSIs (enforced)', d, r.ms);
    expect(writes(proxy.calls(), d.tableName).filter((c) => c.by === 'enforced')).to.deep.equal([]);
    expect(accepted(proxy.calls(), d.tableName).map((c) => c.gsi)).to.deep.equal([
      ['Create:by-a'],
      ['Create:by-b'],
      ['Create:by-c'],
    ]);
    expect(r.ms).to.be.at.least(2 * 250); // two waits for backfilling in between
  });

  it('removes one GSI and adds one, changes a projection: delete → create, each after ACTIVE', async () => {
    await createTable(
      client,
      table({ attributeDefinitions: attrs('a', 'b'), globalSecondaryIndexes: [gsi('proj', 'a'), gsi('old', 'b')] }),
      OBS_ALL,
    );
    proxy.reset();
    const d = table({
      attributeDefinitions: attrs('a', 'c'),
      globalSecondaryIndexes: [gsi('proj', 'a', undefined, 'KEYS_ONLY'), gsi('new', 'c')],
    });
    const r = await converge(client, d, OBS_ALL, {}, 30_000);
    report('remove one, add one, change projection (enforced)', d, r.ms);
    expect(accepted(proxy.calls(), d.tableName).map((c) => c.gsi)).to.deep.equal([
      ['Delete:old'],
      ['Delete:proj'],
      ['Create:proj'],
      ['Create:new'],
    ]);
    expect(writes(proxy.calls(), d.tableName).filter((c) => c.by === 'enforced')).to.deep.equal([]);
    const o = await observeTable(client, d.tableName);
    expect(o?.globalSecondaryIndexes.map((g) => [g.indexName, g.projection.type]).sort()).to.deep.equal([
      ['new', 'ALL'],
      ['proj', 'KEYS_ONLY'],
    ]);
  });

  it('converges under throttling, 500s, LimitExceeded and latency with bounded retries and no duplicate writes', async () => {
    await createTable(
      client,
      table({ attributeDefinitions: attrs('a'), globalSecondaryIndexes: [gsi('old', 'a')] }),
      OBS_ALL,
    );
    proxy.reset();
    proxy.addFault({ probability: 0.15, action: { kind: 'error', error: 'ThrottlingException' } });
    proxy.addFault({ probability: 0.1, action: { kind: 'http500' } });
    proxy.addFault({
      operation: 'UpdateTable',
      probability: 0.15,
      action: { kind: 'error', error: 'LimitExceededException' },
    });
    proxy.addFault({ probability: 0.3, action: { kind: 'latency', ms: 15 } });
    const d = table({
      attributeDefinitions: attrs('b', 'c'),
      globalSecondaryIndexes: [gsi('by-b', 'b'), gsi('by-c', 'c')],
      pointInTimeRecovery: { enabled: true, path: 'p' },
      stream: { enabled: true, viewType: 'KEYS_ONLY', path: 's', viewTypePath: 'v' },
      tags: { Team: 'x' },
    });
    const t0 = Date.now();
    const r = await convergeWithRetries(client, d);
    report('mixed change under random faults', d, Date.now() - t0, r.errors);
    const ok = accepted(proxy.calls(), d.tableName);
    // Each write was accepted exactly once, in plan order (faulted attempts never reached moto).
    expect(ok.map((c) => c.operation + (c.gsi ? `:${c.gsi.join(',')}` : ''))).to.deep.equal([
      'UpdateTable:Delete:old',
      'UpdateTable:Create:by-b',
      'UpdateTable:Create:by-c',
      'UpdateTable',
      'UpdateContinuousBackups',
      'TagResource',
    ]);
    expect(writes(proxy.calls(), d.tableName).filter((c) => c.by === 'enforced')).to.deep.equal([]);
    expect(r.errors).to.be.greaterThan(0);
    proxy.clearFaults();
    expect((await converge(client, d, OBS_ALL)).calls).to.deep.equal([]);
  });

  it('a lost response after AWS applied a GSI create does not lead to a second create', async () => {
    await createTable(client, table({ attributeDefinitions: attrs() }), OBS_ALL);
    proxy.reset();
    proxy.addFault({ operation: 'UpdateTable', times: 1, action: { kind: 'dropResponse' } });
    const d = table({ attributeDefinitions: attrs('a'), globalSecondaryIndexes: [gsi('by-a', 'a')] });
    const t0 = Date.now();
    const r = await convergeWithRetries(client, d);
    report('lost response on GSI create', d, Date.now() - t0, r.errors);
    expect(r.errors).to.equal(1);
    const creates = writes(proxy.calls(), d.tableName).filter((c) => c.gsi?.includes('Create:by-a'));
    expect(creates.map((c) => c.status)).to.deep.equal(['dropped']);
  });

  it('TTL through the proxy: enable, then an attribute change is held for the hour instead of hammering', async () => {
    await createTable(client, table({}), OBS_ALL);
    const ttl = (attributeName: string) => table({ timeToLive: { enabled: true, attributeName, path: 't' } });
    await converge(client, ttl('exp'), OBS_ALL);
    const r = await converge(client, ttl('other'), OBS_ALL, { lastTtlChangeAt: new Date(proxy.now()) });
    report('TTL attribute change within the hour', ttl('other'), r.ms);
    // Both TTL steps are blocked by our own record of the last change: no call reaches the proxy.
    expect(r.calls).to.deep.equal([]);
    expect(r.blocked.map((s) => s.kind)).to.deep.equal(['updateTtl', 'updateTtl']);
    expect(proxy.counts(ttl('x').tableName).UpdateTimeToLive).to.equal(1);
  });
});
