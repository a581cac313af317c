// Reconciler benchmark against the real test environment (kube-apiserver + etcd from hack/testenv.sh)
// and a private dynalite, reconciler as a separate process. Figures (one JSON line each):
//   ready_seconds_200 / ready_seconds_1000  time from the first create request to all objects Ready
//   create_calls_per_table                  AWS calls the reconciler made per table while creating 1,000
//   steady_reads_per_table_per_resync       ALL AWS reads (DescribeTable, DescribeTimeToLive,
//                                           DescribeContinuousBackups, ListTagsOfResource) per table per
//                                           resync period at steady state, over 12 resync periods (240 s,
//                                           two drift-check periods: every TTL, PITR and tags turn is in it)
//   steady_writes_per_resync                AWS writes per resync period at steady state (all tables)
//   steady_cpu_ms_per_reconcile             the reconciler's CPU (user + system, process_cpu_seconds_total)
//                                           over that window, per reconcile: what sizing its CPU request
//                                           needs (at the default 10 min resync, 10,000 tables make ~17/s)
//   rss_mb_1000                             reconciler resident memory with 1,000 Ready objects
//   rss_mb_10000                            with 10,000 Ready objects, 9,000 of them created by this
//                                           process: its work queue empty, then one more minute
//   rss_mb_10000_after_restart              a fresh process after its first full pass over the 10,000
//                                           (the start-up resync): work queue empty, then one more minute
// Flags: the 200/1,000 phases run with --resync-period=20s --drift-check-period=120s (the default
// 10 min / 1 h ratio, scaled down so that a drift-check period fits in the measurement window); the
// 10,000 phases run with the defaults (10 min / 1 h): a 20 s resync of 10,000 tables would need 500
// reconciles/s, which this 2-core machine cannot do, so the queue would never be empty.
// BENCH_NODE_OPTIONS is passed to the reconciler as NODE_OPTIONS (e.g. --heapsnapshot-signal=SIGUSR2
// --diagnostic-dir=/tmp/heap); with BENCH_HEAPSNAPSHOT=1 each RSS figure is followed by a SIGUSR2.
// Run: npm run bench -- reconciler   (needs `hack/testenv.sh up`; takes about 30 minutes)
//      BENCH_RECONCILER_MAX=1000 npm run bench -- reconciler   (stops after the 1,000 phases: ~6 minutes)
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeApiError, KubeHttp } from '@dynamodb-operator/kube';
import { BUILT_ENTRYPOINTS, buildDeployables } from '../hack/build.ts';
import { freePort, loadTestEnvFile } from '../test/e2e/support/index.ts';
import { installCrds } from './_crds.ts';
import { emit } from './_emit.ts';
import { cleanNamespace, createNamespace, pool } from './_namespace.ts';

const root = resolve(import.meta.dirname, '..');
const GROUP = 'aws-infra-operator.runner.codes/v1alpha1';
const RESYNC_S = 20;
const DRIFT_CHECK_S = 120;
const STEADY_WINDOW_RESYNCS = 12;
const logsDir = join(root, '.testenv', 'logs');

const children: ChildProcess[] = [];
function start(name: string, args: string[], extraEnv: Record<string, string> = {}): ChildProcess {
  mkdirSync(logsDir, { recursive: true });
  const fd = openSync(join(logsDir, `bench-${name}.log`), 'w');
  const c = spawn(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, ...extraEnv },
  });
  children.push(c);
  return c;
}
async function stop(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise((r) => c.once('exit', r));
  c.kill('SIGTERM');
  await exited;
}
async function stopAll(): Promise<void> {
  for (const c of children) await stop(c);
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs: number, intervalMs = 500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await sleep(intervalMs);
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface Metrics {
  calls: Map<string, number>;
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  /** Table controller: keys waiting, workers busy, reconciles so far. */
  depth: number;
  active: number;
  reconciles: number;
  cpuSeconds: number;
}
const CONTROLLER = 'dynamodbtable';
async function scrape(port: number): Promise<Metrics> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const calls = new Map<string, number>();
  const m: Metrics = {
    calls,
    rssMb: 0,
    heapUsedMb: 0,
    heapTotalMb: 0,
    externalMb: 0,
    depth: 0,
    active: 0,
    reconciles: 0,
    cpuSeconds: 0,
  };
  const mb = (line: string) => Number(line.slice(line.lastIndexOf(' ') + 1)) / 1024 / 1024;
  const val = (line: string) => Number(line.slice(line.lastIndexOf(' ') + 1));
  for (const line of text.split('\n')) {
    const c = /^dynamodb_operator_aws_api_calls_total\{operation="(\w+)",code="[^"]*"\} (\S+)$/.exec(line);
    if (c?.[1] && c[2]) calls.set(c[1], (calls.get(c[1]) ?? 0) + Number(c[2]));
    if (line.startsWith('process_resident_memory_bytes ')) m.rssMb = mb(line);
    if (line.startsWith('process_cpu_seconds_total ')) m.cpuSeconds = val(line);
    if (line.startsWith('nodejs_heap_size_used_bytes ')) m.heapUsedMb = mb(line);
    if (line.startsWith('nodejs_heap_size_total_bytes ')) m.heapTotalMb = mb(line);
    if (line.startsWith('nodejs_external_memory_bytes ')) m.externalMb = mb(line);
    if (line.startsWith(`workqueue_depth{name="${CONTROLLER}"`)) m.depth = val(line);
    if (line.startsWith(`controller_runtime_active_workers{controller="${CONTROLLER}"}`)) m.active = val(line);
    if (line.startsWith(`controller_runtime_reconcile_total{controller="${CONTROLLER}"`)) m.reconciles += val(line);
  }
  return m;
}
function memoryNote(label: string, m: Metrics): void {
  process.stderr.write(
    `bench: ${label}: rss ${m.rssMb.toFixed(1)} MB, V8 heap used ${m.heapUsedMb.toFixed(1)} / total ${m.heapTotalMb.toFixed(1)} MB, external ${m.externalMb.toFixed(1)} MB\n`,
  );
}
const READS = ['DescribeTable', 'DescribeTimeToLive', 'DescribeContinuousBackups', 'ListTagsOfResource'];
const WRITES = [
  'CreateTable',
  'DeleteTable',
  'UpdateTable',
  'TagResource',
  'UntagResource',
  'UpdateTimeToLive',
  'UpdateContinuousBackups',
];
const sum = (m: Metrics, ops?: string[]) =>
  [...m.calls].filter(([op]) => !ops || ops.includes(op)).reduce((a, [, v]) => a + v, 0);
const diff = (a: Metrics, b: Metrics): Metrics => {
  const calls = new Map<string, number>();
  for (const [k, v] of b.calls) calls.set(k, v - (a.calls.get(k) ?? 0));
  return { ...b, calls, reconciles: b.reconciles - a.reconciles, cpuSeconds: b.cpuSeconds - a.cpuSeconds };
};

async function main(): Promise<void> {
  const e = loadTestEnvFile();
  // Register as a user of the shared test environment (as the e2e root hook does), so that a test run
  // finishing meanwhile does not take the environment down under the benchmark.
  const users = join(root, '.testenv', 'users');
  mkdirSync(users, { recursive: true });
  const lease = join(users, String(process.pid));
  writeFileSync(lease, `${new Date().toISOString()} bench reconciler\n`);
  process.on('exit', () => rmSync(lease, { force: true }));
  installCrds(e);
  const kube = await KubeHttp.create(e.KUBECONFIG ?? '');
  const dynPort = await freePort();
  start('dynalite', [join(root, 'hack', 'dynalite.ts'), '--port', String(dynPort), '--lifecycle-ms', '100']);
  const endpoint = `http://127.0.0.1:${dynPort}`;
  await until('dynalite', async () => (await fetch(endpoint, { method: 'POST' })).status > 0, 20_000);

  const ns = `bench-rec-${Math.random().toString(36).slice(2, 7)}`;
  await createNamespace(kube, ns, 'dyn', endpoint);
  await buildDeployables();
  let metricsPort = 0;
  let rec: ChildProcess | undefined;
  let runs = 0;
  const nodeOptions = process.env.BENCH_NODE_OPTIONS;
  const startReconciler = async (flags: string[]): Promise<void> => {
    metricsPort = await freePort();
    const healthPort = await freePort();
    rec = start(
      `reconciler-${++runs}`,
      [
        join(root, BUILT_ENTRYPOINTS.reconciler), // as the image runs it: the bundle (npm run build)
        `--kubeconfig=${e.KUBECONFIG}`,
        `--watch-namespace=${ns}`,
        `--metrics-bind-address=127.0.0.1:${metricsPort}`,
        `--health-probe-bind-address=127.0.0.1:${healthPort}`,
        '--log-level=warn',
        ...flags,
      ],
      nodeOptions ? { NODE_OPTIONS: nodeOptions } : {},
    );
    await until('reconciler ready', async () => (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).ok, 60_000);
  };
  const stopReconciler = async (): Promise<void> => {
    if (rec) await stop(rec);
  };
  /** The table controller has done `minReconciles` and is idle: no key waiting, no worker busy (3 s). */
  const drained = async (what: string, minReconciles: number, timeoutMs: number): Promise<Metrics> => {
    let idle = 0;
    let last: Metrics | undefined;
    await until(
      what,
      async () => {
        last = await scrape(metricsPort);
        idle = last.reconciles >= minReconciles && last.depth === 0 && last.active === 0 ? idle + 1 : 0;
        return idle >= 3;
      },
      timeoutMs,
      1000,
    );
    return last as Metrics;
  };
  /**
   * Steady state: the queue has been empty (see drained), then one more minute without new work, so
   * that the burst's garbage is collected as it would be in a cluster. The samples go to stderr.
   */
  const steadyRss = async (label: string): Promise<Metrics> => {
    const samples: string[] = [];
    let m = await scrape(metricsPort);
    for (let i = 0; i < 4; i++) {
      samples.push(`${m.rssMb.toFixed(1)} MB (queue ${m.depth}, busy ${m.active})`);
      await sleep(15_000);
      m = await scrape(metricsPort);
    }
    samples.push(`${m.rssMb.toFixed(1)} MB (queue ${m.depth}, busy ${m.active})`);
    process.stderr.write(`bench: ${label}: RSS from the queue empty, every 15 s: ${samples.join(' → ')}\n`);
    memoryNote(label, m);
    return m;
  };
  /** With BENCH_HEAPSNAPSHOT=1 (and --heapsnapshot-signal=SIGUSR2 in BENCH_NODE_OPTIONS): one snapshot. */
  const heapSnapshot = async (label: string): Promise<void> => {
    if (process.env.BENCH_HEAPSNAPSHOT !== '1' || !rec) return;
    const before = await scrape(metricsPort);
    rec.kill('SIGUSR2');
    // Writing the snapshot blocks the process; /metrics answers again once it is written.
    await sleep(1000);
    await until('heap snapshot written', async () => (await scrape(metricsPort)).rssMb > 0, 300_000, 1000);
    process.stderr.write(`bench: heap snapshot after ${label} (rss before ${before.rssMb.toFixed(1)} MB)\n`);
  };
  await startReconciler([`--resync-period=${RESYNC_S}s`, `--drift-check-period=${DRIFT_CHECK_S}s`]);

  const tablesPath = `/apis/${GROUP}/namespaces/${ns}/dynamodbtables`;
  // A loaded, shared 2-core machine: retry a create that timed out; AlreadyExists means it got there.
  const postRetrying = async (path: string, body: unknown): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await kube.post(path, body);
        return;
      } catch (err) {
        if (err instanceof KubeApiError && err.status === 409) return;
        if (attempt >= 5) throw err;
        await sleep(200 * attempt);
      }
    }
  };
  const create = (prefix: string, from: number, n: number) =>
    pool(
      Array.from({ length: n }, (_, i) => from + i),
      16,
      (i) =>
        postRetrying(tablesPath, {
          apiVersion: GROUP,
          kind: 'DynamoDBTable',
          metadata: { name: `${prefix}-${i}` },
          spec: {
            tableName: `${prefix}_${i}`,
            providerRef: { name: 'dyn' },
            billingMode: 'PAY_PER_REQUEST',
            hashKey: { name: 'ID', type: 'S' },
            // Retain: the clean-up at the end needs no AWS call per object.
            deletionPolicy: 'Retain',
          },
        }),
    );
  const readyCount = async (prefix: string): Promise<number> => {
    let n = 0;
    let cont = '';
    do {
      const page = await kube.get<{
        items: { metadata: { name: string }; status?: { ready?: boolean } }[];
        metadata: { continue?: string };
      }>(`${tablesPath}?limit=2000${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      n += page.items.filter((i) => i.metadata.name.startsWith(`${prefix}-`) && i.status?.ready === true).length;
      cont = page.metadata.continue ?? '';
    } while (cont);
    return n;
  };
  const countObjects = async (): Promise<number> => {
    const page = await kube.get<{ items: unknown[]; metadata: { remainingItemCount?: number } }>(
      `${tablesPath}?limit=500`,
    );
    return page.items.length + (page.metadata.remainingItemCount ?? 0);
  };
  const timeToReady = async (prefix: string, from: number, n: number, timeoutMs: number): Promise<number> => {
    const t0 = performance.now();
    await create(prefix, from, n);
    await until(`${n} ${prefix} tables Ready`, async () => (await readyCount(prefix)) >= n, timeoutMs, 1000);
    return (performance.now() - t0) / 1000;
  };

  try {
    emit('reconciler', 'ready_seconds_200', await timeToReady('a', 0, 200, 300_000), 's');
    // Remove the 200 again (Retain: no AWS call) so that the next figures are for exactly 1,000 objects.
    await pool(
      Array.from({ length: 200 }, (_, i) => i),
      16,
      (i) => kube.request('DELETE', `${tablesPath}/a-${i}`),
    );
    await until('the 200 gone', async () => (await countObjects()) === 0, 120_000, 1000);

    const before1000 = await scrape(metricsPort);
    emit('reconciler', 'ready_seconds_1000', await timeToReady('b', 0, 1000, 900_000), 's');
    const created = diff(before1000, await scrape(metricsPort));
    emit(
      'reconciler',
      'create_calls_per_table',
      sum(
        created,
        [...created.calls.keys()].filter((k) => k !== 'GetCallerIdentity'),
      ) / 1000,
      'calls',
    );

    // Steady state with 1,000 Ready tables: let the creation tails settle, then count every AWS call
    // over 12 resync periods (240 s: two drift-check periods; the 1,000 were created together, so
    // their TTL, PITR and tags turns come in bursts, each of which the window contains).
    await sleep(RESYNC_S * 1000 * 1.2);
    const s0 = await scrape(metricsPort);
    await sleep(RESYNC_S * 1000 * STEADY_WINDOW_RESYNCS);
    const steady = diff(s0, await scrape(metricsPort));
    const tables = 1000;
    const reads = sum(steady, READS);
    const byOp = [...steady.calls].filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`);
    process.stderr.write(
      `bench: steady window: ${byOp.join(', ')}; ${steady.reconciles} reconciles, ` +
        `${(reads / Math.max(1, steady.reconciles)).toFixed(3)} reads per reconcile\n`,
    );
    emit('reconciler', 'steady_reads_per_table_per_resync', reads / tables / STEADY_WINDOW_RESYNCS, 'calls');
    emit('reconciler', 'steady_writes_per_resync', sum(steady, WRITES) / STEADY_WINDOW_RESYNCS, 'calls');
    emit(
      'reconciler',
      'steady_cpu_ms_per_reconcile',
      (1000 * steady.cpuSeconds) / Math.max(1, steady.reconciles),
      'ms',
    );
    const at1000 = await scrape(metricsPort);
    memoryNote('1,000 objects', at1000);
    emit('reconciler', 'rss_mb_1000', at1000.rssMb, 'MB');
    await heapSnapshot('1,000 objects');
    if (process.env.BENCH_RECONCILER_MAX === '1000') return;

    // 10,000 objects, default flags (see the header). A new process first makes its start-up pass
    // over the 1,000, then creates 9,000 more; RSS once everything is Ready and the queue is empty.
    await stopReconciler();
    await startReconciler([]);
    await drained('the start-up pass over the 1,000', tables, 600_000);
    const t10 = await timeToReady('c', 0, 9000, 1_800_000);
    process.stderr.write(`bench: 9,000 more tables Ready in ${t10.toFixed(1)} s (10,000 objects in all)\n`);
    await drained('the work queue empty with 10,000 Ready', 0, 600_000);
    const at10000 = await steadyRss('10,000 objects');
    emit('reconciler', 'rss_mb_10000', at10000.rssMb, 'MB');
    await heapSnapshot('10,000 objects');

    // A fresh process: its start-up pass reconciles all 10,000 (the first resync), then RSS.
    await stopReconciler();
    await startReconciler([]);
    const t0 = performance.now();
    await drained('the start-up pass over 10,000', 10_000, 1_200_000);
    process.stderr.write(`bench: start-up pass over 10,000 in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const restarted = await steadyRss('10,000 objects after a restart');
    emit('reconciler', 'rss_mb_10000_after_restart', restarted.rssMb, 'MB');
    await heapSnapshot('10,000 objects after a restart');
  } catch (err) {
    process.stderr.write(`bench reconciler failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  } finally {
    // Clean-up that needs no reconciler: drop our finalizer and delete each object, then the
    // namespace (the test environment runs no namespace controller to do it for us).
    await stopAll();
    await cleanNamespace(kube, ns);
    await kube.request('DELETE', `/api/v1/namespaces/${ns}`).catch(() => {});
    kube.close();
  }
}

if (process.argv[2] === '--clean') {
  // node bench/reconciler.ts --clean NAMESPACE: remove what an interrupted run left behind.
  const kube = await KubeHttp.create(loadTestEnvFile().KUBECONFIG ?? '');
  await cleanNamespace(kube, process.argv[3] ?? '');
  kube.close();
} else
  main().catch(async (err: unknown) => {
    process.stderr.write(`bench reconciler failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    await stopAll();
    process.exit(1);
  });
