// `npm run bench -- webhook`: the admission webhook over HTTPS at 50 connections with realistic
// AdmissionReviews (the seed tables and providers, alternating /validate and /mutate), measured in the
// same run against two ceilings on the same machine: an express HTTPS server answering a fixed
// AdmissionReview without looking at it, and a bare node:https one. The webhook runs as its image does
// (dist/webhook/main.js from `npm run build`, NODE_OPTIONS as the chart sets). Each server runs in its own
// process (same NODE_OPTIONS), measured in interleaved rounds; the load generator (autocannon) runs here.
//   rps, express_echo_rps, node_echo_rps, throughput_ratio_vs_express_echo, throughput_ratio_vs_node_echo,
//   server_p99_ms_at_300rps (the webhook's own latency histogram at a steady, paced 300 req/s), rss_mb (after the run),
//   and parse_floor_rps / parse_floor_ratio_vs_express_echo: an express server that only reads and JSON.parses
//   each review and echoes its uid — what any correct webhook must at least do; throughput_ratio_vs_parse_floor
//   (the issue's target: ≥ 0.7). On stderr: each server's CPU per request, user and system time apart.
// sequential_ms_per_call_{validate,mutate}: one call at a time on one keep-alive connection (kubectl apply
// sends its objects one by one, each admission call after the previous), the webhook and the floor.
// BENCH_WEBHOOK_BASELINE=<path to another build's dist/webhook/main.js> adds that webhook to the same
// interleaved rounds (a before/after in one run): baseline_throughput_ratio_vs_parse_floor, its p99 at
// 300 req/s and its sequential figures; BENCH_WEBHOOK_BASELINE_NODE_OPTIONS is appended to its NODE_OPTIONS
// (e.g. the V8 flags that build shipped with). BENCH_WEBHOOK_CPU_PROF=<dir> writes the webhook's CPU
// profile there (node --cpu-prof).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import express from 'express';
import { parseAllDocuments } from 'yaml';
import { BUILT_ENTRYPOINTS, buildDeployables } from '../hack/build.ts';
import { makeServingCert } from '../test/e2e/support/certs.ts';
import { emit } from './_emit.ts';

const BENCH = 'webhook';
const root = join(import.meta.dirname, '..');
const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const FIXED = JSON.stringify({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  response: { uid: '00000000-0000-0000-0000-000000000000', allowed: true },
});

// ---- child modes: the two ceilings --------------------------------------------------------------
function serveEcho(kind: string, port: number, certDir: string): void {
  const tls = {
    cert: readFileSync(join(certDir, 'tls.crt')),
    key: readFileSync(join(certDir, 'tls.key')),
    minVersion: 'TLSv1.2' as const,
  };
  if (kind === 'express-parse') {
    // The floor of any correct webhook: it must read the review and parse it to echo request.uid.
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    let calls = 0;
    // How many reviews it answered: the peers benchmark waits for the API server to call it.
    app.get('/calls', (_req, res) => res.type('text/plain').send(String(calls)));
    app.post(['/validate', '/mutate'], (req, res) => {
      calls += 1;
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request: { uid: string } };
        const text = JSON.stringify({
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          response: { uid: body.request.uid, allowed: true },
        });
        res.type('application/json').send(text);
      });
    });
    createServer(tls, app).listen(port, '127.0.0.1');
  } else if (kind === 'express-echo') {
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    app.post(['/validate', '/mutate'], (_req, res) => {
      res.type('application/json').send(FIXED);
    });
    createServer(tls, app).listen(port, '127.0.0.1');
  } else {
    createServer(tls, (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(FIXED) });
      res.end(FIXED);
    }).listen(port, '127.0.0.1');
  }
}

// ---- helpers ------------------------------------------------------------------------------------
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function httpGet(port: number, path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    }).on('error', reject);
  });
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** CPU seconds a process has used, user and system apart: its cost per request, whatever the load
 * generator manages. System time is mostly the kernel's TCP path and waking the peer after each write. */
function cpuSeconds(pid: number): { user: number; system: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 }; // utime, stime in USER_HZ (100)
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** Realistic reviews: every seed object as a CREATE, to /validate and to /mutate. */
function reviewRequests(): autocannon.Request[] {
  const requests: autocannon.Request[] = [];
  const dir = join(root, 'examples', 'seed');
  let n = 0;
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const object = doc.toJS() as { kind: string; metadata: { name: string; namespace?: string } } | null;
      if (!object || object.kind === 'Secret') continue;
      const namespace = object.metadata.namespace ?? 'default';
      for (const path of ['/validate', '/mutate']) {
        n += 1;
        const body = JSON.stringify({
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          request: {
            uid: `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`,
            kind: { group: 'aws-infra-operator.runner.codes', version: 'v1alpha1', kind: object.kind },
            resource: {
              group: 'aws-infra-operator.runner.codes',
              version: 'v1alpha1',
              resource: `${object.kind.toLowerCase()}s`,
            },
            requestKind: { group: 'aws-infra-operator.runner.codes', version: 'v1alpha1', kind: object.kind },
            operation: 'CREATE',
            namespace,
            name: object.metadata.name,
            userInfo: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
            object: {
              ...object,
              metadata: { ...object.metadata, namespace, uid: `uid-${n}`, creationTimestamp: null },
            },
            oldObject: null,
            dryRun: false,
            options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions', fieldManager: 'kubectl-client-side-apply' },
          },
        });
        requests.push({ method: 'POST', path, headers: { 'content-type': 'application/json' }, body });
      }
    }
  }
  return requests;
}

async function load(port: number, requests: autocannon.Request[], opts: { durationS: number }) {
  const result = await autocannon({
    url: `https://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration: opts.durationS,
    requests,
  });
  const failed = result.errors + result.timeouts + result.non2xx;
  if (failed > 0)
    throw new Error(
      `load on :${port}: ${failed} failed requests (${JSON.stringify({ errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx })})`,
    );
  return result;
}

/** A steady rate (not autocannon's per-second bursts): requests are sent on a fixed schedule over up to
 * CONNECTIONS keep-alive connections, so the server-side latency is service time, not burst queueing. */
async function pacedLoad(
  port: number,
  requests: autocannon.Request[],
  rate: number,
  durationS: number,
): Promise<number> {
  const { Agent, request } = await import('node:https');
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS, rejectUnauthorized: false });
  const total = rate * durationS;
  const started = performance.now();
  let sent = 0;
  let failed = 0;
  const inFlight = new Set<Promise<void>>();
  const fire = (spec: autocannon.Request): Promise<void> =>
    new Promise((resolve) => {
      const req = request(
        { host: '127.0.0.1', port, path: spec.path, method: 'POST', agent, headers: spec.headers },
        (res) => {
          if (res.statusCode !== 200) failed += 1;
          res.resume();
          res.on('end', () => resolve());
        },
      );
      req.on('error', () => {
        failed += 1;
        resolve();
      });
      req.end(spec.body);
    });
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
    while (sent < due) {
      const promise = fire(requests[sent % requests.length]!).then(() => void inFlight.delete(promise));
      inFlight.add(promise);
      sent += 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inFlight);
  agent.destroy();
  if (failed > 0) throw new Error(`paced load on :${port}: ${failed} failed requests`);
  return sent / ((performance.now() - started) / 1000);
}

/** Buckets (le → cumulative count) of controller_runtime_webhook_latency_seconds, summed over webhooks. */
function latencyBuckets(metricsText: string): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const line of metricsText.split('\n')) {
    const match = /^controller_runtime_webhook_latency_seconds_bucket\{(.*)\} (\S+)$/.exec(line);
    if (!match) continue;
    const le = /le="([^"]+)"/.exec(match[1]!)?.[1];
    if (le === undefined) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(match[2]));
  }
  return buckets;
}

/** histogram_quantile over the difference of two scrapes (linear interpolation inside the bucket). */
function quantile(q: number, before: Map<number, number>, after: Map<number, number>): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((bound) => (after.get(bound) ?? 0) - (before.get(bound) ?? 0));
  const total = counts[counts.length - 1] ?? 0;
  if (total === 0) throw new Error('no requests in the latency histogram');
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (let i = 0; i < bounds.length; i++) {
    const bound = bounds[i]!;
    const count = counts[i]!;
    if (count >= rank) {
      if (bound === Infinity) return lowerBound;
      return lowerBound + ((bound - lowerBound) * (rank - lowerCount)) / Math.max(count - lowerCount, 1);
    }
    lowerBound = bound;
    lowerCount = count;
  }
  return lowerBound;
}

interface Server {
  child: ChildProcess;
  port: number;
  metricsPort?: number;
  stop(): Promise<void>;
}

function spawnServer(args: string[], port: number, metricsPort?: number, nodeOptions = ''): Server {
  const options = `${process.env.NODE_OPTIONS ?? ''} ${WEBHOOK_NODE_OPTIONS} ${nodeOptions}`.trim();
  const env = { ...process.env, NODE_OPTIONS: options };
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    port,
    metricsPort,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The webhook's young-generation cap (its main.ts sets it), given to every server here so that the
 * echoes and the floor run with the same V8 heap as the webhook. */
const WEBHOOK_NODE_OPTIONS = '--max-semi-space-size=8';
/** Five short rounds, not three longer ones: a round that another process on the shared machine hits
 * then moves no median. */
const ROUNDS = 5;

type ServerName = 'webhook' | 'express' | 'node' | 'floor' | 'baseline';

const BASELINE = process.env.BENCH_WEBHOOK_BASELINE;
const CPU_PROF = process.env.BENCH_WEBHOOK_CPU_PROF;

async function spawnWebhook(entry: string, certDir: string, nodeOptions = ''): Promise<Server> {
  const [port, metricsPort] = await Promise.all([freePort(), freePort()]);
  return spawnServer(
    [
      entry,
      ...['--host', '127.0.0.1', '--port', String(port), '--metrics-port', String(metricsPort)],
      ...['--cert-dir', certDir, '--no-provider-cache', '--default-tags', 'owner-team=platform,cost-center=db'],
      ...['--log-level', 'warn'],
    ],
    port,
    metricsPort,
    nodeOptions,
  );
}

async function startAll(certDir: string): Promise<Partial<Record<ServerName, Server>>> {
  const [expressPort, nodePort, floorPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const profile = CPU_PROF ? `--cpu-prof --cpu-prof-dir=${CPU_PROF}` : '';
  const webhook = await spawnWebhook(join(root, BUILT_ENTRYPOINTS.webhook), certDir, profile);
  const baseline = BASELINE
    ? await spawnWebhook(BASELINE, certDir, process.env.BENCH_WEBHOOK_BASELINE_NODE_OPTIONS ?? '')
    : undefined;
  const express = spawnServer(
    [join(root, 'bench', 'webhook.ts'), '--serve', 'express-echo', String(expressPort), certDir],
    expressPort,
  );
  const node = spawnServer(
    [join(root, 'bench', 'webhook.ts'), '--serve', 'node-echo', String(nodePort), certDir],
    nodePort,
  );
  const floor = spawnServer(
    [join(root, 'bench', 'webhook.ts'), '--serve', 'express-parse', String(floorPort), certDir],
    floorPort,
  );
  return { webhook, express, node, floor, ...(baseline ? { baseline } : {}) };
}

/** Every request answered 200 with allowed: true (and a patch from /mutate for tables): a fast wrong
 * answer must not pass for throughput. */
async function checkAnswers(port: number, requests: autocannon.Request[]): Promise<void> {
  const { request } = await import('node:https');
  for (const spec of requests) {
    const text = await new Promise<string>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: spec.path, method: 'POST', rejectUnauthorized: false, headers: spec.headers },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve(body));
        },
      );
      req.on('error', reject);
      req.end(spec.body);
    });
    const response = (JSON.parse(text) as { response?: { allowed?: boolean; patch?: string } }).response;
    if (response?.allowed !== true) throw new Error(`${spec.path} did not allow a seed object: ${text.slice(0, 300)}`);
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/** Milliseconds per call, one call at a time on one keep-alive connection: what each object of a
 * `kubectl apply` waits for, as the API server calls the webhook for one object after the other. */
async function sequentialMsPerCall(port: number, specs: autocannon.Request[], calls: number): Promise<number> {
  const { Agent, request } = await import('node:https');
  const agent = new Agent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: false });
  const call = (spec: autocannon.Request): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: spec.path, method: 'POST', agent, headers: spec.headers },
        (res) => {
          if (res.statusCode !== 200) reject(new Error(`sequential call on :${port}: HTTP ${res.statusCode}`));
          res.resume();
          res.on('end', () => resolve());
        },
      );
      req.on('error', reject);
      req.end(spec.body);
    });
  await call(specs[0]!); // the TLS handshake is not part of a call
  const started = performance.now();
  for (let i = 0; i < calls; i++) await call(specs[i % specs.length]!);
  const ms = (performance.now() - started) / calls;
  agent.destroy();
  return ms;
}

interface Rounds {
  rps: number[];
  cpuUs: number[];
  userCpuUs: number[];
}

/** Interleaved rounds, so that load from elsewhere on a shared machine hits every server alike. */
async function measureRounds(
  servers: Partial<Record<ServerName, Server>>,
  requests: autocannon.Request[],
): Promise<Partial<Record<ServerName, Rounds>>> {
  const measured: Partial<Record<ServerName, Rounds>> = {};
  const segment = Math.max(2, Math.round(DURATION_S / ROUNDS));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, server] of Object.entries(servers) as [ServerName, Server][]) {
      const rounds = (measured[name] ??= { rps: [], cpuUs: [], userCpuUs: [] });
      const cpuBefore = cpuSeconds(server.child.pid!);
      const result = await load(server.port, requests, { durationS: segment });
      const cpuAfter = cpuSeconds(server.child.pid!);
      const user = cpuAfter.user - cpuBefore.user;
      const system = cpuAfter.system - cpuBefore.system;
      rounds.rps.push(result.requests.average);
      rounds.cpuUs.push(((user + system) / result.requests.total) * 1e6);
      rounds.userCpuUs.push((user / result.requests.total) * 1e6);
    }
  }
  return measured;
}

/** Sequential ms per call to /validate and /mutate, interleaved over the servers, medians of the rounds. */
async function measureSequential(
  servers: Partial<Record<ServerName, Server>>,
  requests: autocannon.Request[],
): Promise<Partial<Record<ServerName, Record<string, number>>>> {
  const samples: Partial<Record<ServerName, Record<string, number[]>>> = {};
  for (let round = 0; round < SEQUENTIAL_ROUNDS; round++) {
    for (const [name, server] of Object.entries(servers) as [ServerName, Server][]) {
      for (const path of ['/validate', '/mutate']) {
        const specs = requests.filter((spec) => spec.path === path);
        const byPath = (samples[name] ??= {});
        (byPath[path] ??= []).push(await sequentialMsPerCall(server.port, specs, SEQUENTIAL_CALLS));
      }
    }
  }
  const result: Partial<Record<ServerName, Record<string, number>>> = {};
  for (const [name, byPath] of Object.entries(samples) as [ServerName, Record<string, number[]>][]) {
    result[name] = Object.fromEntries(Object.entries(byPath).map(([path, values]) => [path, median(values)]));
  }
  return result;
}

const SEQUENTIAL_CALLS = 200;
/** More rounds than the throughput's: one sequential call is a few hundred µs, and the figures compared
 * differ by tens of µs on a shared machine. */
const SEQUENTIAL_ROUNDS = 7;

/** The webhook's own p99 latency (its histogram, before and after) under a paced 300 req/s. */
async function p99AtPace(server: Server, requests: autocannon.Request[]): Promise<number> {
  const before = latencyBuckets((await httpGet(server.metricsPort!, '/metrics')).text);
  await pacedLoad(server.port, requests, 300, DURATION_S);
  const after = latencyBuckets((await httpGet(server.metricsPort!, '/metrics')).text);
  return quantile(0.99, before, after) * 1000;
}

async function waitForAll(servers: Partial<Record<ServerName, Server>>, requests: autocannon.Request[]) {
  for (const server of Object.values(servers)) {
    if (server.metricsPort !== undefined) {
      const metricsPort = server.metricsPort;
      await until('webhook ready', async () => (await httpGet(metricsPort, '/readyz')).status === 200);
      await checkAnswers(server.port, requests);
      continue;
    }
    await until(`echo on :${server.port}`, async () => {
      const result = await autocannon({
        url: `https://127.0.0.1:${server.port}`,
        amount: 1,
        connections: 1,
        requests: requests.slice(0, 1),
      });
      return result['2xx'] === 1;
    });
  }
}

async function main(): Promise<void> {
  const certDir = mkdtempSync(join(tmpdir(), 'ddbop-bench-webhook-'));
  const cert = makeServingCert(['127.0.0.1']);
  writeFileSync(join(certDir, 'tls.crt'), cert.certPem);
  writeFileSync(join(certDir, 'tls.key'), cert.keyPem);
  const requests = reviewRequests();
  await buildDeployables(); // the webhook as the image runs it: the bundle, not the TypeScript sources
  const servers = await startAll(certDir);
  try {
    const webhook = servers.webhook!;
    await waitForAll(servers, requests);
    for (const server of Object.values(servers)) await load(server.port, requests, { durationS: 2 }); // warm-up
    const measured = await measureRounds(servers, requests);
    const p99ms = await p99AtPace(webhook, requests);
    const rss = rssMb(webhook.child.pid!);
    const rpsOf = (name: ServerName) => median(measured[name]!.rps);
    const [rps, expressRps, nodeRps, floorRps] = (['webhook', 'express', 'node', 'floor'] as const).map(rpsOf);
    emit(BENCH, 'rps', rps!, 'req/s');
    emit(BENCH, 'express_echo_rps', expressRps!, 'req/s');
    emit(BENCH, 'node_echo_rps', nodeRps!, 'req/s');
    emit(BENCH, 'throughput_ratio_vs_express_echo', rps! / expressRps!, 'ratio');
    emit(BENCH, 'throughput_ratio_vs_node_echo', rps! / nodeRps!, 'ratio');
    emit(BENCH, 'server_p99_ms_at_300rps', p99ms, 'ms');
    emit(BENCH, 'rss_mb', rss, 'MB');
    // Beyond the issue's figures: the ceiling of ANY correct webhook on this machine (read the review,
    // JSON.parse it, echo request.uid; no validation at all), against the same express echo.
    emit(BENCH, 'parse_floor_rps', floorRps!, 'req/s');
    emit(BENCH, 'parse_floor_ratio_vs_express_echo', floorRps! / expressRps!, 'ratio');
    emit(BENCH, 'throughput_ratio_vs_parse_floor', rps! / floorRps!, 'ratio');
    if (servers.baseline) {
      emit(BENCH, 'baseline_throughput_ratio_vs_parse_floor', rpsOf('baseline')! / floorRps!, 'ratio');
      emit(BENCH, 'baseline_server_p99_ms_at_300rps', await p99AtPace(servers.baseline, requests), 'ms');
    }
    const { webhook: _w, floor: _f, baseline: _b } = servers;
    const sequential = await measureSequential({ webhook: _w, floor: _f, ...(_b ? { baseline: _b } : {}) }, requests);
    for (const [name, byPath] of Object.entries(sequential)) {
      const prefix = name === 'webhook' ? '' : `${name === 'floor' ? 'parse_floor' : name}_`;
      for (const [path, ms] of Object.entries(byPath))
        emit(BENCH, `${prefix}sequential_ms_per_call_${path.slice(1)}`, ms, 'ms');
    }
    // Not a figure of the issue, so not on stdout: what each server spends per request, for the note.
    const perRequest = (name: ServerName) =>
      `${median(measured[name]!.cpuUs).toFixed(0)} (user ${median(measured[name]!.userCpuUs).toFixed(0)})`;
    process.stderr.write(
      `server CPU per request, µs (median of rounds): ${Object.keys(measured)
        .map((name) => `${name} ${perRequest(name as ServerName)}`)
        .join(', ')}\n`,
    );
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
    rmSync(certDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve') {
  serveEcho(process.argv[3]!, Number(process.argv[4]), process.argv[5]!);
  // An exit, not death by the signal: a `node --cpu-prof` of an echo writes its profile.
  process.once('SIGTERM', () => process.exit(0));
} else {
  await main();
}
