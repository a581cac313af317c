// The chart's own webhook configurations against the real API server: the matchConditions that spare
// the webhook updates it could not change (a finalizer), and `webhook.admission: combined`, where one
// /admit call defaults and refuses what /validate would have refused.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { applyYaml, kubectl, makeServingCert, waitFor } from './support/index.ts';
import { helmTemplate } from './support-chart/helm.ts';
import type { K8sObject } from './support-chart/helm.ts';
import {
  createNamespace,
  deleteNamespace,
  startWebhookProcess,
  writeCertDir,
} from '../../packages/webhook/test/e2e/harness.ts';
import type { WebhookProcess } from '../../packages/webhook/test/e2e/harness.ts';

const GROUP = 'aws-infra-operator.runner.codes/v1alpha1';

describe('webhook e2e: the chart’s configurations (matchConditions, admission split|combined)', function () {
  this.timeout(180_000);
  const suffix = `${process.pid}`;
  let namespace: string;
  let certDir: string;
  let caPem: string;
  let webhook: WebhookProcess;
  const registered = new Set<string>();

  const count = async (path: string, extra = ''): Promise<number> => {
    const { text } = await webhook.httpGet('/metrics');
    return text
      .split('\n')
      .filter(
        (l) => l.startsWith('controller_runtime_webhook_') && l.includes(`webhook="${path}"`) && l.includes(extra),
      )
      .filter((l) =>
        l.startsWith(
          extra
            ? 'controller_runtime_webhook_admission_responses_total{'
            : 'controller_runtime_webhook_requests_total{',
        ),
      )
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
  };

  /** The chart's configurations for `admission`, pointed at our process and scoped to our namespace. */
  const register = async (admission: 'split' | 'combined'): Promise<void> => {
    const configs = helmTemplate({ webhook: { admission } }).filter((o: K8sObject) =>
      o.kind.endsWith('WebhookConfiguration'),
    );
    for (const name of registered) kubectl(['delete', '--ignore-not-found', name]);
    for (const c of configs) {
      c.metadata.name = `${c.metadata.name}-modes-${suffix}`;
      delete c.metadata.annotations?.['cert-manager.io/inject-ca-from'];
      for (const hook of c.webhooks as Record<string, unknown>[]) {
        const path = (hook.clientConfig as { service: { path: string } }).service.path;
        hook.clientConfig = {
          url: `https://127.0.0.1:${webhook.port}${path}`,
          caBundle: Buffer.from(caPem).toString('base64'),
        };
        hook.namespaceSelector = { matchLabels: { 'kubernetes.io/metadata.name': namespace } };
      }
      registered.add(`${c.kind.toLowerCase()}/${c.metadata.name}`);
    }
    const applied = applyYaml(configs.map((c) => stringify(c)).join('---\n'));
    expect(applied.code, applied.stderr).to.equal(0);
    const [wanted, stale] = admission === 'combined' ? ['/admit', '/validate'] : ['/validate', '/admit'];
    let settled = 0;
    await waitFor(
      `the API server calls ${wanted} and no longer ${stale}`,
      async () => {
        const before = [await count(wanted), await count(stale)];
        applyYaml(table('probe', 'probe'), ['--dry-run=server']);
        const after = [await count(wanted), await count(stale)];
        settled = after[0]! > before[0]! && after[1] === before[1] ? settled + 1 : 0;
        return settled >= 2;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  };

  /** A merge patch of the `orders` table, as `kubectl patch` sends it. */
  const patchOrders = (body: object) =>
    kubectl(['patch', 'dynamodbtables', 'orders', '-n', namespace, '--type=merge', '-p', JSON.stringify(body)]);

  const table = (name: string, tableName: string): string =>
    stringify({
      apiVersion: GROUP,
      kind: 'DynamoDBTable',
      metadata: { name, namespace },
      spec: {
        tableName,
        providerRef: { name: 'local' },
        billingMode: 'PAY_PER_REQUEST',
        hashKey: { name: 'id', type: 'S' },
      },
    });

  before(async () => {
    namespace = createNamespace('webhook-modes');
    // The provider first, while no webhook intercepts the namespace.
    const provider = applyYaml(
      stringify({
        apiVersion: GROUP,
        kind: 'AWSProvider',
        metadata: { name: 'local', namespace },
        spec: { region: 'us-east-1', endpoint: 'http://127.0.0.1:1' },
      }),
    );
    expect(provider.code, provider.stderr).to.equal(0);
    const cert = makeServingCert(['127.0.0.1']);
    caPem = cert.caPem;
    certDir = mkdtempSync(join(tmpdir(), 'ddbop-webhook-modes-'));
    writeCertDir(certDir, cert, 'v1');
    webhook = await startWebhookProcess('webhook-modes', certDir, ['--default-tags', 'owner-team=platform']);
  });

  after(async () => {
    for (const name of registered) kubectl(['delete', '--ignore-not-found', name]);
    if (namespace) {
      // No reconciler runs here: clear our test finalizer so the namespace can go.
      patchOrders({ metadata: { finalizers: null } });
      deleteNamespace(namespace);
    }
    await webhook?.process.stop();
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  it('split: the reconciler’s writes and labels are never sent; a control annotation is, to both webhooks', async () => {
    await register('split');
    const created = applyYaml(table('orders', 'modes-orders'));
    expect(created.code, created.stderr).to.equal(0);
    const calls = async () => ({ mutate: await count('/mutate'), validate: await count('/validate') });
    const patch = (body: object) => {
      const r = patchOrders(body);
      expect(r.code, r.stderr).to.equal(0);
    };
    const before = await calls();
    // What the reconciler writes on a create: its finalizer and its own annotations, in one patch.
    patch({
      metadata: {
        finalizers: ['example.com/test'],
        annotations: { 'dynamodb.aws-infra-operator.runner.codes/table-endpoint': 'aws' },
      },
    });
    expect(kubectl(['label', 'dynamodbtables', 'orders', '-n', namespace, 'team=a']).code).to.equal(0);
    expect(await calls()).to.deep.equal(before);
    // A control the rules judge (here refused: paused takes "true" or "false"), then a valid one, then
    // its removal: each is sent to both.
    const refused = kubectl([
      'annotate',
      'dynamodbtables',
      'orders',
      '-n',
      namespace,
      'aws-infra-operator.runner.codes/paused=yes',
    ]);
    expect(refused.code).to.not.equal(0);
    expect(refused.stderr).to.include('aws-infra-operator.runner.codes/paused');
    patch({ metadata: { annotations: { 'aws-infra-operator.runner.codes/paused': 'true' } } });
    patch({ metadata: { annotations: { 'aws-infra-operator.runner.codes/paused': null } } });
    expect(await calls()).to.deep.equal({ mutate: before.mutate + 3, validate: before.validate + 3 });
  });

  it('combined: one /admit call defaults a new table and refuses an immutable change with the field path', async () => {
    await register('combined');
    const calls = await count('/admit');
    const created = applyYaml(table('ledger', 'modes-ledger'));
    expect(created.code, created.stderr).to.equal(0);
    // One call: our own patch does not make the API server invoke us again (IfNeeded re-invokes only
    // for a change made by another plugin after us).
    expect(await count('/admit')).to.equal(calls + 1);
    const stored = JSON.parse(kubectl(['get', 'dynamodbtables', 'ledger', '-n', namespace, '-o', 'json']).stdout) as {
      spec: { tags?: Record<string, string> };
    };
    expect(stored.spec.tags).to.include({ 'owner-team': 'platform' });

    const denials = await count('/admit', 'allowed="false",admission_code="422"');
    const validateCalls = await count('/validate');
    const changed = applyYaml(table('ledger', 'modes-ledger-v2'));
    expect(changed.code).to.not.equal(0);
    expect(changed.stderr).to.include('spec.tableName');
    // Refused by /admit, before the CRD's own rule, and /validate was never asked.
    expect(await count('/admit', 'allowed="false",admission_code="422"')).to.equal(denials + 1);
    expect(await count('/validate')).to.equal(validateCalls);
  });
});
