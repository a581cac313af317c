// Tenancy grants by namespace label: the admin grants adoption of `lbl-*` tables to every namespace
// labelled for it (the chart's tenancy.adoption with a namespaceSelector). A namespace without the label
// is refused at apply (webhook on) and by the reconciler (webhook off: PolicyDenied, no request naming
// its table at the recording proxy); the labelled one adopts; labelling the other later lets it adopt too.
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl, makeServingCert, waitFor } from './support/index.ts';
import { findObject, helmTemplate } from './support-chart/helm.ts';
import {
  condition,
  createTableOutside,
  deleteNamespace,
  emulatorClient,
  getObj,
  GROUP,
  mustApply,
  providerYaml,
  simpleTableYaml,
  startDynalite,
  startReconcilerProc,
  startRecordingProxy,
} from './support-reconciler/index.ts';
import type { Emulator, ReconcilerProc, Recorder } from './support-reconciler/index.ts';
import {
  registerWebhooks,
  startWebhookProcess,
  unregisterWebhooks,
  writeCertDir,
} from '../../packages/webhook/test/e2e/harness.ts';
import type { WebhookProcess } from '../../packages/webhook/test/e2e/harness.ts';

const ADOPT = `${GROUP}/adopt`;
const run = Math.random().toString(36).slice(2, 7);
const LABEL = 'tenancy-e2e.runner.codes/may-adopt';
const granted = `lbl-${run}-yes`;
const other = `lbl-${run}-no`;
const tableOf = (ns: string) => `${ns}-orders`;

describe('tenancy e2e: adoption granted by namespace label, refused at apply and by the reconciler elsewhere', function () {
  this.timeout(300_000);
  let dir: string;
  let policyFile: string;
  let dynalite: Emulator;
  let proxy: Recorder;
  let webhook: WebhookProcess | undefined;
  let reconciler: ReconcilerProc | undefined;
  const hooks = [`ddbop-e2e-lbl-no-${process.pid}`, `ddbop-e2e-lbl-yes-${process.pid}`];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ddbop-tenancy-labels-'));
    policyFile = join(dir, 'policy.json');
    // What the chart renders for these values: the grant names no namespace, only a label.
    const objects = helmTemplate({
      tenancy: {
        enabled: true,
        endpoints: ['http://127.0.0.1:*'],
        adoption: [{ namespaceSelector: { matchLabels: { [LABEL]: run } }, tables: ['lbl-*'] }],
      },
    });
    const configMap = findObject(objects, 'ConfigMap', '-tenancy') as unknown as { data: Record<string, string> };
    writeFileSync(policyFile, configMap.data['policy.json'] ?? '');
    for (const ns of [granted, other]) expect(kubectl(['create', 'namespace', ns]).code).to.equal(0);
    expect(kubectl(['label', 'namespace', granted, `${LABEL}=${run}`]).code).to.equal(0);
    dynalite = await startDynalite('tenancy-labels-dynalite');
    proxy = await startRecordingProxy('tenancy-labels-proxy', dynalite.endpoint);
    // Unowned tables, there before any object: what an adopt annotation would take over.
    const ddb = emulatorClient(dynalite.endpoint);
    for (const ns of [granted, other]) {
      await createTableOutside(ddb, tableOf(ns));
      await waitFor(`${tableOf(ns)} ACTIVE`, async () => {
        const d = await ddb.send(new DescribeTableCommand({ TableName: tableOf(ns) }));
        return d.Table?.TableStatus === 'ACTIVE';
      });
      mustApply(providerYaml('p', proxy.endpoint), ns);
    }
    ddb.destroy();
  });

  after(async () => {
    for (const hook of hooks) unregisterWebhooks(hook);
    await webhook?.process.stop();
    await reconciler?.proc.stop();
    await proxy?.proc.stop();
    await dynalite?.proc.stop();
    for (const ns of [granted, other]) deleteNamespace(ns);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const adoptYaml = (ns: string) => simpleTableYaml('t', tableOf(ns), 'p', { annotations: { [ADOPT]: 'true' } });
  const apply = (ns: string) => kubectl(['apply', '-n', ns, '-f', '-'], { input: adoptYaml(ns) });
  const ready = (ns: string) => condition(getObj('dynamodbtables', ns, 't'), 'Ready');

  it('at apply: the labelled namespace may adopt, the other is refused naming the policy key', async () => {
    const cert = makeServingCert(['127.0.0.1']);
    writeCertDir(join(dir, 'certs'), cert, 'v1');
    webhook = await startWebhookProcess('tenancy-labels-webhook', join(dir, 'certs'), ['--tenancy-policy', policyFile]);
    await registerWebhooks(hooks[0] ?? '', other, webhook, cert.caPem);
    await registerWebhooks(hooks[1] ?? '', granted, webhook, cert.caPem);

    const refused = apply(other);
    expect(refused.code).to.not.equal(0);
    expect(refused.stderr).to.contain(`metadata.annotations[${ADOPT}]`);
    expect(refused.stderr).to.contain('tenancy.adoption (namespaces or namespaceSelector + tables)');
    const admitted = apply(granted);
    expect(admitted.code, admitted.stderr).to.equal(0);
  });

  it('webhook off: the reconciler adopts for the labelled namespace only; no request names the other table', async () => {
    for (const hook of hooks) unregisterWebhooks(hook);
    await webhook?.process.stop();
    webhook = undefined;
    const forced = apply(other);
    expect(forced.code, forced.stderr).to.equal(0);

    reconciler = await startReconcilerProc('tenancy-labels-reconciler', `${granted},${other}`, [
      `--tenancy-policy=${policyFile}`,
    ]);
    await waitFor('labelled namespace adopts', () => ready(granted)?.status === 'True', { timeoutMs: 60_000 });
    await waitFor('other namespace PolicyDenied', () => ready(other)?.reason === 'PolicyDenied', {
      timeoutMs: 60_000,
    });
    expect(ready(other)?.message).to.contain(`namespace ${other} may not adopt table "${tableOf(other)}"`);
    expect(proxy.records().filter((r) => r.table === tableOf(other))).to.deep.equal([]);
    expect(proxy.records().filter((r) => r.table === tableOf(granted)).length).to.be.above(0);
  });

  it('labelling the other namespace grants it at once (labels re-queue its tables)', async () => {
    expect(kubectl(['label', 'namespace', other, `${LABEL}=${run}`]).code).to.equal(0);
    await waitFor('other namespace adopts once labelled', () => ready(other)?.status === 'True', {
      timeoutMs: 60_000,
    });
  });
});
