// The local playground (`npm run dev`): a real kube-apiserver + etcd and a DynamoDB emulator from
// hack/testenv.sh, the webhook and the reconciler started as the Helm chart starts them, the examples
// applied, and a live table of their status until every table is Ready.
//
//   node hack/dev.ts        everything in the foreground; Ctrl-C stops all that it started
//   node hack/dev.ts up     the same in the background; returns when webhook and reconciler are ready
//   node hack/dev.ts down   stops what `up` started
//   --cluster (`hack/run dev --cluster`): the images as pods of a `helm install` into the single-node
//   cluster of `hack/testenv.sh up --cluster` instead of local processes (hack/dev/cluster.ts)
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectl, testEnv, waitFor } from '../test/e2e/support/index.ts';
import { renderTable, isReady } from './dev/status-table.ts';
import type { TableObjectView } from './dev/status-table.ts';
import { clearState, isAlive, readState, writeState } from './dev/state.ts';
import type { DevState } from './dev/state.ts';
import { buildDeployables } from './build.ts';
import { OPERATOR_NAMESPACE, startReconciler, startWebhook } from './dev/wiring.ts';
import { clusterMotoEndpoint, installIntoCluster, uninstallFromCluster } from './dev/cluster.ts';

const root = join(import.meta.dirname, '..');
const devDir = join(root, '.testenv', 'dev');
const examplesDir = join(root, 'examples');
const seedTables = /^(0[3-9]|1\d)-.*\.yaml$/; // the seed's table manifests (01 and 02 are providers)
// `npm run dev --cluster` hands the flag to the script as npm_config_cluster, `node hack/dev.ts --cluster` as an arg
const clusterMode = process.argv.includes('--cluster') || process.env.npm_config_cluster === 'true';

function say(line: string): void {
  process.stderr.write(`dev: ${line}\n`);
}

function testenv(verb: 'up' | 'down' | 'status'): number {
  return (
    spawnSync('bash', [join(root, 'hack', 'testenv.sh'), verb], { stdio: verb === 'status' ? 'ignore' : 'inherit' })
      .status ?? 1
  );
}

function mustKubectl(args: string[], input?: string): string {
  const result = kubectl(args, input === undefined ? {} : { input });
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

function exampleManifests(): string[] {
  const top = readdirSync(examplesDir)
    .filter((f) => f.endsWith('.yaml') && f !== 'playground-providers.yaml')
    .map((f) => join(examplesDir, f));
  const seed = readdirSync(join(examplesDir, 'seed'))
    .filter((f) => seedTables.test(f))
    .map((f) => join(examplesDir, 'seed', f));
  return [...seed, ...top];
}

async function up(): Promise<DevState> {
  const started = Date.now();
  const wasRunning = testenv('status') === 0;
  if (!wasRunning && testenv('up') !== 0) throw new Error('hack/testenv.sh up failed (its log tail is above)');
  const env = testEnv();
  mustKubectl(['apply', '--server-side', '-f', join(root, 'charts', 'dynamodb-operator', 'crds')]);
  mustKubectl([
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd',
    '-l',
    'app.kubernetes.io/part-of=dynamodb-operator',
  ]);
  // the reconciler's leader-election Lease lives in the operator's namespace, as in the chart
  mustKubectl(['apply', '-f', '-'], `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${OPERATOR_NAMESPACE}\n`);

  const previous = readState(devDir);
  const stillRunning = previous?.processes.filter((p) => isAlive(p.pid)) ?? [];
  // a --cluster playground has no local process: its helm release is what runs
  if (previous?.cluster) {
    throw new Error(
      `a playground is already installed in the cluster (release ${previous.cluster.release} in ` +
        `${previous.cluster.namespace}): run \`npm run dev:down\` first`,
    );
  }
  if (stillRunning.length > 0) {
    throw new Error(
      `a playground is already running (${stillRunning.map((p) => `${p.name} pid ${p.pid}`).join(', ')}): ` +
        'run `npm run dev:down` first',
    );
  }
  // written before anything starts, and after each start, so that `down` can undo a start that failed half-way
  const state: DevState = { startedTestenv: !wasRunning, processes: [], webhookConfigurations: [] };
  writeState(devDir, state);
  try {
    if (clusterMode) {
      state.cluster = installIntoCluster(say);
      writeState(devDir, state);
      applyExamples(clusterMotoEndpoint());
      say(`operator running as pods, examples applied (${((Date.now() - started) / 1000).toFixed(1)}s)`);
      return state;
    }
    say('building the deployables (dist/, as in the images) and starting them as the chart does');
    await buildDeployables();
    const webhook = await startWebhook(devDir, env.logsDir, env.kubeconfig);
    state.processes.push({ name: webhook.name, pid: webhook.pid });
    state.webhookConfigurations = webhook.webhookConfigurations;
    writeState(devDir, state);
    const reconciler = await startReconciler(env.logsDir, env.kubeconfig);
    state.processes.push({ name: reconciler.name, pid: reconciler.pid });
    writeState(devDir, state);
    for (const component of [webhook, reconciler]) {
      await waitFor(
        `${component.name} ready at ${component.healthUrl} (log: ${component.logFile})`,
        async () => {
          if (!isAlive(component.pid)) throw new Error(`${component.name} exited; see ${component.logFile}`);
          const res = await fetch(component.healthUrl).catch(() => undefined);
          return res?.ok === true;
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      );
    }
    applyExamples(env.motoEndpoint);
  } catch (err) {
    say('start failed: stopping what was started');
    await down();
    throw err;
  }
  say(`webhook and reconciler ready, examples applied (${((Date.now() - started) / 1000).toFixed(1)}s)`);
  return state;
}

function applyExamples(emulatorEndpoint: string): void {
  const providers = readFileSync(join(examplesDir, 'playground-providers.yaml'), 'utf8').replaceAll(
    'http://127.0.0.1:4566',
    emulatorEndpoint,
  );
  mustKubectl(['apply', '-f', '-'], providers);
  for (const file of exampleManifests()) mustKubectl(['apply', '-f', file]);
}

function tableObjects(): TableObjectView[] {
  const out = kubectl(['get', 'dynamodbtables,dynamodbs', '-A', '-o', 'json']);
  if (out.code !== 0) return [];
  return (JSON.parse(out.stdout) as { items: TableObjectView[] }).items;
}

async function watchUntilReady(): Promise<number> {
  const started = Date.now();
  const tty = process.stdout.isTTY === true;
  let last = '';
  for (;;) {
    const views = tableObjects();
    const ready = views.filter(isReady).length;
    const elapsed = ((Date.now() - started) / 1000).toFixed(0);
    const lines = [
      `${ready}/${views.length} tables Ready (${elapsed}s)`,
      ...renderTable(views, process.stdout.columns ?? 140),
    ];
    const text = lines.join('\n');
    if (tty) process.stdout.write(`\x1b[2J\x1b[H${text}\n`);
    else if (text.replace(/\(\d+s\)/, '') !== last.replace(/\(\d+s\)/, '')) process.stdout.write(`${text}\n\n`);
    last = text;
    if (views.length > 0 && ready === views.length) return (Date.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function usage(seconds: number): void {
  const env = testEnv();
  process.stdout.write(`
All tables Ready ${seconds.toFixed(1)}s after the examples were applied. Try it:

  export KUBECONFIG=${env.kubeconfig} PATH=${env.binDir}:$PATH
  kubectl get ddb,dynamodb
  kubectl describe dynamodb orders-table
  kubectl apply -f examples/broken/two-hash-keys.yaml     # rejected by the webhook, with the field path
  kubectl get dynamodb users-with-gsi -o yaml               # defaults and status

DynamoDB emulator (moto): ${env.motoEndpoint}   logs: ${env.logsDir}
`);
}

/** The webhook: 5 s of shutdown delay (its default), then up to 20 s of drain; with room to spare. */
const STOP_TIMEOUT_MS = 40_000;

async function down(): Promise<void> {
  const state = readState(devDir);
  if (state) {
    // All at once, each given its whole shutdown time: the webhook serves on through its shutdown
    // delay and then drains for up to 20 s (under load it uses it). SIGKILL only after that, and then
    // wait for the exit too, so that a caller never finds a process still there.
    const running = state.processes.filter((p) => isAlive(p.pid));
    for (const p of running) {
      say(`stopping ${p.name} (pid ${p.pid})`);
      process.kill(-p.pid, 'SIGTERM');
    }
    const gone = (p: { pid: number }) => () => !isAlive(p.pid);
    await Promise.all(
      running.map((p) =>
        waitFor(`${p.name} to exit`, gone(p), { timeoutMs: STOP_TIMEOUT_MS, intervalMs: 100 }).catch(async () => {
          say(`${p.name} (pid ${p.pid}) did not stop in ${STOP_TIMEOUT_MS / 1000} s: killing it`);
          process.kill(-p.pid, 'SIGKILL');
          await waitFor(`${p.name} to be killed`, gone(p), { timeoutMs: 5_000, intervalMs: 50 });
        }),
      ),
    );
    // by name: a chart installed into the same cluster keeps its own configurations
    for (const name of state.webhookConfigurations) kubectl(['delete', name, '--ignore-not-found']);
    if (state.cluster) uninstallFromCluster(state.cluster, say);
  }
  // no state: nothing was started by `up`, so nothing is stopped (the test environment may be shared)
  if (state?.startedTestenv) testenv('down');
  clearState(devDir);
}

async function main(verb: string): Promise<void> {
  switch (verb) {
    case 'up':
      await up();
      return;
    case 'down':
      await down();
      return;
    case 'run': {
      const stop = () => {
        say('stopping everything the playground started');
        down().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      process.once('SIGHUP', stop); // the terminal went away: same as Ctrl-C
      await up();
      usage(await watchUntilReady());
      say('Ctrl-C stops the playground');
      // the timer keeps the playground alive until a signal, and says so when a component dies
      const reported = new Set<string>();
      setInterval(() => {
        for (const p of readState(devDir)?.processes ?? []) {
          if (isAlive(p.pid) || reported.has(p.name)) continue;
          reported.add(p.name);
          say(`${p.name} (pid ${p.pid}) exited; its log is in ${testEnv().logsDir}`);
        }
      }, 5000);
      return;
    }
    default:
      process.stderr.write('usage: node hack/dev.ts [run|up|down]\n');
      process.exit(2);
  }
}

main(process.argv.slice(2).find((a) => a !== '--cluster') ?? 'run').catch((err: unknown) => {
  say(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
