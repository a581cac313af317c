// Our side of the comparison with ACK's dynamodb-controller, measured the way ACK's figures were:
// plain tables (DynamoDBTable, PAY_PER_REQUEST, a hash key) on a private moto, the reconciler bundle as
// a separate process against the test environment's kube-apiserver, `kubectl apply` of one
// multi-document file, Ready read from the conditions, memory as VmRSS from /proc. Figures:
//   one_table_ready_seconds                 apply → Ready for one table (median of 3)
//   ready_seconds_{200,1000}                apply of N objects → all Ready (webhooks on, as installed)
//   rss_mb_ready_{200,1000}                 reconciler VmRSS the moment all N are Ready
//   rss_mb_steady_{200,1000}                the same after one more minute with nothing to do
//   webhook_calls_per_table_{200,1000}      admission calls our webhook served from that apply to all
//                                           Ready, per table (the apply's own, and any the reconciler's
//                                           writes cause)
//   apply_seconds_{webhooks,plain}_200      the `kubectl apply` of 200 new objects alone, with our two
//                                           webhook configurations registered and without them (median
//                                           of 3 each, interleaved, into a namespace no reconciler
//                                           watches, so nothing else competes for the 2 cores)
//   apply_webhook_ratio_200                 the two above, divided
//   apply_seconds_combined_200              the same apply with the chart's `webhook.admission: combined`
//                                           (one /admit call per object instead of /mutate + /validate)
//   apply_combined_ratio_200                that, divided by the plain apply (all three interleaved)
//   webhook_server_ms_per_call              our own time per admission call in the split rounds
//                                           (controller_runtime_webhook_latency_seconds sum / count)
//   apply_seconds_floor_200                 the same apply through the floor of any webhook: the
//                                           split configurations pointed at a server that only parses
//                                           each review and allows it (bench/webhook.ts's parse floor)
//   apply_floor_ratio_200                   that, divided by the plain apply: what admission costs at
//                                           all, whatever the webhook does
//   apply_webhook_vs_floor_200              ours (split) divided by the floor
//   apply_seconds_ack_crd_200               the same apply of 200 ACK Table objects (ACK v1.9.2's CRD,
//                                           bench/ack/; ACK has no webhook, so this is its whole apply)
//   apply_vs_ack_200 / apply_plain_vs_ack_200  ours (split) / our CRD without webhooks, divided by ACK's
// The webhook configurations are the chart's own, pointed at a local webhook and scoped to the
// benchmark's namespaces, so tests running meanwhile are not admitted by it.
// Run: npm run bench -- peers   (needs `hack/testenv.sh up`; takes about 10 minutes)
//      BENCH_PEERS_ROUNDS=5 BENCH_PEERS_ONLY=apply npm run bench -- peers   (the apply figures alone, ~2 min)
//      BENCH_PEERS_ONLY=one   (one table apply → Ready alone)
//      BENCH_PEERS_ONLY=scale BENCH_PEERS_SIZES=200 npm run bench -- peers   (apply → Ready of 200 alone;
//      BENCH_PEERS_RECONCILER_ARGS='--max-concurrent-reconciles=4' adds reconciler flags, to compare settings)
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { KubeHttp } from '@dynamodb-operator/kube';
import { BUILT_ENTRYPOINTS, buildDeployables } from '../hack/build.ts';
import { freePort, loadTestEnvFile, makeServingCert } from '../test/e2e/support/index.ts';
import { helmTemplate } from '../test/e2e/support-chart/helm.ts';
import type { K8sObject } from '../test/e2e/support-chart/helm.ts';
import { localArgs, renderedProcess } from '../test/e2e/support-chart/rendered.ts';
import { installCrds } from './_crds.ts';
import { ackTableDoc, installAckCrd, removeAckCrd, removeAckTables } from './_ack.ts';
import { motoServer, withoutProxies } from './_moto.ts';
import { emit } from './_emit.ts';
import { cleanNamespace, createNamespace } from './_namespace.ts';

const root = resolve(import.meta.dirname, '..');
const GROUP = 'aws-infra-operator.runner.codes/v1alpha1';
const logsDir = join(root, '.testenv', 'logs');
const work = mkdtempSync(join(tmpdir(), 'ddbop-bench-peers-'));

const children: ChildProcess[] = [];
function start(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  mkdirSync(logsDir, { recursive: true });
  const fd = openSync(join(logsDir, `bench-peers-${name}.log`), 'w');
  const c = spawn(cmd, args, { cwd: root, stdio: ['ignore', fd, fd], env });
  children.push(c);
  return c;
}
async function stopAll(): Promise<void> {
  for (const c of children) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  }
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs: number, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await sleep(intervalMs);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

function vmRssMb(pid: number | undefined): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? NaN) / 1024;
}

function tableDoc(ns: string, name: string): object {
  return {
    apiVersion: GROUP,
    kind: 'DynamoDBTable',
    metadata: { name, namespace: ns },
    spec: {
      tableName: `${ns}-${name}`,
      providerRef: { name: 'moto' },
      billingMode: 'PAY_PER_REQUEST',
      hashKey: { name: 'id', type: 'S' },
      // Retain: removing the objects between phases needs no AWS call.
      deletionPolicy: 'Retain',
    },
  };
}

function manifest(ns: string, prefix: string, n: number, doc: (ns: string, name: string) => object = tableDoc): string {
  const file = join(work, `${ns}-${prefix}-${n}.yaml`);
  writeFileSync(file, Array.from({ length: n }, (_, i) => stringify(doc(ns, `${prefix}-${i}`))).join('---\n'));
  return file;
}

function main(): Promise<void> {
  const e = loadTestEnvFile();
  const kubectlBin = join(e.DDBOP_BIN_DIR ?? '', 'kubectl');
  const kubectl = (args: string[], input?: string): string => {
    const r = spawnSync(kubectlBin, args, {
      input,
      encoding: 'utf8',
      env: { ...process.env, KUBECONFIG: e.KUBECONFIG },
      maxBuffer: 64 << 20,
    });
    if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const timedApply = (file: string): number => {
    const t0 = performance.now();
    kubectl(['apply', '-f', file]);
    return (performance.now() - t0) / 1000;
  };
  return run(e, kubectl, timedApply);
}

async function run(
  e: Record<string, string>,
  kubectl: (args: string[], input?: string) => string,
  timedApply: (file: string) => number,
): Promise<void> {
  const users = join(root, '.testenv', 'users');
  mkdirSync(users, { recursive: true });
  const lease = join(users, String(process.pid));
  writeFileSync(lease, `${new Date().toISOString()} bench peers\n`);
  process.on('exit', () => rmSync(lease, { force: true }));
  installCrds(e);
  const kube = await KubeHttp.create(e.KUBECONFIG ?? '');
  const suffix = Math.random().toString(36).slice(2, 7);
  const watched = `bench-peers-${suffix}`;
  const applyOnly = `bench-peers-apply-${suffix}`;
  const configNames: string[] = [];
  try {
    const motoPort = await freePort();
    start('moto', motoServer(), ['-H', '127.0.0.1', '-p', String(motoPort)], withoutProxies());
    const endpoint = `http://127.0.0.1:${motoPort}`;
    await until('moto', async () => (await fetch(endpoint, { method: 'POST' })).status > 0, 60_000, 200);

    for (const ns of [watched, applyOnly]) {
      await createNamespace(kube, ns, 'moto', endpoint);
    }
    await buildDeployables();

    // The reconciler bundle, as the image runs it, with the chart's defaults.
    const [metricsPort, healthPort] = [await freePort(), await freePort()];
    const rec = start('reconciler', process.execPath, [
      join(root, BUILT_ENTRYPOINTS.reconciler),
      `--kubeconfig=${e.KUBECONFIG}`,
      `--watch-namespace=${watched}`,
      `--metrics-bind-address=127.0.0.1:${metricsPort}`,
      `--health-probe-bind-address=127.0.0.1:${healthPort}`,
      '--log-level=warn',
      ...(process.env.BENCH_PEERS_RECONCILER_ARGS ?? '').split(/\s+/).filter(Boolean),
    ]);
    await until('reconciler ready', async () => (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).ok, 60_000);

    // The webhook as the chart starts it, on loopback with a throwaway serving certificate.
    const certDir = join(work, 'certs');
    mkdirSync(certDir);
    const cert = makeServingCert(['127.0.0.1', 'localhost']);
    writeFileSync(join(certDir, 'tls.crt'), cert.certPem);
    writeFileSync(join(certDir, 'tls.key'), cert.keyPem, { mode: 0o600 });
    writeFileSync(join(certDir, 'ca.crt'), cert.caPem);
    const rendered = renderedProcess('webhook');
    const certVolume = Object.entries(rendered.volumeMounts).find(([, p]) => p.includes('serving-certs'))?.[0];
    const [hookPort, hookMetrics] = [await freePort(), await freePort()];
    const hookArgs = [
      // The tenancy policy file is a ConfigMap mount in the chart; the benchmark's providers are
      // created before the webhook is registered, so the policy has nothing to decide here.
      ...(certVolume ? localArgs(rendered, { [certVolume]: certDir }) : rendered.args).filter(
        (a) => !/^--(port|metrics-port|host|cert-dir|tenancy-policy)=/.test(a),
      ),
      `--port=${hookPort}`,
      `--metrics-port=${hookMetrics}`,
      '--host=127.0.0.1',
      `--cert-dir=${certDir}`,
    ];
    start('webhook', process.execPath, [join(root, rendered.script), ...hookArgs], {
      ...process.env,
      ...rendered.env,
      KUBECONFIG: e.KUBECONFIG,
    });
    await until('webhook ready', async () => (await fetch(`http://127.0.0.1:${hookMetrics}/readyz`)).ok, 60_000);
    // The floor of any webhook, registered exactly as ours: reads each review, parses it, allows it.
    const floorPort = await freePort();
    start('webhook-floor', process.execPath, [
      join(root, 'bench', 'webhook.ts'),
      '--serve',
      'express-parse',
      String(floorPort),
      certDir,
    ]);
    const floorCalls = (): Promise<number> =>
      new Promise((resolveCalls, reject) => {
        httpsGet({ host: '127.0.0.1', port: floorPort, path: '/calls', ca: cert.caPem }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolveCalls(Number(text)));
        }).on('error', reject);
      });
    await until('floor webhook ready', async () => (await floorCalls()) >= 0, 60_000);
    // A pooled keep-alive connection the metrics server has just timed out fails the fetch: try again.
    const metricsText = async (): Promise<string> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await (await fetch(`http://127.0.0.1:${hookMetrics}/metrics`)).text();
        } catch (error) {
          if (attempt >= 3) throw error;
        }
      }
    };
    const webhookRequests = async (path = ''): Promise<number> => {
      const text = await metricsText();
      return text
        .split('\n')
        .filter((l) => l.startsWith(`controller_runtime_webhook_requests_total{`) && l.includes(`webhook="${path}`))
        .reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    };
    const webhookLatency = async (): Promise<{ sum: number; count: number }> => {
      const lines = (await metricsText()).split('\n');
      const total = (prefix: string) =>
        lines.filter((l) => l.startsWith(prefix)).reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
      return {
        sum: total('controller_runtime_webhook_latency_seconds_sum'),
        count: total('controller_runtime_webhook_latency_seconds_count'),
      };
    };

    type Mode = 'split' | 'combined' | 'none' | 'floor';
    const configsFor = (admission: 'split' | 'combined'): K8sObject[] =>
      helmTemplate({ webhook: { admission } }, { namespace: 'dynamodb-operator-system' }).filter(
        (o: K8sObject) => o.kind === 'ValidatingWebhookConfiguration' || o.kind === 'MutatingWebhookConfiguration',
      );
    const split = configsFor('split');
    const combined = configsFor('combined');
    for (const c of [...split, ...combined]) {
      c.metadata.name = `${c.metadata.name}-bench-${suffix}`;
      delete c.metadata.annotations?.['cert-manager.io/inject-ca-from'];
      for (const hook of (c.webhooks ?? []) as Record<string, unknown>[]) {
        const svc = (hook.clientConfig as { service?: { path?: string } }).service;
        hook.clientConfig = {
          url: `https://127.0.0.1:${hookPort}${svc?.path ?? '/validate'}`,
          caBundle: Buffer.from(cert.caPem).toString('base64'),
        };
        hook.namespaceSelector = {
          matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [watched, applyOnly] }],
        };
      }
      configNames.push(`${c.kind.toLowerCase()}/${c.metadata.name}`);
    }
    // The same configurations as `split`, calling the floor server instead of ours.
    const floor = structuredClone(split);
    for (const c of floor) {
      for (const hook of (c.webhooks ?? []) as { clientConfig: { url: string } }[]) {
        hook.clientConfig.url = hook.clientConfig.url.replace(`:${hookPort}/`, `:${floorPort}/`);
      }
    }
    // Both modes render a mutating configuration of the same name: applying one replaces the other.
    const yamlOf = (cs: K8sObject[]) => cs.map((c) => stringify(c)).join('---\n');
    const configYaml = { split: yamlOf(split), combined: yamlOf(combined), floor: yamlOf(floor) };
    const uniqueNames = [...new Set(configNames)];
    const probe = tableDoc(applyOnly, 'probe');
    const dryRun = () => kubectl(['create', '--dry-run=server', '-f', '-'], JSON.stringify(probe));
    /** Registered or removed: the API server's view of the configurations changes shortly after. */
    const setWebhooks = async (mode: Mode | boolean): Promise<void> => {
      const m: Mode = mode === true ? 'split' : mode === false ? 'none' : mode;
      const on = m !== 'none';
      kubectl(['delete', '--ignore-not-found', ...uniqueNames]);
      if (on) kubectl(['apply', '-f', '-'], configYaml[m]);
      // Switching modes: the expected path called, the other mode's path no longer (twice in a row).
      const [wanted, stale] = m === 'combined' ? ['/admit', '/validate'] : ['/validate', '/admit'];
      let quiet = 0;
      await until(
        on ? `the ${m} webhooks called` : 'the webhooks no longer called',
        async () => {
          const counts = async () => ({
            all: await webhookRequests(),
            wanted: await webhookRequests(wanted),
            stale: await webhookRequests(stale),
            floor: await floorCalls(),
          });
          const before = await counts();
          dryRun();
          const after = await counts();
          const ours = m !== 'none' && m !== 'floor';
          const settled = ours
            ? after.wanted > before.wanted && after.stale === before.stale
            : after.all === before.all && (m === 'floor') === after.floor > before.floor;
          quiet = settled ? quiet + 1 : 0;
          return quiet >= (on ? 2 : 3);
        },
        30_000,
        100,
      );
    };

    const readyNames = async (ns: string): Promise<Set<string>> => {
      const list = await kube.get<{
        items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[];
      }>(`/apis/${GROUP}/namespaces/${ns}/dynamodbtables`);
      return new Set(
        list.items
          .filter((o) => o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
          .map((o) => o.metadata.name),
      );
    };
    const removeAll = async (ns: string): Promise<void> => {
      kubectl(['delete', 'dynamodbtables', '--all', '-n', ns, '--wait=false']);
      await until(
        `${ns} emptied`,
        async () => {
          const list = await kube.get<{ items: unknown[] }>(`/apis/${GROUP}/namespaces/${ns}/dynamodbtables`);
          return list.items.length === 0;
        },
        300_000,
        250,
      );
    };

    const onlyApply = process.env.BENCH_PEERS_ONLY === 'apply';
    const onlyScale = process.env.BENCH_PEERS_ONLY === 'scale';
    const onlyOne = process.env.BENCH_PEERS_ONLY === 'one';
    const sizes = (process.env.BENCH_PEERS_SIZES ?? '200,1000').split(',').map(Number);
    const rounds = Number(process.env.BENCH_PEERS_ROUNDS ?? 3);
    await setWebhooks(true);
    installAckCrd(kubectl);

    // One table, apply → Ready, three times.
    const single: number[] = [];
    for (let i = 0; i < (onlyApply || onlyScale ? 0 : 3); i++) {
      const file = manifest(watched, `one${i}`, 1);
      const t0 = performance.now();
      timedApply(file);
      await until('one table Ready', async () => (await readyNames(watched)).has(`one${i}-0`), 60_000, 20);
      single.push((performance.now() - t0) / 1000);
    }
    if (single.length > 0) {
      process.stderr.write(`bench: one table apply → Ready: ${single.map((s) => s.toFixed(2)).join(', ')} s\n`);
      emit('peers', 'one_table_ready_seconds', median(single), 's');
    }
    await removeAll(watched);

    // The apply alone, with and without our webhook configurations, interleaved.
    const withHooks: number[] = [];
    const without: number[] = [];
    const withCombined: number[] = [];
    const withFloor: number[] = [];
    const ack: number[] = [];
    const serverTime = { sum: 0, count: 0 };
    const admitTime = { sum: 0, count: 0 };
    for (let round = 0; round < (onlyScale || onlyOne ? 0 : rounds); round++) {
      for (const mode of ['split', 'none', 'combined', 'floor', 'ack'] as const) {
        await setWebhooks(mode === 'ack' ? 'none' : mode);
        const before = await webhookLatency();
        const seconds = timedApply(
          manifest(applyOnly, `r${round}${mode[0]}`, 200, mode === 'ack' ? ackTableDoc : tableDoc),
        );
        if (mode === 'split' || mode === 'combined') {
          const after = await webhookLatency();
          const into = mode === 'split' ? serverTime : admitTime;
          into.sum += after.sum - before.sum;
          into.count += after.count - before.count;
        }
        ({ split: withHooks, none: without, combined: withCombined, floor: withFloor, ack })[mode].push(seconds);
        process.stderr.write(`bench: round ${round} ${mode}: kubectl apply of 200 in ${seconds.toFixed(2)} s\n`);
        if (mode === 'ack') removeAckTables(kubectl, applyOnly);
        else await removeAll(applyOnly);
      }
    }
    const list = (xs: number[]) => xs.map((s) => s.toFixed(2)).join(', ');
    if (!onlyScale && !onlyOne) {
      process.stderr.write(
        `bench: kubectl apply of 200: split ${list(withHooks)} s; without ${list(without)} s; ` +
          `combined ${list(withCombined)} s; floor webhook ${list(withFloor)} s; ACK's CRD ${list(ack)} s; our server time ${((1000 * serverTime.sum) / serverTime.count).toFixed(2)} ms ` +
          `per call over ${serverTime.count} split calls, ${((1000 * admitTime.sum) / admitTime.count).toFixed(2)} ms ` +
          `over ${admitTime.count} /admit calls\n`,
      );
      emit('peers', 'apply_seconds_combined_200', median(withCombined), 's');
      emit('peers', 'apply_combined_ratio_200', median(withCombined) / median(without), 'ratio');
      emit('peers', 'webhook_server_ms_per_call', (1000 * serverTime.sum) / serverTime.count, 'ms');
      emit('peers', 'apply_seconds_webhooks_200', median(withHooks), 's');
      emit('peers', 'apply_seconds_plain_200', median(without), 's');
      emit('peers', 'apply_webhook_ratio_200', median(withHooks) / median(without), 'ratio');
      emit('peers', 'apply_seconds_floor_200', median(withFloor), 's');
      emit('peers', 'apply_floor_ratio_200', median(withFloor) / median(without), 'ratio');
      emit('peers', 'apply_webhook_vs_floor_200', median(withHooks) / median(withFloor), 'ratio');
      emit('peers', 'apply_seconds_ack_crd_200', median(ack), 's');
      emit('peers', 'apply_vs_ack_200', median(withHooks) / median(ack), 'ratio');
      emit('peers', 'apply_plain_vs_ack_200', median(without) / median(ack), 'ratio');
    }

    // At scale, as installed (webhooks on): apply → all Ready, RSS at Ready and a minute later.
    await setWebhooks(true);
    for (const n of onlyApply || onlyOne ? [] : sizes) {
      const file = manifest(watched, `s${n}`, n);
      const callsBefore = await webhookRequests();
      const t0 = performance.now();
      const applySeconds = timedApply(file);
      await until(`${n} tables Ready`, async () => (await readyNames(watched)).size >= n, 900_000, 250);
      const readySeconds = (performance.now() - t0) / 1000;
      process.stderr.write(
        `bench: ${n} tables: kubectl apply ${applySeconds.toFixed(2)} s, all Ready ${readySeconds.toFixed(1)} s\n`,
      );
      emit('peers', `ready_seconds_${n}`, readySeconds, 's');
      emit('peers', `webhook_calls_per_table_${n}`, ((await webhookRequests()) - callsBefore) / n, 'calls');
      emit('peers', `rss_mb_ready_${n}`, vmRssMb(rec.pid), 'MB');
      await sleep(60_000); // the steady-state figure is by definition a minute of nothing to do
      emit('peers', `rss_mb_steady_${n}`, vmRssMb(rec.pid), 'MB');
      if (n !== sizes[sizes.length - 1]) await removeAll(watched);
    }
  } catch (err) {
    process.stderr.write(`bench peers failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  } finally {
    if (configNames.length > 0) {
      try {
        kubectl(['delete', '--ignore-not-found', ...new Set(configNames)]);
      } catch {
        // best effort: the configurations are scoped to the benchmark's namespaces anyway
      }
    }
    await stopAll();
    try {
      removeAckCrd(kubectl);
    } catch {
      // best effort: a CRD left behind serves nothing the tests use
    }
    for (const ns of [watched, applyOnly]) await cleanNamespace(kube, ns);
    kube.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch(async (err: unknown) => {
  process.stderr.write(`bench peers failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  await stopAll();
  process.exit(1);
});
