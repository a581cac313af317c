// A platform team serving many namespaces from one ClusterAWSProvider: ten namespaces (five by a name
// glob, five by a label) get Ready tables through it, with its credentials read from the admin's
// namespace; an eleventh namespace it does not select is refused at apply (webhook on, naming the field
// and the fix) and, with the webhook off, by the reconciler (PolicyDenied, Stalled) with no request for
// its table at the recording proxy. Labelling that namespace later lets its table through: the selector
// is evaluated again when namespace labels change.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { kubectl, makeServingCert, waitFor } from './support/index.ts';
import {
  GROUP,
  condition,
  deleteNamespace,
  getObj,
  mustApply,
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

const run = Math.random().toString(36).slice(2, 7);
const POOL_LABEL = 'tenancy-e2e.runner.codes/pool';
const byGlob = [0, 1, 2, 3, 4].map((i) => `cpt-${run}-g${i}`);
const byLabel = [0, 1, 2, 3, 4].map((i) => `cpt-${run}-l${i}`);
const served = [...byGlob, ...byLabel];
const outsider = `cpt-${run}-x`;
const ops = `cpt-${run}-ops`;
const providerName = `shared-${run}`;
/** The static key of the cluster provider: it must reach AWS for served tables, and never show in status/logs. */
const ACCESS_KEY = `AKIACLUSTER${run.toUpperCase()}`;
const SECRET_KEY = `cluster-secret-${run}-do-not-leak`;

const tableYaml = (name: string, tableName: string): string =>
  stringify({
    apiVersion: `${GROUP}/v1alpha1`,
    kind: 'DynamoDBTable',
    metadata: { name },
    spec: {
      tableName,
      providerRef: { kind: 'ClusterAWSProvider', name: providerName },
      billingMode: 'PAY_PER_REQUEST',
      hashKey: { name: 'ID', type: 'S' },
      deletionPolicy: 'Delete',
    },
  });

const createNamespace = (name: string, labels: Record<string, string> = {}): void => {
  const made = kubectl(['create', 'namespace', name]);
  if (made.code !== 0) throw new Error(`kubectl create namespace ${name}: ${made.stderr}`);
  for (const [k, v] of Object.entries(labels)) kubectl(['label', 'namespace', name, `${k}=${v}`]);
};

const applyIn = (ns: string, yaml: string) => kubectl(['apply', '-n', ns, '-f', '-'], { input: yaml });
const readyOf = (ns: string, name: string) => condition(getObj('dynamodbtables', ns, name), 'Ready');

describe('ClusterAWSProvider e2e: one provider serves ten namespaces, an eleventh is refused twice', function () {
  this.timeout(300_000);
  let dir: string;
  let dynalite: Emulator;
  let proxy: Recorder;
  let webhook: WebhookProcess | undefined;
  let reconciler: ReconcilerProc | undefined;
  const hooks = [`ddbop-e2e-cp-out-${process.pid}`, `ddbop-e2e-cp-in-${process.pid}`];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ddbop-cluster-provider-'));
    for (const ns of byGlob) createNamespace(ns);
    for (const ns of byLabel) createNamespace(ns, { [POOL_LABEL]: run });
    createNamespace(outsider);
    createNamespace(ops);
    dynalite = await startDynalite('cluster-provider-dynalite');
    proxy = await startRecordingProxy('cluster-provider-proxy', dynalite.endpoint);
    // The admin's objects: the Secret in the admin's namespace, the cluster-scoped provider.
    mustApply(
      stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'shared-creds' },
        stringData: { 'access-key-id': ACCESS_KEY, 'secret-access-key': SECRET_KEY },
      }),
      ops,
    );
    const applied = kubectl(['apply', '-f', '-'], {
      input: stringify({
        apiVersion: `${GROUP}/v1alpha1`,
        kind: 'ClusterAWSProvider',
        metadata: { name: providerName },
        spec: {
          region: 'us-east-1',
          endpoint: proxy.endpoint,
          credentialsSecret: { name: 'shared-creds', namespace: ops },
          namespaces: [`cpt-${run}-g*`],
          namespaceSelector: { matchLabels: { [POOL_LABEL]: run } },
        },
      }),
    });
    expect(applied.code, applied.stderr).to.equal(0);
  });

  after(async () => {
    for (const hook of hooks) unregisterWebhooks(hook);
    await webhook?.process.stop();
    await reconciler?.proc.stop();
    await proxy?.proc.stop();
    await dynalite?.proc.stop();
    kubectl(['delete', 'clusterawsprovider', providerName, '--ignore-not-found', '--wait=false']);
    for (const ns of [...served, outsider, ops]) deleteNamespace(ns);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the webhook refuses a table in a namespace the provider does not select, and admits one it selects', async () => {
    const cert = makeServingCert(['127.0.0.1']);
    writeCertDir(join(dir, 'certs'), cert, 'v1');
    webhook = await startWebhookProcess('cluster-provider-webhook', join(dir, 'certs'));
    await registerWebhooks(hooks[0] ?? '', outsider, webhook, cert.caPem);
    await registerWebhooks(hooks[1] ?? '', byLabel[0] ?? '', webhook, cert.caPem);

    const refused = applyIn(outsider, tableYaml('intruder', `cpt-${run}-intruder`));
    expect(refused.code).to.not.equal(0);
    expect(refused.stderr).to.contain('spec.providerRef.name');
    expect(refused.stderr).to.contain(`ClusterAWSProvider "${providerName}" does not serve namespace ${outsider}`);
    expect(refused.stderr).to.contain('ask the cluster admin');
    expect(getObj('dynamodbtables', outsider, 'intruder')).to.equal(undefined);

    // Selected by its label: admitted through the same webhook.
    const admitted = applyIn(byLabel[0] ?? '', tableYaml('t', `cpt-${run}-l0`));
    expect(admitted.code, admitted.stderr).to.equal(0);
  });

  it('with the webhook off, ten namespaces get Ready tables; the eleventh is PolicyDenied with no AWS call', async () => {
    for (const hook of hooks) unregisterWebhooks(hook);
    await webhook?.process.stop();
    webhook = undefined;
    for (const ns of served) {
      const applied = applyIn(ns, tableYaml('t', `${ns}`));
      expect(applied.code, applied.stderr).to.equal(0);
    }
    const forced = applyIn(outsider, tableYaml('intruder', `cpt-${run}-intruder`));
    expect(forced.code, forced.stderr).to.equal(0);

    reconciler = await startReconcilerProc('cluster-provider-reconciler', [...served, outsider, ops].join(','));

    await waitFor(
      'ClusterAWSProvider Ready',
      () => kubectl(['get', 'clusterawsprovider', providerName, '-o', 'jsonpath={.status.ready}']).stdout === 'true',
      { timeoutMs: 60_000 },
    );
    await waitFor('ten tables Ready', () => served.every((ns) => readyOf(ns, 't')?.status === 'True'), {
      timeoutMs: 120_000,
    });
    await waitFor('intruder PolicyDenied', () => readyOf(outsider, 'intruder')?.reason === 'PolicyDenied', {
      timeoutMs: 60_000,
    });

    const denied = readyOf(outsider, 'intruder');
    expect(denied?.status).to.equal('False');
    expect(denied?.message).to.contain(`does not serve namespace ${outsider}`);
    expect(condition(getObj('dynamodbtables', outsider, 'intruder'), 'Stalled')?.status).to.equal('True');
    // Every served table was created with the cluster provider's key; none of the outsider's reached AWS.
    for (const ns of served) expect(proxy.count('CreateTable', ns), ns).to.equal(1);
    expect(proxy.records().filter((r) => r.table === `cpt-${run}-intruder`)).to.deep.equal([]);
    expect(new Set(proxy.records().map((r) => r.keyId))).to.deep.equal(new Set([ACCESS_KEY]));

    // The provider's status says what it is, without the credential values.
    const status = kubectl(['get', 'clusterawsprovider', providerName, '-o', 'json']).stdout;
    expect(status).to.contain('AccountIdUnknown').and.not.contain(SECRET_KEY);
    // Its Event is where Kubernetes keeps a cluster-scoped object's: namespace default, no involved namespace.
    const events = kubectl([
      'get',
      'events',
      '-n',
      'default',
      '--field-selector',
      `involvedObject.kind=ClusterAWSProvider,involvedObject.name=${providerName}`,
      '-o',
      'jsonpath={.items[*].reason}',
    ]).stdout;
    expect(events).to.contain('AccountIdUnknown');
  });

  it('labelling the eleventh namespace into the pool lets its table through (selector evaluated again)', async () => {
    kubectl(['label', 'namespace', outsider, `${POOL_LABEL}=${run}`]);
    await waitFor(
      'intruder Ready once its namespace is selected',
      () => readyOf(outsider, 'intruder')?.status === 'True',
      {
        timeoutMs: 60_000,
      },
    );
    expect(proxy.count('CreateTable', `cpt-${run}-intruder`)).to.equal(1);
  });
});
