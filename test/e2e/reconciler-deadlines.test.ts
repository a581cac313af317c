// An AWSProvider whose endpoint accepts connections and never answers must not freeze the
// reconciler. Real parts: the reconciler as a
// process, the real API server, a private moto for the healthy provider, and real TCP endpoints on
// 127.0.0.1 that hang, close the connection, or answer bytes that are not HTTP. The healthy
// provider's table becomes Ready within a bound while the hung provider's tables (more of them than
// workers) keep failing with Timeout; each broken provider is Ready=False with a reason naming what
// happened; and once the hung endpoint starts answering (same port, now passed through to moto)
// everything converges.
import { expect } from 'chai';
import { kubectl, waitFor } from './support/index.ts';
import {
  condition,
  deleteNamespace,
  getObj,
  mustApply,
  providerYaml,
  simpleTableYaml,
  startMoto,
  startReconcilerProc,
  uniqueNamespace,
} from './support-reconciler/index.ts';
import type { Emulator, ReconcilerProc } from './support-reconciler/index.ts';
import { startBadEndpoint } from '../../packages/reconciler/test/bad-endpoints.ts';
import type { BadEndpoint } from '../../packages/reconciler/test/bad-endpoints.ts';

// Short deadlines keep the suite fast; the bound on the healthy table is well under the request
// timeout, so it fails if a hung call can hold the worker the healthy table needs.
const WORKERS = 4;
const REQUEST_TIMEOUT_MS = 12_000;
const HEALTHY_BOUND_MS = 7_000;
const HUNG_TABLES = 6; // more than WORKERS

function eventReasons(ns: string, name: string): string[] {
  const r = kubectl(['get', 'events', '-n', ns, '--field-selector', `involvedObject.name=${name}`, '-o', 'json']);
  if (r.code !== 0) return [];
  return (JSON.parse(r.stdout) as { items: { reason: string }[] }).items.map((e) => e.reason);
}

/** Applies a table and measures the time until the reconciler reports it Ready. */
async function timeToReady(ns: string, name: string, tableName: string, provider: string): Promise<number> {
  const t0 = performance.now();
  mustApply(simpleTableYaml(name, tableName, provider), ns);
  await waitFor(`${name} Ready`, () => getObj('dynamodbtable', ns, name)?.status?.ready === true, {
    timeoutMs: 60_000,
    intervalMs: 100,
  });
  return Math.round(performance.now() - t0);
}

function providerReady(ns: string, name: string) {
  return condition(getObj('awsprovider', ns, name), 'Ready');
}

describe('reconciler deadlines: a hung provider endpoint does not freeze the reconciler', function () {
  this.timeout(240_000);
  let ns: string;
  let moto: Emulator;
  let hung: BadEndpoint;
  let closing: BadEndpoint;
  let garbage: BadEndpoint;
  let rec: ReconcilerProc;
  const measured: Record<string, number> = {};

  before(async () => {
    ns = uniqueNamespace('rec-deadline');
    moto = await startMoto('rec-deadline-moto');
    hung = await startBadEndpoint('hang');
    closing = await startBadEndpoint('close');
    garbage = await startBadEndpoint('garbage');
    mustApply(providerYaml('healthy', moto.endpoint), ns);
    rec = await startReconcilerProc('rec-deadline-reconciler', ns, [
      `--max-concurrent-reconciles=${WORKERS}`,
      `--aws-request-timeout=${REQUEST_TIMEOUT_MS / 1000}s`,
      `--aws-call-timeout=${(2 * REQUEST_TIMEOUT_MS) / 1000}s`,
      '--resync-period=10m',
    ]);
    await waitFor('provider healthy Ready', () => providerReady(ns, 'healthy')?.status === 'True');
  });

  after(async () => {
    await rec?.proc.stop();
    deleteNamespace(ns);
    for (const e of [hung, closing, garbage]) await e?.close();
    await moto?.proc.stop();
    console.log(`      time to Ready of a healthy table: ${JSON.stringify(measured)}`);
  });

  it('baseline: a healthy table becomes Ready with no hung provider present', async () => {
    measured.withoutHungProvider = await timeToReady(ns, 'base', 'deadline_base', 'healthy');
    expect(measured.withoutHungProvider).to.be.below(HEALTHY_BOUND_MS);
  });

  it('a healthy table becomes Ready within the bound while a hung provider has more tables than workers', async () => {
    mustApply(providerYaml('hung', hung.endpoint), ns);
    for (let i = 0; i < HUNG_TABLES; i++) mustApply(simpleTableYaml(`hung-${i}`, `deadline_hung_${i}`, 'hung'), ns);
    // The hung endpoint now holds table reconciles (DynamoDB calls that never get an answer).
    await waitFor('DynamoDB calls held by the hung endpoint', () =>
      hung.targets().some((t) => t.startsWith('DynamoDB_')),
    );
    measured.withHungProvider = await timeToReady(ns, 'during', 'deadline_during', 'healthy');
    expect(measured.withHungProvider).to.be.below(HEALTHY_BOUND_MS);
  });

  it('the hung provider turns Ready=False with reason Timeout, naming the endpoint', async () => {
    const c = await waitFor(
      'provider hung Ready=False',
      () => {
        const r = providerReady(ns, 'hung');
        return r?.status === 'False' ? r : undefined;
      },
      { timeoutMs: 3 * REQUEST_TIMEOUT_MS },
    );
    expect(c.reason).to.equal('Timeout');
    expect(c.message).to.include(`endpoint http://127.0.0.1:${hung.port}`);
    expect(c.message).to.match(/does not respond/);
    expect(getObj('awsprovider', ns, 'hung')?.status?.ready).to.equal(false);
  });

  it("the hung provider's tables fail with Timeout (and then wait for their provider), never Ready", async () => {
    for (let i = 0; i < HUNG_TABLES; i++) {
      const name = `hung-${i}`;
      const o = await waitFor(
        `${name} Ready=False`,
        () => {
          const x = getObj('dynamodbtable', ns, name);
          return condition(x, 'Ready')?.status === 'False' ? x : undefined;
        },
        { timeoutMs: 3 * REQUEST_TIMEOUT_MS },
      );
      const r = condition(o, 'Ready');
      // Either the table's own call timed out, or the provider check did and the table waits for it.
      if (r?.reason !== 'Timeout') {
        expect(r?.reason).to.equal('ProviderNotReady');
        expect(r?.message).to.include('Timeout');
      }
      expect(o.status?.ready).to.not.equal(true);
    }
    // Tables that did reach the endpoint said so with reason Timeout (an Event per failure).
    const timedOut = Array.from({ length: HUNG_TABLES }, (_, i) => `hung-${i}`).filter((n) =>
      eventReasons(ns, n).includes('Timeout'),
    );
    expect(timedOut.length).to.be.greaterThan(0);
    // and no worker hangs: the healthy provider still gets tables created
    expect(await timeToReady(ns, 'during2', 'deadline_during2', 'healthy')).to.be.below(HEALTHY_BOUND_MS);
  });

  it('an endpoint that closes the connection is ConnectionReset; one that answers garbage is InvalidResponse', async () => {
    mustApply(providerYaml('closing', closing.endpoint), ns);
    mustApply(providerYaml('garbage', garbage.endpoint), ns);
    mustApply(simpleTableYaml('garbage-t', 'deadline_garbage', 'garbage'), ns);
    for (const [name, ep, reason] of [
      ['closing', closing, 'ConnectionReset'],
      ['garbage', garbage, 'InvalidResponse'],
    ] as const) {
      const c = await waitFor(`provider ${name} Ready=False`, () => {
        const r = providerReady(ns, name);
        return r?.status === 'False' ? r : undefined;
      });
      expect(c.reason, name).to.equal(reason);
      expect(c.message, name).to.include(`endpoint http://127.0.0.1:${ep.port}`);
    }
    const t = await waitFor('garbage-t Ready=False', () => {
      const r = condition(getObj('dynamodbtable', ns, 'garbage-t'), 'Ready');
      return r?.status === 'False' ? r : undefined;
    });
    expect(`${t.reason}: ${t.message}`).to.match(/InvalidResponse/);
  });

  it('after the hung endpoint starts answering, the provider and all its tables converge', async () => {
    hung.setMode({ forward: moto.endpoint });
    const c = await waitFor(
      'provider hung Ready=True',
      () => providerReady(ns, 'hung')?.status === 'True' && providerReady(ns, 'hung'),
      {
        timeoutMs: 60_000,
      },
    );
    expect(c.reason).to.equal('CredentialsVerified');
    for (let i = 0; i < HUNG_TABLES; i++) {
      await waitFor(`hung-${i} Ready`, () => getObj('dynamodbtable', ns, `hung-${i}`)?.status?.ready === true, {
        timeoutMs: 60_000,
      });
    }
  });
});
