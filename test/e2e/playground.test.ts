// The README's run command, end to end: `npm run dev:up` starts the deployables as the chart does and
// applies the examples; they all become Ready; a broken example is refused with its field path;
// `npm run dev:down` leaves no process or port behind.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { kubectl, testEnv, waitFor } from './support/index.ts';
import { isReady } from '../../hack/dev/status-table.ts';
import type { TableObjectView } from '../../hack/dev/status-table.ts';
import { readState } from '../../hack/dev/state.ts';

const root = testEnv().root;
const devDir = join(root, '.testenv', 'dev');

function npmRun(script: string) {
  return spawnSync('npm', ['run', '--silent', script], { cwd: root, encoding: 'utf8', timeout: 300_000 });
}

function defaultNamespaceTables(): TableObjectView[] {
  const out = kubectl(['get', 'dynamodbtables,dynamodbs', '-n', 'default', '-o', 'json']);
  expect(out.code, out.stderr).to.equal(0);
  return (JSON.parse(out.stdout) as { items: TableObjectView[] }).items;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function logPorts(name: string): number[] {
  // the chart's flags, rewritten to free ports by hack/dev/wiring.ts, appear in the process's command line
  const state = readState(devDir);
  const pid = state?.processes.find((p) => p.name === name)?.pid;
  if (pid === undefined) return [];
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  return cmdline.flatMap((arg) => {
    const m = /^--(?:port|metrics-port|metrics-bind-address|health-probe-bind-address)=(?:[\d.]*:)?(\d+)$/.exec(arg);
    return m?.[1] ? [Number(m[1])] : [];
  });
}

async function portOpen(port: number): Promise<boolean> {
  const { createConnection } = await import('node:net');
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('playground (npm run dev:up / dev:down)', function () {
  this.timeout(600_000);
  let pids: number[] = [];
  let ports: number[] = [];
  let webhookConfigurations: string[] = [];

  after(async () => {
    // whatever happened, leave nothing running and no table behind in the shared emulator
    if (readState(devDir)) npmRun('dev:down');
    const env = testEnv();
    const client = new DynamoDBClient({
      endpoint: env.motoEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const { TableNames = [] } = await client.send(new ListTablesCommand({}));
    const ours = new Set(defaultNamespaceTables().map((t) => t.spec?.tableName));
    for (const name of TableNames.filter((n) => ours.has(n)))
      await client.send(new DeleteTableCommand({ TableName: name }));
    for (const obj of defaultNamespaceTables()) {
      kubectl([
        'patch',
        '-n',
        'default',
        obj.kind.toLowerCase(),
        obj.metadata.name,
        '--type=merge',
        '-p',
        '{"metadata":{"finalizers":[]}}',
      ]);
    }
    kubectl(['delete', '-n', 'default', 'dynamodbtables,dynamodbs', '--all', '--wait=false']);
    client.destroy();
  });

  it('dev:up starts webhook and reconciler and applies the examples', () => {
    const up = npmRun('dev:up');
    expect(up.status, `${up.stdout}\n${up.stderr}`).to.equal(0);
    const state = readState(devDir);
    expect(state?.processes.map((p) => p.name)).to.have.members(['webhook', 'reconciler']);
    pids = state?.processes.map((p) => p.pid) ?? [];
    webhookConfigurations = state?.webhookConfigurations ?? [];
    expect(webhookConfigurations).to.have.length(2);
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).to.equal(true);
    ports = [...logPorts('webhook'), ...logPorts('reconciler')];
    expect(ports.length).to.equal(4);
  });

  it('every example becomes Ready, with the defaults visible', async () => {
    const ready = await waitFor(
      'every example table in namespace default Ready',
      () => {
        const views = defaultNamespaceTables();
        return views.length >= 10 && views.every(isReady) ? views : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 1000 },
    );
    expect(ready.map((v) => v.spec?.tableName)).to.include.members([
      'orders',
      'users_v2',
      'everything_on',
      'user_sessions',
    ]);
    const simple = kubectl(['get', 'ddb', 'e2e-simple-table', '-n', 'default', '-o', 'jsonpath={.spec.tags}']);
    // the mutating webhook merged the provider's defaultTags into the object
    expect(simple.stdout).to.contain('"environment":"playground"');
  });

  it('a broken example is refused by the webhook with its field path', () => {
    const broken = kubectl(['apply', '-f', join(root, 'examples', 'broken', 'two-hash-keys.yaml')]);
    expect(broken.code).to.not.equal(0);
    expect(broken.stderr).to.contain('spec.keySchema[1].keyType');
  });

  it('dev:down stops every process it started and frees their ports', async () => {
    const down = npmRun('dev:down');
    expect(down.status, `${down.stdout}\n${down.stderr}`).to.equal(0);
    for (const pid of pids) expect(alive(pid), `pid ${pid} still running`).to.equal(false);
    for (const port of ports) expect(await portOpen(port), `port ${port} still open`).to.equal(false);
    expect(readState(devDir)).to.equal(undefined);
    for (const name of webhookConfigurations) {
      const left = kubectl(['get', name, '-o', 'name']);
      expect(left.code, `${name} still registered`).to.not.equal(0);
      expect(left.stderr).to.contain('NotFound');
    }
  });
});
