// --watch-namespace=a,b and --watch-label-selector: the reconciler reconciles the
// tables of each listed namespace, and leaves alone a table in a namespace outside the list and one
// whose labels the selector does not match — until its labels change to match. Before the fix,
// "a,b" was read as one namespace named "a,b" (every list failed), and there was no selector.
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { kubectl, waitFor } from './support/index.ts';
import {
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
import type { Emulator, ReconcilerProc } from './support-reconciler/index.ts';

describe('reconciler: watch scope (--watch-namespace list, --watch-label-selector)', function () {
  this.timeout(120_000);
  let nsA: string;
  let nsB: string;
  let nsOut: string;
  let dyn: Emulator;
  let rec: ReconcilerProc;

  const label = (ns: string, name: string, value: string): void => {
    const r = kubectl(['label', '--overwrite', 'dynamodbtable', name, '-n', ns, `scope-e2e=${value}`]);
    expect(r.code, r.stderr).to.equal(0);
  };
  const awsTables = async (): Promise<string[]> =>
    ((await emulatorClient(dyn.endpoint).send(new ListTablesCommand({}))).TableNames ?? []).sort();

  before(async () => {
    nsA = uniqueNamespace('scope-a');
    nsB = uniqueNamespace('scope-b');
    nsOut = uniqueNamespace('scope-out');
    dyn = await startDynalite('scope-dynalite');
    for (const [ns, table] of [
      [nsA, 'scope_a'],
      [nsB, 'scope_b'],
      [nsOut, 'scope_out'],
    ] as const) {
      mustApply(providerYaml('dyn', dyn.endpoint), ns);
      mustApply(simpleTableYaml('t', table, 'dyn'), ns);
    }
    mustApply(simpleTableYaml('t-skip', 'scope_skip', 'dyn'), nsA);
    label(nsA, 't-skip', 'skip');
    // Everything exists before the start: the first list sees all of it at once.
    rec = await startReconcilerProc('scope-reconciler', nsA, [
      `--watch-namespace=${nsA},${nsB}`,
      '--watch-label-selector=scope-e2e!=skip',
    ]);
  });

  after(async () => {
    await rec?.proc.stop();
    for (const ns of [nsA, nsB, nsOut]) if (ns) deleteNamespace(ns);
    await dyn?.proc.stop();
  });

  it('reconciles a table in each listed namespace, none outside the list or the selector', async () => {
    await waitFor('t Ready in both listed namespaces', () =>
      [nsA, nsB].every((ns) => getObj('dynamodbtable', ns, 't')?.status?.ready === true),
    );
    // The four were queued by the same first list; two are done, so the other two were never taken.
    for (const [ns, name] of [
      [nsOut, 't'],
      [nsA, 't-skip'],
    ] as const) {
      const o = getObj('dynamodbtable', ns, name);
      expect(o?.metadata.finalizers ?? [], `${ns}/${name} finalizers`).to.deep.equal([]);
      expect(o?.status, `${ns}/${name} status`).to.equal(undefined);
    }
    expect(await awsTables()).to.deep.equal(['scope_a', 'scope_b']);
  });

  it('a table whose labels change to match the selector is reconciled at once', async () => {
    label(nsA, 't-skip', 'keep');
    await waitFor('t-skip Ready', () => getObj('dynamodbtable', nsA, 't-skip')?.status?.ready === true, {
      timeoutMs: 30_000,
    });
    expect(await awsTables()).to.deep.equal(['scope_a', 'scope_b', 'scope_skip']);
    expect(getObj('dynamodbtable', nsOut, 't')?.status).to.equal(undefined);
  });
});
