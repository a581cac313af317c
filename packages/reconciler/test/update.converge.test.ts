// The converger (the table reconciler's seam for updates) against moto behind the fault proxy: one
// step per reconcile, progress in status messages and Events, drift repaired with a Warning Event,
// steady state with one read per resync (the read rotation), TTL changes deferred by the hour rule.
import { expect } from 'chai';
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  TagResourceCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { pino } from 'pino';
import type { TableModel } from '@dynamodb-operator/api';
import { gsi, model } from '../../api/test/plan.helpers.ts';
import { startFaultProxy } from '../../../test/fault-proxy/index.ts';
import type { FaultProxy } from '../../../test/fault-proxy/index.ts';
import type { ConvergeResult } from '../src/controller/converge.ts';
import type { EventType } from '../src/controller/events.ts';
import { createPlanConverger } from '../src/update/index.ts';
import type { PlanConverger, PlanConvergerOptions } from '../src/update/index.ts';
import { clientFor, createTable, OBS_ALL, startMoto } from './update.helpers.ts';
import type { Emulator } from './update.helpers.ts';

const attrs = (...names: string[]) => [
  { name: 'pk', type: 'S' as const, path: 'a' },
  ...names.map((name) => ({ name, type: 'S' as const, path: 'a' })),
];
const OWNER = { 'aws-infra-operator.runner.codes/owner': 'DynamoDB/default/t' };

interface Emitted {
  type: EventType;
  reason: string;
  message: string;
}

describe('plan converger (reconciler seam) on moto behind the fault proxy', function () {
  this.timeout(60_000);
  const run = Date.now().toString(36);
  let emu: Emulator;
  let proxy: FaultProxy;
  let client: DynamoDBClient;
  let n = 0;
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const table = (over: Partial<TableModel>): TableModel => model({ tableName: `cv-${run}-${n}`, tags: {}, ...over });

  /**
   * Reconcile until synced (or a long requeue), as the table reconciler would: the steady-state read
   * (which may replace DescribeTable), then describe and converge. Returns the converge results; a
   * reconcile settled by the steady-state read alone shows as a synced 'SteadyRead' result.
   */
  async function reconcileUntilSettled(
    cv: PlanConverger,
    d: TableModel,
    events: Emitted[],
    generation = 1,
    firstSync = false,
  ): Promise<ConvergeResult[]> {
    const results: ConvergeResult[] = [];
    const object = { metadata: { name: 't', namespace: 'default', uid: d.tableName, generation } };
    const common = {
      model: d,
      object,
      dynamodb: client,
      signal: () => new AbortController().signal,
      desiredTags: { ...d.tags, ...OWNER },
      log: pino({ level: 'silent' }),
    };
    // What the object's status would say (statusInSync): Ready and Synced at this generation.
    let statusInSync = !firstSync;
    for (let i = 0; i < 200; i++) {
      const pre = statusInSync ? await cv.steadyRead({ ...common, tableArn: await arnOf(d) }) : 'all';
      if (pre === 'inSync') {
        results.push({ synced: true, reason: 'SteadyRead', message: 'the steady-state read found nothing to do' });
        return results;
      }
      const described = (await client.send(new DescribeTableCommand({ TableName: d.tableName }))).Table!;
      if (described.TableStatus !== 'ACTIVE') {
        statusInSync = false;
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      const r = await cv.converge({
        ...common,
        described,
        firstSync: firstSync && i === 0,
        events: { emit: (_o, type, reason, message) => events.push({ type, reason, message }) },
        reads: pre,
      });
      results.push(r);
      statusInSync = r.synced;
      if (r.synced || (r.requeueAfterMs ?? 0) >= 60_000) return results;
      await new Promise((res) => setTimeout(res, Math.min(r.requeueAfterMs ?? 20, 20)));
    }
    throw new Error(`not settled: ${JSON.stringify(results.slice(-3))}`);
  }
  // The ARN as status.tableArn would hold it, read around the proxy so that it is not counted.
  const arns = new Map<string, string>();
  async function arnOf(d: TableModel): Promise<string> {
    let arn = arns.get(d.tableName);
    if (!arn) {
      const direct = clientFor(emu.endpoint);
      arn = (await direct.send(new DescribeTableCommand({ TableName: d.tableName }))).Table!.TableArn!;
      direct.destroy();
      arns.set(d.tableName, arn);
    }
    return arn;
  }
  const converger = (o: PlanConvergerOptions = {}) =>
    createPlanConverger({ pollMs: 20, now: () => new Date(clock), ...o });

  before(async () => {
    emu = await startMoto();
    proxy = await startFaultProxy({
      upstream: emu.endpoint,
      timings: { updateMs: 40, gsiCreateMs: 120, gsiDeleteMs: 40 },
    });
    client = clientFor(proxy.url);
  });
  after(async () => {
    client?.destroy();
    await proxy?.close();
    await emu?.stop();
  });
  beforeEach(() => n++);

  it('applies a spec change one step per reconcile, with "(i of n)" progress, then reports InSync', async () => {
    await createTable(client, table({ tags: { Team: 'a', ...OWNER } }), OBS_ALL);
    const converge = converger();
    const events: Emitted[] = [];
    await reconcileUntilSettled(converge, table({ tags: { Team: 'a' } }), events, 1, true);
    expect(events).to.deep.equal([]);
    proxy.reset();
    const d = table({
      attributeDefinitions: attrs('a', 'b'),
      globalSecondaryIndexes: [gsi('by-a', 'a'), gsi('by-b', 'b')],
      pointInTimeRecovery: { enabled: true, path: 'p' },
      tags: { Team: 'b' },
    });
    const results = await reconcileUntilSettled(converge, d, events, 2);
    expect(events.map((e) => e.message)).to.deep.equal([
      'creating GSI by-a (1 of 4)',
      'creating GSI by-b (2 of 4)',
      'enabling point-in-time recovery (35 days) (3 of 4)',
      'setting tags Team (4 of 4)',
      `table ${d.tableName} matches the spec`,
    ]);
    expect(
      results.some((r) =>
        /^waiting: .*GSI by-a is CREATING \(backfilling\).*; next: creating GSI by-b \(2 of 4\)$/.test(r.message),
      ),
    ).to.equal(true);
    expect(results.at(-1)).to.include({ synced: true, reason: 'InSync' });
    expect(proxy.calls().filter((c) => c.by === 'enforced')).to.deep.equal([]);
  });

  it('steady state: exactly one read per resync, rotating DescribeTable with TTL, PITR and tags (10 min / 1 h)', async () => {
    const d = table({ tags: { Team: 'a' }, pointInTimeRecovery: { enabled: false, path: 'p' } });
    await createTable(client, { ...d, tags: { ...d.tags, ...OWNER } }, OBS_ALL);
    const cv = converger({ deepCheckIntervalMs: 60 * 60_000, resyncMs: 10 * 60_000 });
    await reconcileUntilSettled(cv, d, [], 1, true);
    const perResync: string[][] = [];
    for (let i = 0; i < 12; i++) {
      proxy.reset();
      clock += 10 * 60_000; // twelve resyncs, 10 minutes apart: two drift-check periods
      const r = await reconcileUntilSettled(cv, d, [], 1);
      expect(r.at(-1)?.synced).to.equal(true);
      perResync.push(
        proxy
          .calls()
          .filter((c) => c.table === d.tableName)
          .map((c) => c.operation),
      );
    }
    // Deep reads are due at 60 and 120 min (ties go to them), each one a turn of its own.
    expect(perResync).to.deep.equal([
      ['DescribeTable'],
      ['DescribeTable'],
      ['DescribeTable'],
      ['DescribeTable'],
      ['DescribeTable'],
      ['DescribeTimeToLive'],
      ['DescribeTable'],
      ['DescribeContinuousBackups'],
      ['DescribeTable'],
      ['ListTagsOfResource'],
      ['DescribeTable'],
      ['DescribeTimeToLive'],
    ]);
  });

  it('steady state: PITR turned off outside Kubernetes is found by its rotation turn and repaired', async () => {
    const d = table({ tags: { Team: 'a' }, pointInTimeRecovery: { enabled: true, path: 'p' } });
    await createTable(client, { ...d, tags: { ...d.tags, ...OWNER } }, OBS_ALL);
    const cv = converger({ deepCheckIntervalMs: 60 * 60_000, resyncMs: 10 * 60_000 });
    const events: Emitted[] = [];
    await reconcileUntilSettled(cv, d, events, 1, true);
    expect(events.map((e) => e.reason)).to.deep.equal(['Updating', 'Updated']);
    const direct = clientFor(emu.endpoint);
    await direct.send(
      new UpdateContinuousBackupsCommand({
        TableName: d.tableName,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
      }),
    );
    let resyncs = 0;
    while (!events.some((e) => e.reason === 'DriftDetected') && resyncs < 12) {
      clock += 10 * 60_000;
      resyncs++;
      await reconcileUntilSettled(cv, d, events, 1);
    }
    // PITR's turn comes at 80 min (after TTL's at 60): the eighth resync.
    expect(resyncs).to.equal(8);
    expect(events.find((e) => e.reason === 'DriftDetected')?.message).to.equal(
      'changed outside Kubernetes, repairing: point-in-time recovery is off in AWS, the spec says on',
    );
    const st = await direct.send(new DescribeContinuousBackupsCommand({ TableName: d.tableName }));
    direct.destroy();
    expect(st.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).to.equal(
      'ENABLED',
    );
  });

  it('repairs drift with a Warning Event naming it', async () => {
    const d = table({
      attributeDefinitions: attrs('a'),
      globalSecondaryIndexes: [gsi('by-a', 'a')],
      tags: { Team: 'a' },
    });
    await createTable(client, { ...d, tags: { ...d.tags, ...OWNER } }, OBS_ALL);
    const converge = converger({ deepCheckIntervalMs: 0, resyncMs: 10 * 60_000 });
    const events: Emitted[] = [];
    await reconcileUntilSettled(converge, d, events, 1, true);
    const arn = (await client.send(new DescribeTableCommand({ TableName: d.tableName }))).Table!.TableArn!;
    await client.send(
      new UpdateTableCommand({
        TableName: d.tableName,
        GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'by-a' } }],
      }),
    );
    await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'Team', Value: 'edited' }] }));
    // A drift check as frequent as the resync: round robin TTL, PITR, tags (ties go to the deep reads),
    // so the tags turn (third resync) finds the edit first; everything is read then, the GSI too.
    let resyncs = 0;
    while (!events.some((e) => e.reason === 'DriftDetected') && resyncs < 4) {
      clock += 10 * 60_000;
      resyncs++;
      await reconcileUntilSettled(converge, d, events, 1);
    }
    expect(resyncs).to.equal(3);
    expect(events[0]).to.deep.equal({
      type: 'Warning',
      reason: 'DriftDetected',
      message:
        'changed outside Kubernetes, repairing: GSI by-a is missing in AWS; tag Team is "edited" in AWS, the spec says "a"',
    });
    expect(events.slice(1).map((e) => e.message)).to.deep.equal([
      'creating GSI by-a (1 of 2)',
      'setting tags Team (2 of 2)',
      `table ${d.tableName} matches the spec`,
    ]);
  });

  it('defers TTL changes AWS would refuse within the hour: an attribute change takes two hours', async () => {
    const ttl = (attributeName: string) => table({ timeToLive: { enabled: true, attributeName, path: 't' } });
    await createTable(client, table({ tags: OWNER }), OBS_ALL);
    const converge = converger();
    const events: Emitted[] = [];
    await reconcileUntilSettled(converge, ttl('exp'), events, 1);
    expect(events.map((e) => e.message)[0]).to.equal('enabling TTL on exp (1 of 1)');
    const later = async (ms: number) => {
      clock += ms;
      proxy.advance(ms);
    };
    await later(60_000);
    // Even the disable must wait for the hour since the enable.
    const r1 = await reconcileUntilSettled(converge, ttl('other'), events, 2);
    expect(r1.map((r) => r.reason)).to.deep.equal(['TimeToLiveChangeDeferred']);
    expect(r1[0]?.message).to.contain('AWS allows one TTL change per hour');
    expect(r1[0]?.requeueAfterMs).to.be.within(58 * 60_000, 59 * 60_000);
    await later(r1[0]!.requeueAfterMs!);
    const r2 = await reconcileUntilSettled(converge, ttl('other'), events, 2);
    expect(r2.map((r) => r.reason)).to.deep.equal(['Updating', 'TimeToLiveChangeDeferred']);
    expect(r2[0]?.message).to.equal('disabling TTL on exp (1 of 2)');
    await later(r2[1]!.requeueAfterMs!);
    const r3 = await reconcileUntilSettled(converge, ttl('other'), events, 2);
    expect(r3.map((r) => r.reason)).to.deep.equal(['Updating', 'InSync']);
    expect(r3[0]?.message).to.equal('enabling TTL on other (2 of 2)');
    // The proxy enforced the hour: no UpdateTimeToLive was refused, three were accepted.
    const ttlCalls = proxy.calls().filter((c) => c.table === ttl('x').tableName && c.operation === 'UpdateTimeToLive');
    expect(ttlCalls.map((c) => c.status)).to.deep.equal([200, 200, 200]);
  });

  it('does not hammer a change AWS accepts without visible effect (moto ignores table class): held back, rest goes on', async () => {
    const d = table({ tableClass: 'STANDARD_INFREQUENT_ACCESS', tags: { Team: 'x' } });
    await createTable(client, table({ tableClass: 'STANDARD', tags: OWNER }), OBS_ALL);
    proxy.reset();
    const converge = converger();
    const events: Emitted[] = [];
    const r1 = await reconcileUntilSettled(converge, d, events, 2);
    // class (sent), class again (2nd: now held), the tags go on regardless, then in sync as far as AWS says.
    expect(r1.map((r) => r.reason)).to.deep.equal(['Updating', 'Updating', 'Updating', 'AcceptedNotVisible']);
    expect(r1[3]).to.include({ synced: true, requeueAfterMs: 60_000 });
    expect(r1[3]?.message).to.match(
      /^AWS accepted "updating table: table class → STANDARD_INFREQUENT_ACCESS" 2 or more times/,
    );
    expect(events.map((e) => e.reason)).to.deep.equal(['Updating', 'UpdateHasNoEffect', 'Updating', 'Updating']);
    expect((await client.send(new DescribeTableCommand({ TableName: d.tableName }))).Table?.TableArn).to.be.a('string');
    clock += 60_000;
    const r2 = await reconcileUntilSettled(converge, d, events, 2);
    expect(r2.map((r) => r.reason)).to.deep.equal(['Updating', 'AcceptedNotVisible']);
    expect(r2[1]?.requeueAfterMs).to.equal(120_000);
    const sent = proxy.calls().filter((c) => c.table === d.tableName && c.operation === 'UpdateTable');
    expect(sent).to.have.length(3);
    expect(proxy.counts(d.tableName).TagResource).to.equal(1);
  });
});
