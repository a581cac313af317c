// Helpers for the executor's integration tests: emulators (dynalite in-process, moto from the test
// environment or spawned here), and a small observe → plan → execute loop like the reconciler's.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { nextStep, plan, renderCreateTableInput } from '@dynamodb-operator/api';
import type { PlanOptions, PlanStep, TableModel } from '@dynamodb-operator/api';
import { executeStep, observeTable } from '../src/update/index.ts';
import type { ObserveOptions } from '../src/update/index.ts';

export interface Emulator {
  endpoint: string;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (o: {
  createTableMs?: number;
  updateTableMs?: number;
  deleteTableMs?: number;
}) => Server;

export async function startDynalite(lifecycleMs = 40): Promise<Emulator> {
  const server = dynalite({ createTableMs: lifecycleMs, updateTableMs: lifecycleMs, deleteTableMs: lifecycleMs });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** moto_server: the test environment's cached build (hack/testenv.sh), else the one on PATH. */
function motoBinary(): string {
  const cache =
    process.env.DDBOP_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'dynamodb-operator');
  const dirs = existsSync(cache)
    ? readdirSync(cache)
        .filter((d) => d.startsWith('moto-'))
        .sort()
        .reverse()
    : [];
  for (const d of dirs) {
    const bin = join(cache, d, 'venv', 'bin', 'moto_server');
    if (existsSync(bin)) return bin;
  }
  return 'moto_server';
}

async function answers(endpoint: string): Promise<boolean> {
  const c = clientFor(endpoint);
  try {
    await c.send(new ListTablesCommand({}));
    return true;
  } catch {
    return false;
  } finally {
    c.destroy();
  }
}

/** moto from the test environment ($MOTO_ENDPOINT), else a moto_server we spawn (and stop). */
export async function startMoto(): Promise<Emulator> {
  if (process.env.MOTO_ENDPOINT && (await answers(process.env.MOTO_ENDPOINT)))
    return { endpoint: process.env.MOTO_ENDPOINT, stop: async () => {} };
  const port = await freePort();
  const bin = motoBinary();
  const child: ChildProcess = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  let spawnError: Error | undefined;
  child.once('error', (e) => (spawnError = e));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null || spawnError) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitUntil(
      `${bin} answers ListTables on ${endpoint} (run hack/testenv.sh up, or put moto_server on PATH)`,
      async () => {
        if (spawnError) throw new Error(`cannot start ${bin}: ${spawnError.message} (run hack/testenv.sh up)`);
        return answers(endpoint);
      },
      30_000,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, stop };
}

export function clientFor(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

export async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function createTable(client: DynamoDBClient, d: TableModel, observe: ObserveOptions): Promise<void> {
  await client.send(new CreateTableCommand(renderCreateTableInput(d)));
  await waitUntil(
    `${d.tableName} is ACTIVE`,
    async () => (await observeTable(client, d.tableName, observe))?.status === 'ACTIVE',
  );
}

export const OBS_ALL: ObserveOptions = {};
/** dynalite has no TTL or continuous-backup API. */
export const OBS_DYNALITE: ObserveOptions = { ttl: false, backups: false };

export interface ConvergeResult {
  /** AWS write operations in call order, e.g. ["UpdateTable", "TagResource"]. */
  calls: string[];
  steps: PlanStep[];
  ms: number;
  observations: number;
  /** Steps left that may not run yet (TTL hour rule); empty when converged. */
  blocked: PlanStep[];
}

/**
 * observe → plan → execute the next step, until the plan is empty or only blocked steps are left (as
 * the reconciler does). Fails when a step is repeated three times: the emulator ignored it.
 */
export async function converge(
  client: DynamoDBClient,
  d: TableModel,
  observe: ObserveOptions,
  opts: PlanOptions = {},
  timeoutMs = 15_000,
): Promise<ConvergeResult> {
  const t0 = Date.now();
  const out: ConvergeResult = { calls: [], steps: [], ms: 0, observations: 0, blocked: [] };
  const seen = new Map<string, number>();
  let planOpts = { ...opts };
  for (;;) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`no convergence after ${out.calls.length} calls`);
    const o = await observeTable(client, d.tableName, observe);
    out.observations++;
    if (!o) throw new Error(`table ${d.tableName} is gone`);
    const steps = plan(d, o, planOpts);
    if (steps.length === 0) break;
    const step = nextStep(steps);
    if (!step) {
      out.blocked = steps;
      break;
    }
    const key = JSON.stringify(step);
    const times = (seen.get(key) ?? 0) + 1;
    seen.set(key, times);
    if (step.kind !== 'wait' && times >= 3) throw new Error(`the emulator ignored ${key} (sent ${times} times)`);
    const r = await executeStep(client, d.tableName, step, o.tableArn ? { tableArn: o.tableArn } : {});
    if (r.operation) {
      out.calls.push(r.operation);
      out.steps.push(step);
      if (step.kind === 'updateTtl') planOpts = { ...planOpts, lastTtlChangeAt: r.at };
      if (step.kind === 'tagResource')
        planOpts = { ...planOpts, managedTagKeys: [...(planOpts.managedTagKeys ?? []), ...Object.keys(step.tags)] };
    } else await new Promise((res) => setTimeout(res, 20)); // `wait`: poll again shortly
  }
  out.ms = Date.now() - t0;
  return out;
}
