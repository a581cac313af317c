// GitOps sees the truth: what sigs.k8s.io/cli-utils' kstatus — the library Flux and kpt
// judge readiness with — computes from our live objects, asked through the real library (the Go helper
// in hack/kstatus, built from the Go module proxy and cached). Through create, a GSI add and a billing
// switch: InProgress until the table matches the generation, then Current; a Terminal error: Failed;
// a missing provider: InProgress with status.observedGeneration set; deletion: Terminating, then gone.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { testEnv, waitFor } from './support/index.ts';
import {
  createTableOutside,
  deleteNamespace,
  emulatorClient,
  getObj,
  mustApply,
  providerYaml,
  simpleTableYaml,
  startDynalite,
  startReconcilerProc,
  uniqueNamespace,
} from './support-reconciler/index.ts';
import type { Emulator, Obj, ReconcilerProc } from './support-reconciler/index.ts';
import { kubectl } from './support/index.ts';

const attributes = [{ name: 'email', type: 'S' }];
const byEmail = { indexName: 'by-email', hashKey: 'email', projectionType: 'ALL' };
const cap = { readCapacityUnits: 5, writeCapacityUnits: 5 };
const provisioned = { attributes, billingMode: 'PROVISIONED', provisionedThroughput: cap };

type KStatus = 'InProgress' | 'Current' | 'Failed' | 'Terminating' | 'NotFound' | 'Unknown';

interface Sample {
  kstatus: KStatus;
  /** What the chart's Argo CD health.lua says (gopher-lua, hack/argocd-health). */
  argo: string;
  message: string;
  generation: number;
  observedGeneration?: number;
}

interface Live extends Obj {
  metadata: Obj['metadata'] & { generation: number };
}

/** Build (cached) a Go helper of hack/; its path. */
function helperBinary(dir: string, key: string): string {
  const out = execFileSync('bash', [join(testEnv().root, 'hack', dir, 'build.sh')], { encoding: 'utf8' });
  const m = new RegExp(`^${key}=(.+)$`, 'm').exec(out);
  if (!m) throw new Error(`hack/${dir}/build.sh printed no ${key}: ${out}`);
  return m[1] ?? '';
}

/** The Argo CD verdict that means what kstatus says (for objects the reconciler has written). */
const ARGO_FOR: Partial<Record<KStatus, string>> = {
  InProgress: 'Progressing',
  Current: 'Healthy',
  Failed: 'Degraded',
};

describe('kstatus reads our status right', function () {
  this.timeout(240_000);
  let bin: string;
  let argoBin: string;
  const healthLua = join(testEnv().root, 'charts', 'dynamodb-operator', 'health', 'table.lua');
  let ns: string;
  let dyn: Emulator;
  let ddb: DynamoDBClient;
  let rec: ReconcilerProc;

  const sample = (name: string): Sample | undefined => {
    const o = getObj('dynamodbtable', ns, name) as Live | undefined;
    if (!o) return undefined;
    const r = JSON.parse(execFileSync(bin, { input: JSON.stringify(o), encoding: 'utf8' })) as {
      status: KStatus;
      message: string;
    };
    const argo = JSON.parse(execFileSync(argoBin, [healthLua], { input: JSON.stringify(o), encoding: 'utf8' })) as {
      status: string;
    };
    const og = o.status?.observedGeneration;
    return {
      argo: argo.status,
      kstatus: r.status,
      message: r.message,
      generation: o.metadata.generation,
      ...(typeof og === 'number' ? { observedGeneration: og } : {}),
    };
  };

  /** Every sample from now until kstatus says `until`; on a timeout the error shows them and the status. */
  async function trajectory(name: string, until: KStatus): Promise<Sample[]> {
    const seen: Sample[] = [];
    const disagreements: string[] = [];
    try {
      await waitFor(
        `${name} kstatus ${until}`,
        () => {
          const s = sample(name);
          if (s) seen.push(s);
          // Argo CD (the chart's health.lua) agrees with kstatus on every status the reconciler wrote
          const want = s?.observedGeneration !== undefined ? ARGO_FOR[s.kstatus] : undefined;
          if (s && want && s.argo !== want) disagreements.push(`${name}: argo ${s.argo}, kstatus ${s.kstatus}`);
          // Current counts once the reconciler wrote a status (see expectProgressThenCurrent)
          return s?.kstatus === until && (until !== 'Current' || s.observedGeneration !== undefined);
        },
        { timeoutMs: 90_000, intervalMs: 100 },
      );
    } catch (err) {
      const status = JSON.stringify(getObj('dynamodbtable', ns, name)?.status);
      throw new Error(`${(err as Error).message}\nsamples: ${JSON.stringify(seen.slice(-5))}\nstatus: ${status}`);
    }
    expect(disagreements, 'the Argo CD health.lua and kstatus disagree').to.deep.equal([]);
    return seen;
  }

  /** InProgress first, Current at the end, never Failed, and the reconciler said "working" itself. */
  function expectProgressThenCurrent(all: Sample[]): void {
    // kstatus reads an object with no status at all as Current (no observedGeneration, no conditions:
    // nothing to contradict it) — the moment between create and the reconciler's first write, which
    // only the controller's speed can shorten (docs/gitops.md). Judge from the first status on.
    const seen = all.filter((s) => s.observedGeneration !== undefined);
    const states = seen.map((s) => s.kstatus);
    expect(states[0], JSON.stringify(seen)).to.equal('InProgress');
    expect(states.at(-1)).to.equal('Current');
    expect(states).to.not.include('Failed');
    // an InProgress read of the reconciler's own write for this generation: Reconciling=True, not
    // only kstatus's generation check before the reconciler saw the change
    const own = seen.filter((s) => s.kstatus === 'InProgress' && s.observedGeneration === s.generation);
    expect(own.length, JSON.stringify(seen)).to.be.greaterThan(0);
    const last = seen.at(-1);
    expect(last?.observedGeneration).to.equal(last?.generation);
  }

  before(async () => {
    bin = helperBinary('kstatus', 'KSTATUS_BIN');
    argoBin = helperBinary('argocd-health', 'ARGOCD_HEALTH_BIN');
    ns = uniqueNamespace('kstatus');
    // CREATING/UPDATING phases of 3 s: long enough to sample the in-progress statuses several times.
    dyn = await startDynalite('kstatus-dynalite', 3000);
    ddb = emulatorClient(dyn.endpoint);
    mustApply(providerYaml('dyn', dyn.endpoint), ns);
    rec = await startReconcilerProc('kstatus-reconciler', ns, ['--resync-period=5s']);
  });

  after(async () => {
    await rec?.proc.stop();
    deleteNamespace(ns);
    ddb?.destroy();
    await dyn?.proc.stop();
  });

  it('create: InProgress (Reconciling while CREATING) until ACTIVE and in sync, then Current', async () => {
    mustApply(simpleTableYaml('t', 'kstatus_t', 'dyn', { spec: { attributes } }), ns);
    expectProgressThenCurrent(await trajectory('t', 'Current'));
  });

  it('a billing switch: InProgress while UPDATING, then Current', async () => {
    mustApply(simpleTableYaml('t', 'kstatus_t', 'dyn', { spec: provisioned }), ns);
    expectProgressThenCurrent(await trajectory('t', 'Current'));
  });

  it('a GSI add: InProgress while the index is built, then Current', async () => {
    const spec = { ...provisioned, globalSecondaryIndexes: [{ ...byEmail, provisionedThroughput: cap }] };
    mustApply(simpleTableYaml('t', 'kstatus_t', 'dyn', { spec }), ns);
    expectProgressThenCurrent(await trajectory('t', 'Current'));
  });

  it("a change the service refuses (ValidationException): Failed, with the service's words", async () => {
    // dynalite, like DynamoDB before on-demand GSIs existed, wants ProvisionedThroughput on a GSI added
    // to a PAY_PER_REQUEST table: a Terminal error from a real AWS call, not a hand-made status.
    mustApply(simpleTableYaml('refused', 'kstatus_refused', 'dyn', { spec: { attributes } }), ns);
    await trajectory('refused', 'Current');
    mustApply(
      simpleTableYaml('refused', 'kstatus_refused', 'dyn', { spec: { attributes, globalSecondaryIndexes: [byEmail] } }),
      ns,
    );
    const seen = await trajectory('refused', 'Failed');
    expect(seen.at(-1)?.message).to.include('ValidationException');
    expect(seen.at(-1)?.observedGeneration).to.equal(seen.at(-1)?.generation);
  });

  it('a Terminal error (a same-named table the object does not own): Failed, with the reason', async () => {
    await createTableOutside(ddb, 'kstatus_foreign');
    mustApply(simpleTableYaml('foreign', 'kstatus_foreign', 'dyn', { deletionPolicy: 'Retain' }), ns);
    const seen = await trajectory('foreign', 'Failed');
    // never Current once the reconciler wrote a status (before it, see expectProgressThenCurrent)
    expect(seen.filter((s) => s.observedGeneration !== undefined).map((s) => s.kstatus)).to.not.include('Current');
    const o = getObj('dynamodbtable', ns, 'foreign');
    const stalled = o?.status?.conditions?.find((c) => c.type === 'Stalled');
    expect(stalled).to.include({ status: 'True', reason: 'TableNotOwned' });
    expect(seen.at(-1)?.message).to.equal(stalled?.message);
  });

  it('a missing provider: InProgress, with observedGeneration = generation (the reconciler saw it)', async () => {
    mustApply(simpleTableYaml('orphan', 'kstatus_orphan', 'nowhere'), ns);
    const s = await waitFor('orphan status written', () => {
      const x = sample('orphan');
      return x?.observedGeneration !== undefined ? x : undefined;
    });
    expect(s.observedGeneration).to.equal(s.generation);
    expect(s.kstatus).to.equal('InProgress');
    const o = getObj('dynamodbtable', ns, 'orphan');
    expect(o?.status?.conditions?.find((c) => c.type === 'Reconciling')).to.include({ status: 'True' });
  });

  it("AWSProvider: the chart's provider.lua says Healthy when Ready (kstatus Current), Progressing while its Secret is missing (kstatus InProgress), Degraded when its spec is invalid (kstatus Failed)", async () => {
    const providerLua = join(testEnv().root, 'charts', 'dynamodb-operator', 'health', 'provider.lua');
    const verdicts = (name: string) => {
      const o = getObj('awsprovider', ns, name);
      if (!o?.status?.observedGeneration) return undefined;
      const run = (binary: string, args: string[]) =>
        (JSON.parse(execFileSync(binary, args, { input: JSON.stringify(o), encoding: 'utf8' })) as { status: string })
          .status;
      return { kstatus: run(bin, []), argo: run(argoBin, [providerLua]) };
    };
    // 'dyn' (before): Ready against dynalite
    const ready = await waitFor('dyn Ready seen by kstatus', () => {
      const v = verdicts('dyn');
      return v?.kstatus === 'Current' ? v : undefined;
    });
    expect(ready.argo).to.equal('Healthy');
    // no Secret: the reconciler keeps re-checking (Ready=False, Reconciling=True)
    mustApply(providerYaml('no-secret', dyn.endpoint, { noSecret: true }), ns);
    const waiting = await waitFor('no-secret status written', () => verdicts('no-secret'));
    expect(waiting).to.deep.equal({ kstatus: 'InProgress', argo: 'Progressing' });
    // an invalid spec the CRD schema lets through (no webhook here): externalID without assumeRoleARN
    // is InvalidProvider, Stalled — only an edit helps
    mustApply(
      JSON.stringify({
        apiVersion: 'aws-infra-operator.runner.codes/v1alpha1',
        kind: 'AWSProvider',
        metadata: { name: 'invalid' },
        spec: { region: 'us-east-1', endpoint: dyn.endpoint, externalID: 'ab' },
      }),
      ns,
    );
    const invalid = await waitFor('invalid status written', () => verdicts('invalid'));
    expect(invalid).to.deep.equal({ kstatus: 'Failed', argo: 'Degraded' });
  });

  it('deletion: Terminating while the table is DELETING, then the object is gone', async () => {
    const r = kubectl(['delete', 'dynamodbtable', 't', '-n', ns, '--wait=false']);
    expect(r.code, r.stderr).to.equal(0);
    const seen = await trajectory('t', 'Terminating');
    expect(seen.map((s) => s.kstatus)).to.not.include('Failed');
    await waitFor('t gone', () => getObj('dynamodbtable', ns, 't') === undefined, { timeoutMs: 60_000 });
  });
});
