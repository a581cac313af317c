// Two reconciler processes with leader election on a coordination.k8s.io/v1 Lease: only the leader
// makes AWS calls (per-process metrics, and the Lease names it); SIGKILL of the leader hands over
// within the lease time (15s lease + 2s retry, as controller-runtime), SIGTERM hands over at once
// (the lease is released), and the new leader converges new work.
import { expect } from 'chai';
import { kubectl, waitFor } from './support/index.ts';
import {
  deleteNamespace,
  getObj,
  mustApply,
  providerYaml,
  simpleTableYaml,
  startDynalite,
  startReconcilerProc,
  uniqueNamespace,
} from './support-reconciler/index.ts';
import type { Emulator, ReconcilerProc } from './support-reconciler/index.ts';

const LEASE = 'dynamodb-operator-reconciler';

function holder(ns: string): string | undefined {
  const r = kubectl(['get', 'lease', LEASE, '-n', ns, '-o', 'jsonpath={.spec.holderIdentity}']);
  return r.code === 0 && r.stdout ? r.stdout : undefined;
}

const awsCalls = (p: ReconcilerProc) => p.counter('dynamodb_operator_aws_api_calls_total');
const isMaster = async (p: ReconcilerProc) => (await p.counter('leader_election_master_status')) === 1;

describe('reconciler: leader election between two processes', function () {
  this.timeout(180_000);
  let ns: string;
  let dyn: Emulator;
  const procs: Record<string, ReconcilerProc> = {};

  const start = (id: string) =>
    startReconcilerProc(`rec-leader-${id}`, ns, [
      '--leader-elect',
      `--leader-election-namespace=${ns}`,
      `--identity=${id}`,
    ]);
  const ready = (name: string) => () => getObj('dynamodbtable', ns, name)?.status?.ready === true;

  before(async () => {
    ns = uniqueNamespace('rec-leader');
    dyn = await startDynalite('rec-leader-dynalite');
    mustApply(providerYaml('dyn', dyn.endpoint), ns);
    procs.a = await start('replica-a');
    await waitFor('replica-a leads', () => holder(ns) === 'replica-a', { timeoutMs: 30_000 });
    procs.b = await start('replica-b');
  });

  after(async () => {
    for (const p of Object.values(procs)) await p.proc.stop();
    deleteNamespace(ns);
    await dyn?.proc.stop();
  });

  it('only the leader makes AWS calls', async () => {
    mustApply(simpleTableYaml('le-1', 'leader_one', 'dyn'), ns);
    await waitFor('le-1 Ready', ready('le-1'), { timeoutMs: 30_000 });
    const a = procs.a as ReconcilerProc;
    const b = procs.b as ReconcilerProc;
    expect(await isMaster(a)).to.equal(true);
    expect(await isMaster(b)).to.equal(false);
    expect(await awsCalls(a)).to.be.greaterThan(0);
    expect(await awsCalls(b)).to.equal(0);
    expect(await b.counter('controller_runtime_reconcile_total')).to.equal(0);
  });

  it('SIGKILL of the leader: the standby takes over within the lease time and converges new work', async () => {
    const a = procs.a as ReconcilerProc;
    const b = procs.b as ReconcilerProc;
    await a.proc.stop('SIGKILL');
    const killedAt = Date.now();
    delete procs.a;
    await waitFor('replica-b leads', () => isMaster(b), { timeoutMs: 30_000, intervalMs: 100 });
    const handoverMs = Date.now() - killedAt;
    console.log(`      handover after SIGKILL: ${handoverMs} ms (lease 15 s, retry 2 s)`);
    // Lease 15s counted from when the standby last saw a renewal, plus at most one retry period (2s ±20%).
    expect(handoverMs).to.be.lessThan(15_000 + 2 * 2_400 + 1_000);
    expect(holder(ns)).to.equal('replica-b');
    mustApply(simpleTableYaml('le-2', 'leader_two', 'dyn'), ns);
    await waitFor('le-2 Ready under the new leader', ready('le-2'), { timeoutMs: 30_000 });
    expect(await awsCalls(b)).to.be.greaterThan(0);
  });

  it('SIGTERM of the leader releases the lease: a new replica takes over in a few seconds', async () => {
    procs.c = await start('replica-c');
    const b = procs.b as ReconcilerProc;
    const c = procs.c;
    expect(await awsCalls(c)).to.equal(0);
    await b.proc.stop('SIGTERM');
    const stoppedAt = Date.now();
    delete procs.b;
    await waitFor('replica-c leads', () => isMaster(c), { timeoutMs: 20_000, intervalMs: 100 });
    const handoverMs = Date.now() - stoppedAt;
    console.log(`      handover after SIGTERM: ${handoverMs} ms`);
    expect(handoverMs).to.be.lessThan(2 * 2_400 + 1_000);
    mustApply(simpleTableYaml('le-3', 'leader_three', 'dyn'), ns);
    await waitFor('le-3 Ready', ready('le-3'), { timeoutMs: 30_000 });
  });
});
