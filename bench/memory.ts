// Reconciler memory and its CPU cost, against the real test environment (kube-apiserver + etcd from
// hack/testenv.sh) and a private dynalite (BENCH_MEMORY_EMULATOR=moto: a private moto, which keeps
// CreateTable's tags as AWS does); the reconciler is the bundle (dist/, as the image runs it) in a
// process of its own. Memory is VmRSS from /proc/PID/status, CPU is utime + stime from /proc/PID/stat
// (the reconciler process alone: the emulator and the API server are not in it).
// Figures (one JSON line each):
//   load_rss_mb_<module>          a `node` that only imports that module (and bare node): what it costs
//   load_rss_mb_all_deps          one that imports every npm dependency the reconciler loads at start
//   rss_mb_floor_https_client     the floor of any Node.js controller: node with the reconciler's V8
//                                 settings, Node's HTTPS client and one request to the API server
//   rss_mb_idle_<variant>         the reconciler, started, synced, no objects
//   rss_mb_200_<variant>          steady with 200 Ready plain tables (all Ready, then 90 s)
//   rss_mb_1000_<variant>         steady with 1,000 (800 more created)
//   create_cpu_s_1000_<variant>   CPU seconds of the reconciler for those 1,000 creates (from the
//                                 first create request to all Ready)
//   create_s_1000_<variant>       their wall time (noisy on a shared machine: CPU seconds are the figure)
//   api_requests_per_table_200_<variant> / aws_calls_per_table_200_<variant>
//                                 the reconciler's requests per table over the first 200 creates (its
//                                 own metrics; stderr breaks them down by verb and URL, operation and code)
// Variants: `default` is the process as shipped (main.ts adds its V8 flags); the others run with
// DDBOP_NO_REEXEC=1 and exactly the flags named, e.g. `noflags` (none). BENCH_MEMORY_VARIANTS picks
// them (comma-separated, default `default,noflags`); a variant is NAME or NAME=flag+flag
// (`semi8=--max-semi-space-size=8`), a token without a leading dash is an environment variable
// (`a1=--max-semi-space-size=8+MALLOC_ARENA_MAX=1`), except BUNDLE=PATH, which runs another build's
// reconciler as shipped, e.g. a git worktree's dist (`before=BUNDLE=/tmp/before/dist/reconciler/main.js`):
// two builds side by side in one run. BENCH_MEMORY_RESYNC sets --resync-period (default: the reconciler's,
// 10 min, so "steady" is the idle process between resync waves, as ACK's figures are). BENCH_HEAPSNAPSHOT_DIR=DIR writes a heap snapshot after each RSS figure (idle, 200, 1,000).
// BENCH_MEMORY_PARALLEL=1 runs the variants side by side (see main()); BENCH_MEMORY_TABLES=200 stops
// after the 200 (create_cpu_s_200_<variant>, the CPU seconds of those, is printed either way).
// Run: npm run bench -- memory   (needs `hack/testenv.sh up`; about 3 minutes per variant on a quiet machine)
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess, SpawnSyncOptions } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeApiError, KubeHttp } from '@dynamodb-operator/kube';
import { BUILT_ENTRYPOINTS, buildDeployables } from '../hack/build.ts';
import { reconcilerProcess } from '../packages/reconciler/src/process-settings.ts';
import { freePort, loadTestEnvFile } from '../test/e2e/support/index.ts';
import { installCrds } from './_crds.ts';
import { emit } from './_emit.ts';
import { motoServer, withoutProxies } from './_moto.ts';
import { cleanNamespace, createNamespace, pool } from './_namespace.ts';

const root = resolve(import.meta.dirname, '..');
const GROUP = 'aws-infra-operator.runner.codes/v1alpha1';
const logsDir = join(root, '.testenv', 'logs');
const BENCH = 'memory';

/** What the reconciler imports from node_modules at start (lazy ones, e.g. @kubernetes/client-node, not). */
const MODULES = [
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/client-sts',
  '@aws-sdk/credential-providers',
  '@aws-sdk/client-application-auto-scaling',
  'prom-client',
  'pino',
  'yaml',
];

const children: ChildProcess[] = [];
function start(
  name: string,
  args: string[],
  extraEnv: Record<string, string> = {},
  command = process.execPath,
  baseEnv: Record<string, string | undefined> = process.env,
): ChildProcess {
  mkdirSync(logsDir, { recursive: true });
  const fd = openSync(join(logsDir, `bench-memory-${name}.log`), 'w');
  const c = spawn(command, args, {
    cwd: root,
    stdio: ['ignore', fd, fd],
    env: { ...baseEnv, ...extraEnv },
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

async function until(what: string, probe: () => Promise<boolean>, timeoutMs: number, intervalMs = 500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await sleep(intervalMs);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** VmRSS of a process, MB. */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}
/** utime + stime of a process, seconds (Linux's USER_HZ is 100). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the command name (field 2) may hold spaces: count fields after its closing parenthesis
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Min of 3 runs: the VmRSS of a `node` that runs `work` (an ES module body), then settles (two full GCs
 * between pauses). `what` names it in an error.
 */
function settledRss(what: string, work: string, nodeFlags: string[], opts: SpawnSyncOptions = {}): number {
  const script =
    work +
    `await new Promise((r) => setTimeout(r, 300)); gc(); gc();` +
    `await new Promise((r) => setTimeout(r, 300));` +
    `const fs = process.getBuiltinModule('node:fs');` +
    `process.stdout.write(/VmRSS:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]);`;
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = spawnSync(process.execPath, [...nodeFlags, '--expose-gc', '--input-type=module', '-e', script], {
      ...opts,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`${what} failed: ${String(r.stderr)}`);
    samples.push(Number(r.stdout) / 1024);
  }
  return Math.min(...samples);
}

/** RSS of a `node` that imports `modules` and settles: the cost of loading them. */
function loadRss(modules: string[]): number {
  return settledRss(
    `loading ${modules.join(', ')}`,
    `for (const m of ${JSON.stringify(modules)}) await import(m);`,
    [],
    {
      cwd: join(root, 'packages', 'reconciler'),
    },
  );
}

/**
 * The floor of any Node.js controller: a `node` with the reconciler's V8 and malloc settings that loads
 * nothing but Node's HTTPS client, makes one request to the API server (a real TLS handshake pages
 * OpenSSL in), and settles. What the reconciler holds above this is its own code and data; this much any
 * Node controller pays.
 */
function httpsClientFloorRss(apiServerUrl: string): number {
  const work =
    `const https = process.getBuiltinModule('node:https');` +
    `await new Promise((r) => https.get(${JSON.stringify(`${apiServerUrl}/readyz`)}, { rejectUnauthorized: false },` +
    ` (res) => { res.resume(); res.on('end', r); }).on('error', r));`;
  // The reconciler's settings as shipped, less --expose-gc (the floor runs no memory reducer).
  const shipped = reconcilerProcess(false);
  const flags = shipped.flags.filter((flag) => flag !== '--expose-gc');
  return settledRss('the HTTPS client floor', work, flags, { env: { ...process.env, ...shipped.env } });
}

/** Where the resident memory is: file-backed (the node binary) vs anonymous, and the V8 heap (/metrics). */
async function breakdown(pid: number, metricsPort: number): Promise<string> {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text().catch(() => '');
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 1024 / 1024;
  return (
    `file ${kb('RssFile').toFixed(1)} MB, anon ${kb('RssAnon').toFixed(1)} MB, V8 heap used ` +
    `${gauge('nodejs_heap_size_used_bytes').toFixed(1)} / total ${gauge('nodejs_heap_size_total_bytes').toFixed(1)} MB, ` +
    `external ${gauge('nodejs_external_memory_bytes').toFixed(1)} MB`
  );
}

/** Request counts from the reconciler's metrics: API server requests by verb and URL, AWS calls by operation. */
async function requestCounts(metricsPort: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text().catch(() => '');
  const counts = new Map<string, number>();
  const add = (k: string, n: number) => counts.set(k, (counts.get(k) ?? 0) + n);
  for (const m of text.matchAll(/^rest_client_request_duration_seconds_count\{verb="(\w+)",url="([^"]*)"\} (\S+)$/gm))
    add(`api ${m[1]} ${m[2]}`, Number(m[3]));
  for (const m of text.matchAll(/^dynamodb_operator_aws_api_calls_total\{([^}]*)\} (\S+)$/gm))
    add(
      `aws ${/operation="(\w+)"/.exec(m[1] ?? '')?.[1] ?? '?'} ${/code="(\w+)"/.exec(m[1] ?? '')?.[1] ?? '?'}`,
      Number(m[2]),
    );
  return counts;
}
/** Requests per table between two `requestCounts`, totals first, then each kind. */
function perTable(before: Map<string, number>, after: Map<string, number>, tables: number): Map<string, number> {
  const out = new Map<string, number>([
    ['api', 0],
    ['aws', 0],
  ]);
  for (const [k, n] of after) {
    const d = (n - (before.get(k) ?? 0)) / tables;
    if (d === 0) continue;
    out.set(k, d);
    const total = k.split(' ')[0] ?? '';
    out.set(total, (out.get(total) ?? 0) + d);
  }
  return out;
}

interface Variant {
  name: string;
  /** undefined: as shipped (main.ts picks its flags); otherwise exactly these node flags. */
  flags: string[] | undefined;
  /** Extra environment, e.g. MALLOC_ARENA_MAX=1. */
  env: Record<string, string>;
  /** Another build's reconciler entry point (BUNDLE=PATH); undefined: this checkout's dist. */
  bundle?: string;
}
function variants(): Variant[] {
  return (process.env.BENCH_MEMORY_VARIANTS ?? 'default,noflags').split(',').map((v) => {
    const eq = v.indexOf('=');
    const [name, flags] = eq < 0 ? [v, ''] : [v.slice(0, eq), v.slice(eq + 1)];
    if (name === 'default') return { name, flags: undefined, env: {} };
    if (name === 'noflags') return { name, flags: [], env: {} };
    const tokens = (flags ?? '').split('+').filter(Boolean);
    const env = Object.fromEntries(
      tokens.filter((t) => !t.startsWith('-')).map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)]),
    );
    const { BUNDLE: bundle, ...rest } = env;
    if (bundle !== undefined) return { name, flags: undefined, env: rest, bundle };
    return { name, flags: tokens.filter((t) => t.startsWith('-')), env };
  });
}

async function main(): Promise<void> {
  const e = loadTestEnvFile();
  const users = join(root, '.testenv', 'users');
  mkdirSync(users, { recursive: true });
  const lease = join(users, String(process.pid));
  writeFileSync(lease, `${new Date().toISOString()} bench memory\n`);
  process.on('exit', () => rmSync(lease, { force: true }));

  if (process.env.BENCH_MEMORY_SKIP_LOAD !== '1') {
    emit(BENCH, 'load_rss_mb_bare_node', loadRss([]), 'MB');
    for (const m of MODULES)
      emit(BENCH, `load_rss_mb_${m.replace(/^@aws-sdk\//, '').replace(/\W/g, '_')}`, loadRss([m]), 'MB');
    emit(BENCH, 'load_rss_mb_all_deps', loadRss(MODULES), 'MB');
  }
  emit(BENCH, 'rss_mb_floor_https_client', httpsClientFloorRss(e.DDBOP_APISERVER_URL ?? ''), 'MB');

  installCrds(e);
  const kube = await KubeHttp.create(e.KUBECONFIG ?? '');
  const emuPort = await freePort();
  // moto keeps CreateTable's tags as AWS does (a plain create: two AWS calls); dynalite drops them (five).
  const onMoto = process.env.BENCH_MEMORY_EMULATOR === 'moto';
  const emulator = onMoto
    ? start('moto', ['-H', '127.0.0.1', '-p', String(emuPort)], {}, motoServer(), withoutProxies())
    : start('dynalite', [join(root, 'hack', 'dynalite.ts'), '--port', String(emuPort), '--lifecycle-ms', '100']);
  const endpoint = `http://127.0.0.1:${emuPort}`;
  await until('the emulator', async () => (await fetch(endpoint, { method: 'POST' })).status > 0, 60_000);
  await buildDeployables();

  try {
    // BENCH_MEMORY_PARALLEL=1: all variants at once, each in its own namespace with its own reconciler,
    // so that their CPU seconds are taken under the same load (on a shared machine, runs one after
    // another are not comparable); memory figures are per process either way.
    if (process.env.BENCH_MEMORY_PARALLEL === '1') {
      await Promise.all(variants().map((v) => runVariant(kube, e.KUBECONFIG ?? '', endpoint, v)));
    } else {
      for (const v of variants()) await runVariant(kube, e.KUBECONFIG ?? '', endpoint, v);
    }
  } finally {
    await stop(emulator);
    kube.close();
  }
}

async function runVariant(kube: KubeHttp, kubeconfig: string, endpoint: string, v: Variant): Promise<void> {
  const ns = `bench-mem-${Math.random().toString(36).slice(2, 7)}`;
  await createNamespace(kube, ns, 'dyn', endpoint);
  const metricsPort = await freePort();
  const healthPort = await freePort();
  const snapshotDir = process.env.BENCH_HEAPSNAPSHOT_DIR;
  const nodeFlags = [
    ...(v.flags ?? []),
    ...(snapshotDir ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDir}`] : []),
  ];
  const rec = start(
    `reconciler-${v.name}`,
    [
      ...nodeFlags,
      v.bundle ?? join(root, BUILT_ENTRYPOINTS.reconciler),
      `--kubeconfig=${kubeconfig}`,
      `--watch-namespace=${ns}`,
      `--metrics-bind-address=127.0.0.1:${metricsPort}`,
      `--health-probe-bind-address=127.0.0.1:${healthPort}`,
      ...(process.env.BENCH_MEMORY_RESYNC ? [`--resync-period=${process.env.BENCH_MEMORY_RESYNC}`] : []),
      '--log-level=warn',
    ],
    { ...v.env, ...(v.flags === undefined ? {} : { DDBOP_NO_REEXEC: '1' }) },
  );
  const pid = rec.pid ?? 0;
  const tablesPath = `/apis/${GROUP}/namespaces/${ns}/dynamodbtables`;
  const label = (what: string) => `${what}_${v.name}`;
  try {
    await until('reconciler ready', async () => (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).ok, 60_000);
    await sleep(10_000);
    emit(BENCH, label('rss_mb_idle'), rssMb(pid), 'MB');
    /** With BENCH_HEAPSNAPSHOT_DIR, one heap snapshot after each RSS figure (it runs a full GC itself). */
    const snapshot = async (when: string): Promise<void> => {
      if (!snapshotDir) return;
      mkdirSync(snapshotDir, { recursive: true });
      rec.kill('SIGUSR2');
      await sleep(2000);
      await until(
        'heap snapshot written',
        async () => (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).ok,
        300_000,
        1000,
      );
      process.stderr.write(`bench memory ${v.name}: heap snapshot at ${when} in ${snapshotDir}\n`);
    };
    await snapshot('idle');

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
    const create = (from: number, n: number) =>
      pool(
        Array.from({ length: n }, (_, i) => from + i),
        16,
        (i) =>
          postRetrying(tablesPath, {
            apiVersion: GROUP,
            kind: 'DynamoDBTable',
            metadata: { name: `t-${i}` },
            spec: {
              tableName: `${ns}_${i}`,
              providerRef: { name: 'dyn' },
              billingMode: 'PAY_PER_REQUEST',
              hashKey: { name: 'ID', type: 'S' },
              deletionPolicy: 'Retain', // the clean-up needs no AWS call per object
            },
          }),
      );
    const readyCount = async (): Promise<number> => {
      const page = await kube.get<{ items: { status?: { ready?: boolean } }[] }>(`${tablesPath}?limit=5000`);
      return page.items.filter((i) => i.status?.ready === true).length;
    };
    /**
     * Creates tables [from, to), waits for all `to` Ready; returns wall and reconciler CPU seconds. The
     * provider's first table goes alone: until one table has shown that the endpoint keeps CreateTable's
     * tags, every new table is read before it is created (fresh-tables.ts), and how many of a burst's
     * creates are read first would depend on timing (0.4-0.8 of 200 across variants in one run).
     */
    const grow = async (from: number, to: number): Promise<{ wall: number; cpu: number }> => {
      const cpu0 = cpuSeconds(pid);
      const t0 = performance.now();
      if (from === 0) {
        await create(0, 1);
        await until('the first table Ready', async () => (await readyCount()) >= 1, 60_000, 100);
      }
      const rest = Math.max(from, 1);
      await create(rest, to - rest);
      await until(`${to} tables Ready`, async () => (await readyCount()) >= to, 1_800_000, 1000);
      return { wall: (performance.now() - t0) / 1000, cpu: cpuSeconds(pid) - cpu0 };
    };
    /**
     * Steady RSS: 60 s after all are Ready (the reconciler's memory reducer runs at most once a minute),
     * sampled every 5 s for 30 s more; the last sample.
     */
    const steady = async (what: string): Promise<number> => {
      await sleep(60_000);
      const samples: number[] = [];
      for (let i = 0; i < 7; i++) {
        samples.push(rssMb(pid));
        if (i < 6) await sleep(5000);
      }
      process.stderr.write(
        `bench memory ${v.name}: ${what}: RSS every 5 s: ${samples.map((s) => s.toFixed(1)).join(' ')} MB; ` +
          `${await breakdown(pid, metricsPort)}\n`,
      );
      return samples.at(-1) ?? 0;
    };

    const countsIdle = await requestCounts(metricsPort);
    const g200 = await grow(0, 200);
    process.stderr.write(
      `bench memory ${v.name}: 200 Ready in ${g200.wall.toFixed(1)} s, ${g200.cpu.toFixed(2)} CPU s\n`,
    );
    const per = perTable(countsIdle, await requestCounts(metricsPort), 200);
    emit(BENCH, label('api_requests_per_table_200'), per.get('api') ?? 0, 'requests');
    emit(BENCH, label('aws_calls_per_table_200'), per.get('aws') ?? 0, 'calls');
    process.stderr.write(
      `bench memory ${v.name}: per table created: ${[...per].map(([k, n]) => `${k} ${n.toFixed(2)}`).join(', ')}\n`,
    );
    emit(BENCH, label('rss_mb_200'), await steady('200 tables'), 'MB');
    await snapshot('200 tables');
    emit(BENCH, label('create_cpu_s_200'), g200.cpu, 's');
    if (process.env.BENCH_MEMORY_TABLES === '200') return;
    const g1000 = await grow(200, 1000);
    const cpuPerTable = (g200.cpu + g1000.cpu) / 1000;
    emit(BENCH, label('create_cpu_s_1000'), g200.cpu + g1000.cpu, 's');
    emit(BENCH, label('create_s_1000'), g200.wall + g1000.wall, 's');
    process.stderr.write(`bench memory ${v.name}: ${(cpuPerTable * 1000).toFixed(2)} CPU ms per table created\n`);
    emit(BENCH, label('rss_mb_1000'), await steady('1,000 tables'), 'MB');
    await snapshot('1,000 tables');
  } finally {
    await stop(rec);
    await cleanNamespace(kube, ns);
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all(children.map(stop)).finally(() => process.exit(130));
  });
}
main().catch(async (err: unknown) => {
  process.stderr.write(`bench memory failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  for (const c of children) await stop(c);
  process.exit(1);
});
