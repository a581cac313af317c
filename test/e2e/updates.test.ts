// Updates end to end: changes to live tables, drift and faults, through real kubectl and the reconciler
// as a process. The AWSProvider's endpoint is the fault proxy (own process) in front of a PRIVATE moto;
// the proxy enforces what moto does not model (UpdateTable only while everything is ACTIVE, one GSI
// create/delete per call) and keeps a call log. Every scenario is a `kubectl apply` of a changed
// manifest and asserts moto's final state (SDK directly against moto, not through the proxy) and the
// object's status. Per scenario: write calls and seconds to converge → stdout + a markdown table
// (docs/update-scenarios.md with DDBOP_WRITE_DOCS=1, else .testenv/logs/update-scenarios.md).
import { expect } from 'chai';
import { join } from 'node:path';
import {
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ListTagsOfResourceCommand,
  TagResourceCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient, GlobalSecondaryIndexDescription, TableDescription } from '@aws-sdk/client-dynamodb';
import { kubectl, testEnv, waitFor } from './support/index.ts';
import {
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
import type { Emulator, ReconcilerProc } from './support-reconciler/index.ts';
import {
  acceptedWritesOf,
  applyAndConverge,
  enforcedRefusals,
  eventsOf,
  lastSeq,
  ScenarioReport,
  startFaultProxyProc,
  tableYaml,
  writesOf,
} from './support-updates/index.ts';
import type { ProxyProc, TableSpec } from './support-updates/index.ts';

const ALL = 'ALL';
const gsi = (indexName: string, hashKey: string, extra: Record<string, unknown> = {}) => ({
  indexName,
  hashKey,
  projectionType: ALL,
  ...extra,
});
const cap = (r: number, w: number) => ({ readCapacityUnits: r, writeCapacityUnits: w });

/**
 * Waits until the reconciler has confirmed the last change (Synced/InSync). Drift that lands while a
 * change is still in progress is repaired as part of that change, without a DriftDetected Event.
 */
async function confirmedInSync(ns: string, name: string): Promise<void> {
  await waitFor(`${name}: the previous change confirmed in sync`, () => {
    const c = condition(getObj('dynamodbtable', ns, name), 'Synced');
    return c?.status === 'True' && c.reason === 'InSync';
  });
}

describe('updates of live tables, drift and faults (reconciler process, fault proxy, private moto)', function () {
  this.timeout(240_000);
  const report = new ScenarioReport();
  let ns: string;
  let moto: Emulator;
  let proxy: ProxyProc;
  let ddb: DynamoDBClient;
  let rec: ReconcilerProc;
  let recN = 0;

  const startRec = async () => {
    recN++;
    // a short drift check so PITR and tag drift alone (read beyond DescribeTable) is seen within test time
    rec = await startReconcilerProc(`upd-reconciler-${recN}`, ns, ['--resync-period=5s', '--drift-check-period=5s']);
  };

  const describe_ = async (t: string): Promise<TableDescription> =>
    (await ddb.send(new DescribeTableCommand({ TableName: t }))).Table ?? {};
  const gsis = async (t: string): Promise<Record<string, GlobalSecondaryIndexDescription>> =>
    Object.fromEntries(((await describe_(t)).GlobalSecondaryIndexes ?? []).map((g) => [g.IndexName, g]));
  const tags = async (t: string): Promise<Record<string, string>> => {
    const arn = (await describe_(t)).TableArn;
    const r = await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }));
    return Object.fromEntries((r.Tags ?? []).map((x) => [x.Key ?? '', x.Value ?? '']));
  };
  const pitr = async (t: string) =>
    (await ddb.send(new DescribeContinuousBackupsCommand({ TableName: t }))).ContinuousBackupsDescription
      ?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus;
  const activeGsis = async (t: string, names: string[]) => {
    const g = await gsis(t);
    return (
      Object.keys(g).sort().join(',') === [...names].sort().join(',') &&
      Object.values(g).every((x) => x.IndexStatus === 'ACTIVE')
    );
  };

  /** Apply, converge, record writes + seconds; returns the proxy calls of this scenario. */
  const scenario = async (
    label: string,
    name: string,
    table: string,
    spec: TableSpec,
    check: () => Promise<boolean>,
    opts: { note?: string; syncedReason?: string; timeoutMs?: number } = {},
  ) => {
    const since = lastSeq(await proxy.calls());
    const r = await applyAndConverge(tableYaml(name, table, 'px', spec), ns, name, check, opts);
    const calls = (await proxy.calls()).filter((c) => c.seq > since);
    const writes = writesOf(calls, table);
    report.record({
      scenario: label,
      writes: writes.length,
      seconds: r.seconds,
      ...(opts.note ? { note: opts.note } : {}),
    });
    expect(condition(r.obj, 'Terminal')?.status, `${label}: Terminal`).to.equal('False');
    expect(enforcedRefusals(calls, table), `${label}: calls AWS would refuse (out of order)`).to.deep.equal([]);
    return { calls, writes, obj: r.obj };
  };

  before(async function () {
    this.timeout(180_000);
    ns = uniqueNamespace('upd');
    moto = await startMoto('upd-moto');
    proxy = await startFaultProxyProc('upd-fault-proxy', moto.endpoint);
    ddb = emulatorClient(moto.endpoint);
    mustApply(providerYaml('px', proxy.url), ns);
    await startRec();
  });

  after(async function () {
    this.timeout(60_000);
    await rec?.proc.stop();
    if (ns) deleteNamespace(ns);
    ddb?.destroy();
    await proxy?.proc.stop();
    await moto?.proc.stop();
    // The committed doc changes only when asked (its seconds vary run to run, so a test run must not
    // leave the working tree dirty); otherwise the table goes next to the test environment's logs.
    const target =
      process.env.DDBOP_WRITE_DOCS === '1'
        ? join(testEnv().root, 'docs', 'update-scenarios.md')
        : join(testEnv().logsDir, 'update-scenarios.md');
    if (report.rows.length > 0) report.writeMarkdown(target);
  });

  describe('one table through a sequence of changes', () => {
    const T = 'upd_main';
    const N = 't-main';
    // The spec grows step by step; each scenario applies a changed copy.
    let spec: TableSpec = {};
    const threeGsis = [
      gsi('by-email', 'email'),
      gsi('by-status', 'status', { rangeKey: 'created' }),
      gsi('by-owner', 'owner'),
    ];

    it('creates the table (PAY_PER_REQUEST, no indexes)', async () => {
      await scenario('create table', N, T, spec, async () => (await describe_(T)).TableStatus === 'ACTIVE');
      expect((await describe_(T)).BillingModeSummary?.BillingMode).to.equal('PAY_PER_REQUEST');
    });

    it('adds three GSIs in one apply: one create per call, each after the previous is ACTIVE', async () => {
      spec = { ...spec, globalSecondaryIndexes: threeGsis };
      const { calls } = await scenario('add three GSIs', N, T, spec, () =>
        activeGsis(T, ['by-email', 'by-status', 'by-owner']),
      );
      expect(acceptedWritesOf(calls, T).map((c) => c.gsi)).to.deep.equal([
        ['Create:by-email'],
        ['Create:by-status'],
        ['Create:by-owner'],
      ]);
      const g = await gsis(T);
      expect(g['by-status']?.KeySchema).to.deep.equal([
        { AttributeName: 'status', KeyType: 'HASH' },
        { AttributeName: 'created', KeyType: 'RANGE' },
      ]);
      const progress = eventsOf(ns, N)
        .filter((e) => e.reason === 'Updating')
        .map((e) => e.message);
      expect(progress).to.include.members([
        'creating GSI by-email (1 of 3)',
        'creating GSI by-status (2 of 3)',
        'creating GSI by-owner (3 of 3)',
      ]);
    });

    it('removes one GSI and adds one in the same apply: delete first, then create', async () => {
      spec = { ...spec, globalSecondaryIndexes: [threeGsis[0], threeGsis[1], gsi('by-created', 'created')] };
      const { calls } = await scenario('remove one GSI, add one', N, T, spec, () =>
        activeGsis(T, ['by-email', 'by-status', 'by-created']),
      );
      expect(acceptedWritesOf(calls, T).map((c) => c.gsi)).to.deep.equal([['Delete:by-owner'], ['Create:by-created']]);
    });

    it("changes a GSI's projection: the index is deleted and re-created", async () => {
      spec = {
        ...spec,
        globalSecondaryIndexes: [
          gsi('by-email', 'email', { projectionType: 'INCLUDE', nonKeyAttributes: ['owner'] }),
          threeGsis[1],
          gsi('by-created', 'created'),
        ],
      };
      const { calls } = await scenario('change GSI projection', N, T, spec, async () => {
        const g = (await gsis(T))['by-email'];
        return g?.IndexStatus === 'ACTIVE' && g.Projection?.ProjectionType === 'INCLUDE';
      });
      expect(acceptedWritesOf(calls, T).map((c) => c.gsi)).to.deep.equal([['Delete:by-email'], ['Create:by-email']]);
      expect((await gsis(T))['by-email']?.Projection?.NonKeyAttributes).to.deep.equal(['owner']);
    });

    it('turns point-in-time recovery on', async () => {
      spec = { ...spec, pointInTimeRecovery: true };
      const { writes } = await scenario('PITR on', N, T, spec, async () => (await pitr(T)) === 'ENABLED');
      expect(writes.map((c) => c.operation)).to.deep.equal(['UpdateContinuousBackups']);
    });

    it('adds, changes and removes tags (only the ones we set)', async () => {
      spec = { ...spec, tags: { team: 'payments', env: 'dev' } };
      const added = await scenario('tags added', N, T, spec, async () => {
        const t = await tags(T);
        return t.team === 'payments' && t.env === 'dev';
      });
      expect(added.writes.map((c) => c.operation)).to.deep.equal(['TagResource']);

      spec = { ...spec, tags: { team: 'billing', env: 'dev' } };
      const changed = await scenario('tag changed', N, T, spec, async () => (await tags(T)).team === 'billing');
      expect(changed.writes.map((c) => c.operation)).to.deep.equal(['TagResource']);

      spec = { ...spec, tags: { team: 'billing' } };
      const removed = await scenario('tag removed', N, T, spec, async () => !('env' in (await tags(T))));
      expect(removed.writes.map((c) => c.operation)).to.deep.equal(['UntagResource']);
      const t = await tags(T);
      expect(t.team).to.equal('billing');
      // ownership tags untouched
      expect(t['aws-infra-operator.runner.codes/owner']).to.equal(`DynamoDBTable/${ns}/${N}`);
    });

    it('enables TTL', async () => {
      spec = { ...spec, timeToLive: { enabled: true, attributeName: 'expiresAt' } };
      const { writes } = await scenario('TTL enabled', N, T, spec, async () => {
        const d = (await ddb.send(new DescribeTimeToLiveCommand({ TableName: T }))).TimeToLiveDescription;
        return d?.TimeToLiveStatus === 'ENABLED' && d.AttributeName === 'expiresAt';
      });
      expect(writes.map((c) => c.operation)).to.deep.equal(['UpdateTimeToLive']);
    });

    it('switches PAY_PER_REQUEST → PROVISIONED with GSI capacity in one UpdateTable', async () => {
      spec = {
        ...spec,
        billingMode: 'PROVISIONED',
        provisionedThroughput: cap(5, 5),
        globalSecondaryIndexes: (spec.globalSecondaryIndexes as Record<string, unknown>[]).map((g) => ({
          ...g,
          provisionedThroughput: cap(3, 2),
        })),
      };
      const { writes } = await scenario('PAY_PER_REQUEST → PROVISIONED (+GSI capacity)', N, T, spec, async () => {
        const d = await describe_(T);
        return (
          d.BillingModeSummary?.BillingMode === 'PROVISIONED' &&
          d.ProvisionedThroughput?.ReadCapacityUnits === 5 &&
          (d.GlobalSecondaryIndexes ?? []).every((g) => g.ProvisionedThroughput?.ReadCapacityUnits === 3)
        );
      });
      expect(writes.map((c) => c.operation)).to.deep.equal(['UpdateTable']);
    });

    it('raises table and GSI capacity', async () => {
      spec = {
        ...spec,
        provisionedThroughput: cap(10, 8),
        globalSecondaryIndexes: (spec.globalSecondaryIndexes as Record<string, unknown>[]).map((g) =>
          g.indexName === 'by-created' ? { ...g, provisionedThroughput: cap(6, 4) } : g,
        ),
      };
      const { writes } = await scenario('raise capacity (table + one GSI)', N, T, spec, async () => {
        const d = await describe_(T);
        const g = (d.GlobalSecondaryIndexes ?? []).find((x) => x.IndexName === 'by-created');
        return d.ProvisionedThroughput?.ReadCapacityUnits === 10 && g?.ProvisionedThroughput?.ReadCapacityUnits === 6;
      });
      expect(writes.every((c) => c.operation === 'UpdateTable')).to.equal(true);
      expect(writes.length).to.be.within(1, 2);
    });

    it('repairs drift: a GSI removed outside Kubernetes comes back, with a DriftDetected Event', async () => {
      const since = lastSeq(await proxy.calls());
      const t0 = Date.now();
      await ddb.send(
        new UpdateTableCommand({
          TableName: T,
          GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'by-created' } }],
        }),
      );
      await waitFor('DriftDetected Event naming by-created', () =>
        eventsOf(ns, N).find((e) => e.reason === 'DriftDetected' && e.message.includes('by-created')),
      );
      await waitFor('by-created back and ACTIVE', () => activeGsis(T, ['by-email', 'by-status', 'by-created']), {
        timeoutMs: 60_000,
      });
      const o = await waitFor('Ready and Synced', () => {
        const x = getObj('dynamodbtable', ns, N);
        return x?.status?.ready === true && condition(x, 'Synced')?.status === 'True' ? x : undefined;
      });
      const calls = (await proxy.calls()).filter((c) => c.seq > since);
      report.record({
        scenario: 'drift: GSI removed',
        writes: writesOf(calls, T).length,
        seconds: (Date.now() - t0) / 1000,
      });
      expect(acceptedWritesOf(calls, T).map((c) => c.gsi)).to.deep.equal([['Create:by-created']]);
      expect((await gsis(T))['by-created']?.ProvisionedThroughput?.ReadCapacityUnits).to.equal(6);
      expect(condition(o, 'Terminal')?.status).to.equal('False');
    });

    for (const kind of ['PITR', 'tag'] as const) {
      it(`repairs drift: ${kind === 'PITR' ? 'PITR turned off' : 'a tag edited'} alone, seen by the drift check`, async () => {
        const pattern = kind === 'PITR' ? /point-in-time recovery/ : /team/;
        const driftEvents = () =>
          eventsOf(ns, N)
            .filter((e) => e.reason === 'DriftDetected' && pattern.test(e.message))
            .reduce((sum, e) => sum + (e.count ?? 1), 0);
        await confirmedInSync(ns, N);
        const before = driftEvents();
        const since = lastSeq(await proxy.calls());
        const t0 = Date.now();
        if (kind === 'PITR') {
          await ddb.send(
            new UpdateContinuousBackupsCommand({
              TableName: T,
              PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
            }),
          );
        } else {
          const arn = (await describe_(T)).TableArn;
          await ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'team', Value: 'hijacked' }] }));
        }
        await waitFor(`a new DriftDetected Event for the ${kind}`, () => driftEvents() > before);
        await waitFor(
          `${kind} repaired`,
          async () => (kind === 'PITR' ? (await pitr(T)) === 'ENABLED' : (await tags(T)).team === 'billing'),
          { timeoutMs: 60_000 },
        );
        const calls = (await proxy.calls()).filter((c) => c.seq > since);
        report.record({
          scenario: `drift: ${kind === 'PITR' ? 'PITR off' : 'tag edited'} alone`,
          writes: writesOf(calls, T).length,
          seconds: (Date.now() - t0) / 1000,
        });
        expect(acceptedWritesOf(calls, T).map((c) => c.operation)).to.deep.equal([
          kind === 'PITR' ? 'UpdateContinuousBackups' : 'TagResource',
        ]);
      });
    }

    it('repairs drift: capacity changed, PITR off and a tag edited outside Kubernetes', async () => {
      // Capacity is visible in DescribeTable (checked every resync); once a repair is under way the
      // converger also reads PITR and tags, so all three come back together.
      await confirmedInSync(ns, N);
      const since = lastSeq(await proxy.calls());
      const t0 = Date.now();
      const arn = (await describe_(T)).TableArn;
      await ddb.send(
        new UpdateTableCommand({
          TableName: T,
          ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
        }),
      );
      await ddb.send(
        new UpdateContinuousBackupsCommand({
          TableName: T,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
        }),
      );
      await ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'team', Value: 'hijacked' }] }));
      await waitFor('DriftDetected Event for capacity', () =>
        eventsOf(ns, N).find((e) => e.reason === 'DriftDetected' && /capacity|throughput/i.test(e.message)),
      );
      await waitFor(
        'capacity, PITR and tag repaired',
        async () =>
          (await describe_(T)).ProvisionedThroughput?.ReadCapacityUnits === 10 &&
          (await pitr(T)) === 'ENABLED' &&
          (await tags(T)).team === 'billing',
        { timeoutMs: 60_000 },
      );
      const calls = (await proxy.calls()).filter((c) => c.seq > since);
      report.record({
        scenario: 'drift: capacity + PITR off + tag edited',
        writes: writesOf(calls, T).length,
        seconds: (Date.now() - t0) / 1000,
      });
      expect(
        acceptedWritesOf(calls, T)
          .map((c) => c.operation)
          .sort(),
      ).to.deep.equal(['TagResource', 'UpdateContinuousBackups', 'UpdateTable']);
      expect(enforcedRefusals(calls, T)).to.deep.equal([]);
    });

    it('switches PROVISIONED → PAY_PER_REQUEST with the capacities left in the spec (ignored, not sent)', async () => {
      // As the seed's `kubectl patch … billingMode PAY_PER_REQUEST` does: only the billing mode changes.
      spec = { ...spec, billingMode: 'PAY_PER_REQUEST' };
      const { writes } = await scenario(
        'PROVISIONED → PAY_PER_REQUEST (capacity left in the spec)',
        N,
        T,
        spec,
        async () => {
          return (await describe_(T)).BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST';
        },
      );
      expect(writes.map((c) => c.operation)).to.deep.equal(['UpdateTable']);
    });

    it('turns point-in-time recovery off', async () => {
      spec = { ...spec, pointInTimeRecovery: false };
      const { writes } = await scenario('PITR off', N, T, spec, async () => (await pitr(T)) === 'DISABLED');
      expect(writes.map((c) => c.operation)).to.deep.equal(['UpdateContinuousBackups']);
    });

    it('deletion protection on: a Delete-policy delete is refused with a clear condition until it is turned off', async () => {
      spec = { ...spec, deletionProtectionEnabled: true };
      await scenario(
        'deletion protection on',
        N,
        T,
        spec,
        async () => (await describe_(T)).DeletionProtectionEnabled === true,
      );
      expect(kubectl(['delete', 'dynamodbtable', N, '-n', ns, '--wait=false']).code).to.equal(0);
      const refused = await waitFor('Terminal condition DeletionProtectionEnabled', () => {
        const c = condition(getObj('dynamodbtable', ns, N), 'Terminal');
        return c?.status === 'True' && c.reason === 'DeletionProtectionEnabled' ? c : undefined;
      });
      expect(refused.message).to.contain('spec.deletionProtectionEnabled');
      expect((await describe_(T)).TableStatus).to.equal('ACTIVE');
      expect(getObj('dynamodbtable', ns, N)).to.not.equal(undefined);
      // The way out the condition names: turn protection off in the spec of the object being deleted.
      const since = lastSeq(await proxy.calls());
      const t0 = Date.now();
      mustApply(tableYaml(N, T, 'px', { ...spec, deletionProtectionEnabled: false }), ns);
      await waitFor('object gone', () => getObj('dynamodbtable', ns, N) === undefined, { timeoutMs: 60_000 });
      await waitFor('table deleted in moto', async () => {
        try {
          await describe_(T);
          return false;
        } catch (err) {
          return (err as Error).name === 'ResourceNotFoundException';
        }
      });
      const writes = writesOf(await proxy.calls(), T, since);
      report.record({
        scenario: 'deletion protection off in the spec, then deleted',
        writes: writes.length,
        seconds: (Date.now() - t0) / 1000,
      });
      expect(writes.filter((c) => c.status === 200).map((c) => c.operation)).to.deep.equal([
        'UpdateTable',
        'DeleteTable',
      ]);
    });
  });

  describe('crash, faults and errors', () => {
    const create = async (label: string, name: string, table: string) =>
      scenario(label, name, table, {}, async () => (await describe_(table)).TableStatus === 'ACTIVE');

    it('a table deleted outside Kubernetes: Ready=False TableMissing, re-created only with the recreate annotation', async () => {
      const T = 'upd_missing';
      const N = 't-missing';
      await create('create table (missing)', N, T);
      const since = lastSeq(await proxy.calls());
      await ddb.send(new DeleteTableCommand({ TableName: T }));
      const missing = await waitFor('Ready=False TableMissing', () => {
        const c = condition(getObj('dynamodbtable', ns, N), 'Ready');
        return c?.status === 'False' && c.reason === 'TableMissing' ? c : undefined;
      });
      expect(missing.message).to.contain('aws-infra-operator.runner.codes/recreate=true');
      expect(getObj('dynamodbtable', ns, N)?.status?.tableStatus).to.equal('NOT_FOUND');
      // two more reconciles (resyncs): still no CreateTable without the annotation
      const reconciles = () => rec.counter('controller_runtime_reconcile_total', { controller: 'dynamodbtable' });
      const r0 = await reconciles();
      await waitFor('two more reconciles', async () => (await reconciles()) >= r0 + 2, { timeoutMs: 30_000 });
      const creates = async () =>
        acceptedWritesOf(await proxy.calls(), T, since).filter((c) => c.operation === 'CreateTable').length;
      expect(await creates()).to.equal(0);
      const t0 = Date.now();
      expect(
        kubectl(['annotate', 'dynamodbtable', N, '-n', ns, 'aws-infra-operator.runner.codes/recreate=true']).code,
      ).to.equal(0);
      await waitFor('re-created and Ready', async () => {
        const c = condition(getObj('dynamodbtable', ns, N), 'Ready');
        return c?.status === 'True' && (await describe_(T)).TableStatus === 'ACTIVE';
      });
      expect(await creates()).to.equal(1);
      report.record({
        scenario: 'deleted outside, re-created by annotation',
        writes: 1,
        seconds: (Date.now() - t0) / 1000,
      });
    });

    it('reconciler SIGKILLed mid-sequence resumes without repeating finished steps', async () => {
      const T = 'upd_kill';
      const N = 't-kill';
      await create('create table (kill)', N, T);
      const since = lastSeq(await proxy.calls());
      const t0 = Date.now();
      const spec = { globalSecondaryIndexes: [gsi('k-a', 'email'), gsi('k-b', 'status'), gsi('k-c', 'owner')] };
      mustApply(tableYaml(N, T, 'px', spec), ns);
      await waitFor('first GSI create accepted', async () =>
        acceptedWritesOf(await proxy.calls(), T, since).some((c) => c.gsi?.includes('Create:k-a')),
      );
      await rec.proc.stop('SIGKILL');
      await startRec();
      const r = await applyAndConverge(tableYaml(N, T, 'px', spec), ns, N, () => activeGsis(T, ['k-a', 'k-b', 'k-c']));
      const calls = (await proxy.calls()).filter((c) => c.seq > since);
      report.record({
        scenario: 'SIGKILL mid-sequence (3 GSIs)',
        writes: writesOf(calls, T).length,
        seconds: (Date.now() - t0) / 1000,
      });
      expect(acceptedWritesOf(calls, T).map((c) => c.gsi)).to.deep.equal([
        ['Create:k-a'],
        ['Create:k-b'],
        ['Create:k-c'],
      ]);
      expect(enforcedRefusals(calls, T)).to.deep.equal([]);
      expect(condition(r.obj, 'Terminal')?.status).to.equal('False');
    });

    it('under random throttling, limits, 500s and dropped connections: a sequence of changes converges, bounded retries, no duplicates', async () => {
      const T = 'upd_faults';
      const N = 't-faults';
      await create('create table (faults)', N, T);
      const retriesBefore = await rec.counter('workqueue_retries_total');
      const seqStart = lastSeq(await proxy.calls());
      const tStart = Date.now();
      const ops = [
        'DescribeTable',
        'DescribeTimeToLive',
        'DescribeContinuousBackups',
        'ListTagsOfResource',
        'UpdateTable',
        'UpdateTimeToLive',
        'UpdateContinuousBackups',
        'TagResource',
        'UntagResource',
      ];
      // Fresh rules per change, probabilistic so the pattern differs from run to run, and bounded
      // (times, 10 in all) so convergence is guaranteed in test time: the work queue's per-key backoff
      // is 5 ms·2ⁿ, so 10 consecutive failures cost ~10 s; with 17 one run burnt them back to back and
      // waited 44 s.
      const arm = async () => {
        await proxy.clearFaults();
        const rule = (probability: number, times: number, action: Record<string, unknown>) =>
          proxy.addFault({ table: T, operation: ops, probability, times, action });
        await rule(0.12, 4, { kind: 'error', error: 'ThrottlingException' });
        await rule(0.05, 2, { kind: 'error', error: 'LimitExceededException' });
        await rule(0.06, 2, { kind: 'http500' });
        await rule(0.06, 2, { kind: 'drop' });
      };
      const note = 'throttling 12%, limit 5%, 500 6%, drop 6%; at most 10 faults per change';
      const provisioned = (g: Record<string, unknown>) => ({ ...g, provisionedThroughput: cap(2, 2) });
      const steps: {
        label: string;
        spec: TableSpec;
        check: () => Promise<boolean>;
        accepted: (string | string[] | undefined)[];
      }[] = [
        {
          label: 'faults: 2 GSIs + PITR + tags',
          spec: {
            globalSecondaryIndexes: [gsi('f-a', 'email'), gsi('f-b', 'status')],
            pointInTimeRecovery: true,
            tags: { team: 'chaos' },
          },
          check: async () =>
            (await activeGsis(T, ['f-a', 'f-b'])) && (await pitr(T)) === 'ENABLED' && (await tags(T)).team === 'chaos',
          accepted: [['Create:f-a'], ['Create:f-b'], 'UpdateContinuousBackups', 'TagResource'],
        },
        {
          label: 'faults: → PROVISIONED with GSI capacity',
          spec: {
            billingMode: 'PROVISIONED',
            provisionedThroughput: cap(4, 4),
            globalSecondaryIndexes: [provisioned(gsi('f-a', 'email')), provisioned(gsi('f-b', 'status'))],
            pointInTimeRecovery: true,
            tags: { team: 'chaos' },
          },
          check: async () => (await describe_(T)).BillingModeSummary?.BillingMode === 'PROVISIONED',
          accepted: [['Update:f-a', 'Update:f-b']], // one UpdateTable carrying both GSI capacities
        },
        {
          label: 'faults: remove one GSI, add one',
          spec: {
            billingMode: 'PROVISIONED',
            provisionedThroughput: cap(4, 4),
            globalSecondaryIndexes: [provisioned(gsi('f-b', 'status')), provisioned(gsi('f-c', 'owner'))],
            pointInTimeRecovery: true,
            tags: { team: 'chaos' },
          },
          check: () => activeGsis(T, ['f-b', 'f-c']),
          accepted: [['Delete:f-a'], ['Create:f-c']],
        },
        {
          label: 'faults: TTL enabled, tag changed',
          spec: {
            billingMode: 'PROVISIONED',
            provisionedThroughput: cap(4, 4),
            globalSecondaryIndexes: [provisioned(gsi('f-b', 'status')), provisioned(gsi('f-c', 'owner'))],
            pointInTimeRecovery: true,
            tags: { team: 'order' },
            timeToLive: { enabled: true, attributeName: 'expiresAt' },
          },
          check: async () =>
            (await ddb.send(new DescribeTimeToLiveCommand({ TableName: T }))).TimeToLiveDescription
              ?.TimeToLiveStatus === 'ENABLED' && (await tags(T)).team === 'order',
          accepted: ['TagResource', 'UpdateTimeToLive'],
        },
      ];
      let injected = 0;
      try {
        for (const step of steps) {
          await arm();
          const { calls } = await scenario(step.label, N, T, step.spec, step.check, { timeoutMs: 150_000, note });
          injected += calls.filter((c) => c.table === T && c.by?.startsWith('fault:')).length;
          // Each change applied exactly once, in plan order (GSI actions shown as their GSI list).
          const acc = acceptedWritesOf(calls, T).map((c) => c.gsi ?? c.operation);
          const sortPlain = (xs: (string | string[] | undefined)[]) => [
            ...xs.filter(Array.isArray),
            ...xs.filter((x) => !Array.isArray(x)).sort(),
          ];
          expect(sortPlain(acc), step.label).to.deep.equal(sortPlain(step.accepted));
        }
      } finally {
        await proxy.clearFaults();
      }
      expect(injected, 'faults injected over the sequence').to.be.greaterThan(0);
      const retried = (await rec.counter('workqueue_retries_total')) - retriesBefore;
      report.record({
        scenario: 'faults: whole sequence',
        writes: writesOf(await proxy.calls(), T, seqStart).length,
        seconds: (Date.now() - tStart) / 1000,
        note: `${injected} faults injected, workqueue_retries_total +${retried}`,
      });
      expect(retried, 'workqueue_retries_total grew').to.be.greaterThan(0);
      // bounded: one retry per injected fault at most, plus requeues while AWS works on a change
      expect(retried).to.be.at.most(injected + 40);
    });

    it('a ValidationException from AWS becomes a Terminal condition, is not retried with backoff, clears when the spec changes', async () => {
      const T = 'upd_valid';
      const N = 't-valid';
      await create('create table (validation)', N, T);
      await proxy.addFault({
        table: T,
        operation: 'UpdateTable',
        action: {
          kind: 'error',
          error: 'ValidationException',
          message: 'One or more parameter values were invalid: injected',
        },
      });
      const since = lastSeq(await proxy.calls());
      try {
        mustApply(tableYaml(N, T, 'px', { deletionProtectionEnabled: true }), ns);
        const t0 = Date.now();
        const c = await waitFor('Terminal=True ValidationException', () => {
          const t = condition(getObj('dynamodbtable', ns, N), 'Terminal');
          return t?.status === 'True' && t.reason === 'ValidationException' ? t : undefined;
        });
        expect(c.message).to.contain('injected');
        report.record({
          scenario: 'ValidationException injected (until Terminal)',
          writes: writesOf(await proxy.calls(), T, since).length,
          seconds: (Date.now() - t0) / 1000,
          note: 'Terminal=True; not sent again until the spec changes',
        });
        const updates = async () =>
          writesOf(await proxy.calls(), T, since).filter((x) => x.operation === 'UpdateTable').length;
        const n1 = await updates();
        expect(n1, 'no work-queue retries before the condition was written').to.equal(1);
        // Two resync rounds (5 s each) later, with the spec and provider unchanged: reconciled, but the
        // refused request is not sent again (nor anything else to AWS for this table).
        const reconciles = () => rec.counter('controller_runtime_reconcile_total', { controller: 'dynamodbtable' });
        const r0 = await reconciles();
        const callsBefore = (await proxy.calls()).filter((x) => x.seq > since && x.table === T).length;
        await waitFor('two more reconciles (resyncs)', async () => (await reconciles()) >= r0 + 2, {
          timeoutMs: 30_000,
        });
        expect(await updates(), 'UpdateTable sent again before the spec changed').to.equal(n1);
        const callsAfter = (await proxy.calls()).filter((x) => x.seq > since && x.table === T).length;
        expect(callsAfter, 'AWS calls for the table while Terminal').to.equal(callsBefore);
        expect(condition(getObj('dynamodbtable', ns, N), 'Terminal')?.status).to.equal('True');
      } finally {
        await proxy.clearFaults();
      }
      const { writes } = await scenario(
        'after ValidationException: spec changed',
        N,
        T,
        { deletionProtectionEnabled: false, tags: { fixed: 'done' } },
        async () => (await tags(T)).fixed === 'done',
      );
      expect(writes.map((x) => x.operation)).to.deep.equal(['TagResource']);
    });

    it('streams: enable, change the view type (disable, then enable: moto refuses the re-enable), disable', async () => {
      const T = 'upd_stream';
      const N = 't-stream';
      await create('create table (streams)', N, T);
      const en = await scenario(
        'stream enabled (NEW_IMAGE)',
        N,
        T,
        { streamEnabled: true, streamViewType: 'NEW_IMAGE' },
        async () => (await describe_(T)).StreamSpecification?.StreamViewType === 'NEW_IMAGE',
      );
      expect(en.obj.status?.streamArn).to.be.a('string');
      const since = lastSeq(await proxy.calls());
      const t0 = Date.now();
      mustApply(tableYaml(N, T, 'px', { streamEnabled: true, streamViewType: 'KEYS_ONLY' }), ns);
      // AWS would accept the new stream after the disable; moto 5 answers the enable with an error.
      const refused = await waitFor('re-enable refused by moto', async () => {
        const w = writesOf(await proxy.calls(), T, since);
        return w.length >= 2 && w[1]?.status !== 200 ? w : undefined;
      });
      report.record({
        scenario: 'stream view type change (until moto refuses the re-enable)',
        writes: refused.length,
        seconds: (Date.now() - t0) / 1000,
        note: `disable accepted, enable refused by moto (${refused[1]?.error ?? '?'}); does not converge on moto`,
      });
      expect(refused[0]?.status, 'disable first').to.equal(200);
      expect(refused[1]?.by, 'refused by moto, not by the proxy').to.equal(undefined);
      expect((await describe_(T)).StreamSpecification?.StreamEnabled ?? false).to.equal(false);
      await waitFor('Synced=False while the stream cannot be re-enabled', () => {
        const o = getObj('dynamodbtable', ns, N);
        return condition(o, 'Synced')?.status === 'False' && o?.status?.ready !== true;
      });
      const off = await scenario('stream disabled', N, T, { streamEnabled: false }, async () => {
        return ((await describe_(T)).StreamSpecification?.StreamEnabled ?? false) === false;
      });
      expect(acceptedWritesOf(off.calls, T)).to.deep.equal([]);
    });

    it('encryption change: UpdateTable is sent; moto ignores SSE, so the condition says so', async () => {
      const T = 'upd_sse';
      const N = 't-sse';
      await create('create table (sse)', N, T);
      const since = lastSeq(await proxy.calls());
      const t0 = Date.now();
      mustApply(tableYaml(N, T, 'px', { encryption: { enabled: true, type: 'AWS_MANAGED' } }), ns);
      const c = await waitFor(
        'Synced reason AcceptedNotVisible',
        () => {
          const x = condition(getObj('dynamodbtable', ns, N), 'Synced');
          return x?.reason === 'AcceptedNotVisible' ? x : undefined;
        },
        { timeoutMs: 60_000 },
      );
      expect(c.message).to.contain('encryption');
      const w = writesOf(await proxy.calls(), T, since);
      report.record({
        scenario: 'encryption on (moto ignores SSE)',
        writes: w.length,
        seconds: (Date.now() - t0) / 1000,
        note: 'held after 2 accepted calls',
      });
      expect(w.map((x) => x.operation)).to.deep.equal(['UpdateTable', 'UpdateTable']);
      expect(w.every((x) => x.status === 200)).to.equal(true);
    });
  });
});
