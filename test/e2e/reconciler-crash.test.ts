// SIGKILL the reconciler at random points while it creates and deletes 20 tables, restart it each
// time: everything converges, and a recording proxy in front of the emulator sees exactly one
// CreateTable per table (DescribeTable first, ownership tags, and a create intent recorded before
// the call make a crash between CreateTable and the status write harmless).
import { expect } from 'chai';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { kubectl, waitFor } from './support/index.ts';
import {
  deleteNamespace,
  emulatorClient,
  getObj,
  mustApply,
  providerYaml,
  simpleTableYaml,
  startDynalite,
  startRecordingProxy,
  startReconcilerProc,
  uniqueNamespace,
} from './support-reconciler/index.ts';
import type { Emulator, Recorder, ReconcilerProc } from './support-reconciler/index.ts';

const N = 20;
const names = Array.from({ length: N }, (_, i) => `crash-${String(i).padStart(2, '0')}`);

function listReady(ns: string): { ready: number; total: number } {
  const r = kubectl(['get', 'dynamodbtables', '-n', ns, '-o', 'json']);
  const items = (JSON.parse(r.stdout) as { items: { status?: { ready?: boolean } }[] }).items;
  return { ready: items.filter((i) => i.status?.ready === true).length, total: items.length };
}

async function exists(ddb: DynamoDBClient, t: string): Promise<boolean> {
  try {
    await ddb.send(new DescribeTableCommand({ TableName: t }));
    return true;
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') return false;
    throw err;
  }
}

describe('reconciler: SIGKILL during create and delete of 20 tables', function () {
  this.timeout(300_000);
  let ns: string;
  let dyn: Emulator;
  let proxy: Recorder;
  let ddb: DynamoDBClient;
  let rec: ReconcilerProc | undefined;
  let generation = 0;
  const kills: number[] = [];
  /** What the world looked like at each kill: CreateTable calls so far, objects Ready, objects left. */
  const atKill: { creates: number; ready: number; total: number }[] = [];

  const start = async () => {
    rec = await startReconcilerProc(`rec-crash-${generation++}`, ns, ['--max-concurrent-reconciles=2']);
  };
  /** Let it run for a random while (short at first, to land between CreateTable and the status write), SIGKILL, restart. */
  const chaos = async (rounds: number) => {
    for (let i = 0; i < rounds; i++) {
      const ms = i < 3 ? 20 + Math.floor(Math.random() * 250) : 200 + Math.floor(Math.random() * 1300);
      kills.push(ms);
      await new Promise((r) => setTimeout(r, ms));
      await rec?.proc.stop('SIGKILL');
      atKill.push({ creates: proxy.count('CreateTable'), ...listReady(ns) });
      await start();
    }
  };

  before(async () => {
    ns = uniqueNamespace('rec-crash');
    dyn = await startDynalite('rec-crash-dynalite', 500);
    proxy = await startRecordingProxy('rec-crash-proxy', dyn.endpoint);
    ddb = emulatorClient(dyn.endpoint);
    mustApply(providerYaml('dyn', proxy.endpoint), ns);
    await start();
  });

  after(async () => {
    await rec?.proc.stop();
    deleteNamespace(ns);
    ddb?.destroy();
    await proxy?.proc.stop();
    await dyn?.proc.stop();
  });

  it('all 20 converge to Ready with exactly one CreateTable each', async () => {
    mustApply(names.map((n) => simpleTableYaml(n, n.replace('-', '_'), 'dyn')).join('---\n'), ns);
    await chaos(6);
    await waitFor(`${N} tables Ready`, () => listReady(ns).ready === N || undefined, { timeoutMs: 120_000 });
    for (const n of names) {
      expect(proxy.count('CreateTable', n.replace('-', '_')), `CreateTable calls for ${n}`).to.equal(1);
      const o = getObj('dynamodbtable', ns, n);
      expect(o?.status?.tableStatus, n).to.equal('ACTIVE');
    }
    expect(proxy.count('CreateTable')).to.equal(N);
    // The kills really landed mid-creation (some tables requested, not all Ready).
    expect(
      atKill.some((k) => k.creates > 0 && k.ready < N),
      JSON.stringify(atKill),
    ).to.equal(true);
  });

  it('all 20 deletions complete through SIGKILLs; every table is gone from the emulator', async () => {
    expect(kubectl(['delete', 'dynamodbtables', '--all', '-n', ns, '--wait=false']).code).to.equal(0);
    await chaos(4);
    await waitFor('all objects gone', () => listReady(ns).total === 0 || undefined, { timeoutMs: 120_000 });
    for (const n of names) expect(await exists(ddb, n.replace('-', '_')), n).to.equal(false);
    const deleting = atKill.slice(6);
    expect(
      deleting.some((k) => k.total > 0),
      JSON.stringify(deleting),
    ).to.equal(true);
    // No table was created again while being deleted.
    expect(proxy.count('CreateTable')).to.equal(N);
    console.log(`      kill points (ms after start): ${kills.join(', ')}; at each kill: ${JSON.stringify(atKill)}`);
  });
});
