// E2E helpers for the reconciler suites: private emulator instances (so tables never collide with
// other suites sharing the test environment), a recording proxy that counts AWS requests from the
// emulator's side, the reconciler as a process, and small kubectl wrappers for our kinds.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTagsOfResourceCommand,
} from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandOutput } from '@aws-sdk/client-dynamodb';
import { parseAllDocuments, stringify } from 'yaml';
import { applyYaml, freePort, kubectl, portOpen, startProcess, testEnv, waitFor } from '../support/index.ts';
import type { ManagedProcess } from '../support/index.ts';

export const GROUP = 'aws-infra-operator.runner.codes';

export interface Emulator {
  endpoint: string;
  proc: ManagedProcess;
}

/** A private dynalite (CREATING/DELETING phases of `lifecycleMs`). */
export async function startDynalite(name: string, lifecycleMs = 300): Promise<Emulator> {
  const port = await freePort();
  const proc = startProcess(name, process.execPath, [
    join(testEnv().root, 'hack', 'dynalite.ts'),
    '--port',
    String(port),
    '--lifecycle-ms',
    String(lifecycleMs),
  ]);
  await waitFor(`${name} listening on ${port}`, () => portOpen(port), { timeoutMs: 20_000 });
  return { endpoint: `http://127.0.0.1:${port}`, proc };
}

function motoServerBinary(): string {
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  for (const v of ['moto-5.2.5', 'moto-5.1.x']) {
    const p = join(cache, 'dynamodb-operator', v, 'venv', 'bin', 'moto_server');
    if (existsSync(p)) return p;
  }
  throw new Error('moto_server not found in the dynamodb-operator cache: run hack/testenv.sh up first');
}

/** A private moto server; `auth` turns on IAM authentication (unknown access keys are rejected). */
export async function startMoto(name: string, opts: { auth?: boolean } = {}): Promise<Emulator> {
  const port = await freePort();
  const env = { ...process.env, ...(opts.auth ? { INITIAL_NO_AUTH_ACTION_COUNT: '0' } : {}) };
  const proc = startProcess(name, motoServerBinary(), ['-H', '127.0.0.1', '-p', String(port)], { env });
  await waitFor(`${name} listening on ${port}`, () => portOpen(port), { timeoutMs: 60_000, intervalMs: 500 });
  return { endpoint: `http://127.0.0.1:${port}`, proc };
}

/** One request as the recording proxy saw it; `lost` / `hidden` mark the faults it added. */
export interface ProxyRecord {
  op: string;
  table?: string;
  status: number;
  keyId?: string;
  lost?: boolean;
  hidden?: boolean;
}

export interface Recorder {
  endpoint: string;
  proc: ManagedProcess;
  records(): ProxyRecord[];
  count(op: string, table?: string): number;
}

/** Faults the proxy can add (see recording-proxy.ts): `loseAnswer` is `OP:TABLE`, `hideTags` a table name. */
export interface ProxyFaults {
  loseAnswer?: string;
  hideTags?: string;
}

export async function startRecordingProxy(name: string, target: string, faults: ProxyFaults = {}): Promise<Recorder> {
  const port = await freePort();
  const log = join(testEnv().logsDir, `${name}.jsonl`);
  writeFileSync(log, '');
  const proc = startProcess(name, process.execPath, [
    join(testEnv().root, 'test', 'e2e', 'support-reconciler', 'recording-proxy.ts'),
    '--port',
    String(port),
    '--target',
    target,
    '--log',
    log,
    ...(faults.loseAnswer ? ['--lose-answer', faults.loseAnswer] : []),
    ...(faults.hideTags ? ['--hide-tags', faults.hideTags] : []),
  ]);
  await waitFor(`${name} listening on ${port}`, () => portOpen(port), { timeoutMs: 20_000 });
  // The proxy appends while we read: a line without its newline is still being written, so it is left for
  // the next read rather than parsed half-way (CI once read 46 bytes of a record).
  const records = () =>
    readFileSync(log, 'utf8')
      .split('\n')
      .slice(0, -1)
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ProxyRecord);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    proc,
    records,
    count: (op, table) => records().filter((r) => r.op === op && (table === undefined || r.table === table)).length,
  };
}

export interface ReconcilerProc {
  proc: ManagedProcess;
  metricsPort: number;
  healthPort: number;
  metrics(): Promise<string>;
  /** Sum of a counter's samples whose labels include all of `labels`. */
  counter(name: string, labels?: Record<string, string>): Promise<number>;
}

export async function startReconcilerProc(
  name: string,
  namespace: string,
  extraArgs: string[] = [],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<ReconcilerProc> {
  const metricsPort = await freePort();
  const healthPort = await freePort();
  const env = testEnv();
  const proc = startProcess(
    name,
    process.execPath,
    [
      join(env.root, 'packages', 'reconciler', 'src', 'main.ts'),
      `--kubeconfig=${env.kubeconfig}`,
      `--watch-namespace=${namespace}`,
      `--metrics-bind-address=127.0.0.1:${metricsPort}`,
      `--health-probe-bind-address=127.0.0.1:${healthPort}`,
      '--log-level=debug',
      ...extraArgs,
    ],
    { env: { ...process.env, ...extraEnv } },
  );
  await waitFor(
    `${name} /readyz`,
    async () => {
      const r = await fetch(`http://127.0.0.1:${healthPort}/readyz`).catch(() => undefined);
      return r?.status === 200;
    },
    { timeoutMs: 30_000 },
  );
  const metrics = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  return {
    proc,
    metricsPort,
    healthPort,
    metrics,
    counter: async (metric, labels = {}) => {
      let sum = 0;
      for (const line of (await metrics()).split('\n')) {
        if (!line.startsWith(`${metric}{`) && !line.startsWith(`${metric} `)) continue;
        const ok = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
        if (ok) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return sum;
    },
  };
}

export function uniqueNamespace(prefix: string): string {
  const ns = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
  const r = kubectl(['create', 'namespace', ns]);
  if (r.code !== 0) throw new Error(`kubectl create namespace ${ns}: ${r.stderr}`);
  return ns;
}

/**
 * Removes our objects and the namespace. The test environment runs no namespace controller, so a
 * deleted namespace keeps its objects; objects left behind (with our finalizer) would be seen by any
 * reconciler that watches all namespaces. Call it after the reconciler stopped: finalizers are
 * dropped directly.
 */
export function deleteNamespace(ns: string): void {
  for (const resource of ['dynamodbtables', 'dynamodbs']) {
    const names = kubectl(['get', resource, '-n', ns, '-o', 'name']).stdout.split('\n').filter(Boolean);
    for (const n of names) {
      kubectl(['patch', n, '-n', ns, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    }
    kubectl(['delete', resource, '--all', '-n', ns, '--wait=false']);
  }
  kubectl(['delete', 'namespace', ns, '--wait=false']);
}

export function mustApply(yaml: string, namespace: string): void {
  const r = applyYaml(yaml, ['-n', namespace]);
  if (r.code !== 0) throw new Error(`kubectl apply failed (${r.code}): ${r.stderr}\n${yaml}`);
}

/** Secret + AWSProvider with static test credentials pointing at an emulator. */
export function providerYaml(
  name: string,
  endpoint: string,
  opts: { secretName?: string; defaultTags?: Record<string, string>; accessKey?: string; noSecret?: boolean } = {},
): string {
  const secretName = opts.secretName ?? `${name}-creds`;
  const docs: unknown[] = [];
  if (!opts.noSecret) {
    docs.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: secretName },
      type: 'Opaque',
      stringData: { 'access-key-id': opts.accessKey ?? 'test', 'secret-access-key': 'test' },
    });
  }
  docs.push({
    apiVersion: `${GROUP}/v1alpha1`,
    kind: 'AWSProvider',
    metadata: { name },
    spec: {
      region: 'us-east-1',
      endpoint,
      accessKeyIDRef: { name: secretName, key: 'access-key-id' },
      secretAccessKeyRef: { name: secretName, key: 'secret-access-key' },
      ...(opts.defaultTags ? { defaultTags: opts.defaultTags } : {}),
    },
  });
  return docs.map((d) => stringify(d)).join('---\n');
}

/** A complete DynamoDBTable (no reliance on webhook defaults). */
export function simpleTableYaml(
  name: string,
  tableName: string,
  provider: string,
  extra: { deletionPolicy?: string; annotations?: Record<string, string>; spec?: Record<string, unknown> } = {},
): string {
  return stringify({
    apiVersion: `${GROUP}/v1alpha1`,
    kind: 'DynamoDBTable',
    metadata: { name, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: {
      tableName,
      providerRef: { name: provider },
      billingMode: 'PAY_PER_REQUEST',
      hashKey: { name: 'ID', type: 'S' },
      deletionPolicy: extra.deletionPolicy ?? 'Delete',
      ...(extra.spec ?? {}),
    },
  });
}

/** Seed YAML re-homed into `namespace` (the seed hard-codes `default` in places). */
export function rehome(yamlText: string, namespace: string): string {
  return parseAllDocuments(yamlText)
    .map((d) => {
      const o = d.toJS() as { metadata?: { namespace?: string } } | null;
      if (!o) return '';
      if (o.metadata) o.metadata.namespace = namespace;
      return stringify(o);
    })
    .filter(Boolean)
    .join('---\n');
}

export interface Obj {
  metadata: {
    name: string;
    uid: string;
    generation?: number;
    finalizers?: string[];
    annotations?: Record<string, string>;
  };
  status?: Record<string, unknown> & {
    conditions?: { type: string; status: string; reason: string; message: string }[];
  };
}

export function getObj(resource: string, namespace: string, name: string): Obj | undefined {
  const r = kubectl(['get', resource, name, '-n', namespace, '-o', 'json']);
  if (r.code !== 0) return undefined;
  return JSON.parse(r.stdout) as Obj;
}

export function condition(
  o: Obj | undefined,
  type: string,
): { status: string; reason: string; message: string } | undefined {
  return o?.status?.conditions?.find((c) => c.type === type);
}

/** A table's tags as the emulator holds them, by key (read directly, not through a counting proxy). */
export async function tableTags(client: DynamoDBClient, tableName: string): Promise<Record<string, string>> {
  const arn = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableArn;
  const out = await client.send(new ListTagsOfResourceCommand({ ResourceArn: arn }));
  return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

/** A table made outside the operator, with the key and billing mode of simpleTableYaml's tables. */
export function createTableOutside(client: DynamoDBClient, tableName: string): Promise<CreateTableCommandOutput> {
  return client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'ID', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'ID', KeyType: 'HASH' }],
    }),
  );
}

export function emulatorClient(endpoint: string, region = 'us-east-1'): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}
