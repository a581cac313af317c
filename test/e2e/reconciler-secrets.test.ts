// A changed credentials Secret is picked up at once: the reconciler watches the Secrets its
// AWSProviders reference, rebuilds that provider's AWS clients and re-queues its tables. The resync
// period is 10 minutes here, so without the watch nothing would call AWS again within the test.
import { expect } from 'chai';
import { kubectl, waitFor } from './support/index.ts';
import {
  condition,
  deleteNamespace,
  getObj,
  mustApply,
  providerYaml,
  simpleTableYaml,
  startDynalite,
  startReconcilerProc,
  startRecordingProxy,
  uniqueNamespace,
} from './support-reconciler/index.ts';
import type { Emulator, ReconcilerProc, Recorder } from './support-reconciler/index.ts';

describe('reconciler: credentials Secret changes (watch)', function () {
  this.timeout(120_000);
  let ns: string;
  let dyn: Emulator;
  let proxy: Recorder;
  let rec: ReconcilerProc;

  before(async () => {
    ns = uniqueNamespace('rec-secret');
    dyn = await startDynalite('rec-secret-dynalite');
    proxy = await startRecordingProxy('rec-secret-proxy', dyn.endpoint);
    mustApply(providerYaml('dyn', proxy.endpoint, { accessKey: 'AKIDBEFORE0000000000' }), ns);
    rec = await startReconcilerProc('rec-secret-reconciler', ns, ['--resync-period=10m']);
  });

  after(async () => {
    await rec?.proc.stop();
    deleteNamespace(ns);
    await proxy?.proc.stop();
    await dyn?.proc.stop();
  });

  it('a new access key in the Secret is used within seconds, by the provider check and the table', async () => {
    mustApply(simpleTableYaml('t-secret', 'secret_table', 'dyn'), ns);
    await waitFor('t-secret Ready', () => getObj('dynamodbtable', ns, 't-secret')?.status?.ready === true);
    expect(proxy.records().map((r) => r.keyId)).to.include('AKIDBEFORE0000000000');
    // Let the creation's polling finish, so that any later call comes from the Secret change.
    await waitFor('no AWS call for 3 s', async () => {
      const n = proxy.records().length;
      await new Promise((r) => setTimeout(r, 3000));
      return proxy.records().length === n;
    });
    const before = proxy.records().length;
    const t0 = Date.now();
    const patched = kubectl([
      'patch',
      'secret',
      'dyn-creds',
      '-n',
      ns,
      '--type=merge',
      '-p',
      JSON.stringify({ stringData: { 'access-key-id': 'AKIDAFTER00000000000' } }),
    ]);
    expect(patched.code, patched.stderr).to.equal(0);
    const after = await waitFor(
      'a DescribeTable of secret_table signed with the new key',
      () => {
        const calls = proxy.records().slice(before);
        return calls.some(
          (c) => c.op === 'DescribeTable' && c.table === 'secret_table' && c.keyId === 'AKIDAFTER00000000000',
        )
          ? calls
          : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(Date.now() - t0).to.be.below(15_000);
    // Nothing was signed with the old key after the change was seen, and the provider was re-checked.
    const firstNew = after.findIndex((c) => c.keyId === 'AKIDAFTER00000000000');
    expect(after.slice(firstNew).map((c) => c.keyId)).to.not.include('AKIDBEFORE0000000000');
    expect(after.map((c) => c.op)).to.include('GetCallerIdentity');
    expect(condition(getObj('awsprovider', ns, 'dyn'), 'Ready')?.status).to.equal('True');
  });
});
