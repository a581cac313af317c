// Every object the chart renders — for the everything-on values, without cert-manager, and with
// PodMonitors — passes the real API server's validation (`kubectl apply --dry-run=server`), with
// cert-manager's and the Prometheus Operator's CRDs installed from the Go module proxy.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { repoRoot } from './support/env.ts';
import { applyYaml, kubectl } from './support/index.ts';
import { applyCertManagerCrds, installCertManager } from './support-chart/cert-manager.ts';
import { chartDir, helm, helmTemplate, withValuesFile } from './support-chart/helm.ts';
import type { K8sObject } from './support-chart/helm.ts';
import { applyMonitoringCrds } from './support-chart/monitoring-crds.ts';

const ns = `ddbop-dryrun-${randomBytes(3).toString('hex')}`;
const clusterScoped = new Set([
  'ClusterRole',
  'ClusterRoleBinding',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
]);

/** Server-side dry run of the objects, all moved into the test namespace (everything-on spreads them over several). */
function dryRun(objects: K8sObject[]): { code: number; stdout: string; stderr: string } {
  const moved = objects.map((o) =>
    clusterScoped.has(o.kind) ? o : { ...o, metadata: { ...o.metadata, namespace: ns } },
  );
  return applyYaml(moved.map((o) => JSON.stringify(o)).join('\n---\n'), ['--dry-run=server']);
}

describe('chart: every rendered object passes server-side validation', function () {
  this.timeout(300_000);

  before(function () {
    this.timeout(1_200_000);
    applyCertManagerCrds(installCertManager());
    applyMonitoringCrds();
    const r = applyYaml(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
    if (r.code !== 0) throw new Error(`creating ${ns}: ${r.stderr}`);
  });

  after(function () {
    kubectl(['delete', 'namespace', ns, '--wait=false']);
  });

  const cases: [string, object, string[]][] = [
    ['everything on', {}, [join(repoRoot, 'test', 'e2e', 'support-chart', 'everything-on.values.yaml')]],
    ['without cert-manager', { certManager: { enabled: false } }, []],
    [
      'PodMonitors, PrometheusRule and dashboard',
      {
        metrics: {
          podMonitor: { enabled: true },
          prometheusRule: { enabled: true },
          grafanaDashboard: { enabled: true },
        },
      },
      [],
    ],
  ];
  for (const [name, values, valuesFiles] of cases) {
    it(name, function () {
      const objects = helmTemplate(values, { namespace: ns, valuesFiles });
      const r = dryRun(objects);
      expect(r.code, `${r.stderr}${r.stdout}`).to.equal(0);
      const accepted = r.stdout.split('\n').filter((l) => l.endsWith('(server dry run)'));
      expect(accepted, r.stdout).to.have.length(objects.length);
    });
  }

  it('(the dry run really validates: a broken webhook configuration is refused)', function () {
    const objects = helmTemplate({}, { namespace: ns });
    const broken = objects.map((o) =>
      o.kind === 'ValidatingWebhookConfiguration' ? { ...o, webhooks: [{ name: 'no-dots', sideEffects: 'Maybe' }] } : o,
    );
    const r = dryRun(broken);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain('ValidatingWebhookConfiguration');
  });

  it('without cert-manager, helm install generates the certificate once and helm upgrade keeps it', function () {
    const release = `${ns}-gen`;
    // intercept nothing: a namespaceSelector no namespace matches keeps this release away from other suites
    const values = {
      certManager: { enabled: false },
      webhook: { namespaceSelectorExpressions: [{ key: 'ddbop-never', operator: 'In', values: ['never'] }] },
      // no node here to run the CRD upgrade Job
      crds: { upgradeJob: { enabled: false } },
    };
    const secretAndBundles = (): string[] => {
      const secret = JSON.parse(
        kubectl(['get', 'secret', `${release}-dynamodb-operator-webhook-tls`, '-n', ns, '-o', 'json']).stdout,
      ) as {
        data: Record<string, string>;
      };
      const bundles = ['validatingwebhookconfiguration', 'mutatingwebhookconfiguration'].map((kind) => {
        const c = JSON.parse(kubectl(['get', kind, `${release}-dynamodb-operator-webhook`, '-o', 'json']).stdout) as {
          webhooks: { clientConfig: { caBundle: string } }[];
        };
        return c.webhooks[0]?.clientConfig.caBundle ?? '';
      });
      return [secret.data['ca.crt'] ?? '', secret.data['tls.crt'] ?? '', ...bundles];
    };
    try {
      for (const verb of ['install', 'upgrade']) {
        const r = withValuesFile(values, (file) =>
          helm([verb, release, chartDir, '--namespace', ns, '--values', file]),
        );
        expect(r.code, `helm ${verb}: ${r.stderr}`).to.equal(0);
      }
      const [ca, cert, validating, mutating] = secretAndBundles();
      expect(ca).to.have.length.greaterThan(100);
      expect(validating).to.equal(ca);
      expect(mutating).to.equal(ca);
      const history = helm(['history', release, '--namespace', ns, '-o', 'json']);
      expect((JSON.parse(history.stdout) as unknown[]).length).to.equal(2);
      // a third revision still serves the very same certificate
      const again = withValuesFile(values, (file) =>
        helm(['upgrade', release, chartDir, '--namespace', ns, '--values', file]),
      );
      expect(again.code, again.stderr).to.equal(0);
      expect(secretAndBundles()).to.deep.equal([ca, cert, validating, mutating]);
    } finally {
      helm(['uninstall', release, '--namespace', ns]);
    }
  });
});
