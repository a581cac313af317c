// `helm install` of the chart into the real test API server (server-side validation of every object),
// with real cert-manager (controller + cainjector built from the Go module proxy) issuing the webhook's
// certificate and injecting its CA, RBAC proven with the API server's authorizer, and both deployables
// started with the args and env of the rendered Deployments under their own ServiceAccounts' tokens.
//
// The API server is shared with other suites: the release's webhook configurations only intercept the
// test's own labelled namespace, and the reconciler only watches that namespace.
import { expect } from 'chai';
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { parse } from 'yaml';
import { applyYaml, freePort, kubectl, startProcess, testEnv, waitFor } from './support/index.ts';
import type { ManagedProcess } from './support/index.ts';
import { applyCertManagerCrds, installCertManager, startCertManager } from './support-chart/cert-manager.ts';
import { chartDir, helm, withValuesFile } from './support-chart/helm.ts';
import { serviceAccountKubeconfig } from './support-chart/kubeconfig.ts';
import { localArgs, renderedProcess } from './support-chart/rendered.ts';

const id = randomBytes(3).toString('hex');
const release = `ddbop-${id}`;
const ns = `ddbop-chart-${id}`;
const tablesNs = `ddbop-chart-tables-${id}`;
const fullname = `${release}-dynamodb-operator`;
const webhookSa = `${fullname}-webhook`;
const reconcilerSa = `${fullname}-reconciler`;
const leaseId = `ddbop-chart-${id}`;

interface Ports {
  webhook: number;
  webhookMetrics: number;
  reconcilerMetrics: number;
  reconcilerHealth: number;
}

function releaseValues(ports: Ports): object {
  return {
    webhook: {
      securePort: ports.webhook,
      metricsPort: ports.webhookMetrics,
      // the API server reaches the local webhook process over loopback; the issued cert carries the IP
      url: `https://127.0.0.1:${ports.webhook}`,
      timeoutSeconds: 10,
      namespaceSelectorExpressions: [{ key: 'ddbop-chart-test', operator: 'In', values: [id] }],
    },
    defaultTags: { 'installed-by': 'chart-test' },
    // The chart's tenancy default allows AWS's endpoints only: the emulator's loopback one explicitly.
    tenancy: { endpoints: ['http://127.0.0.1:*'] },
    certManager: { extraIpAddresses: ['127.0.0.1'] },
    // no node here to run the CRD upgrade Job (the root hook applied the CRDs); cluster-release runs it
    crds: { upgradeJob: { enabled: false } },
    reconciler: {
      metricsPort: ports.reconcilerMetrics,
      healthPort: ports.reconcilerHealth,
      watchNamespace: tablesNs,
      leaderElection: { id: leaseId },
      resyncPeriod: '1m',
      rbac: { secrets: { scope: 'namespaces', namespaces: [tablesNs], resourceNames: ['aws-credentials'] } },
    },
  };
}

function getJson<T>(args: string[]): T {
  const r = kubectl([...args, '-o', 'json']);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

interface Condition {
  type: string;
  status: string;
}
const isReady = (kind: string, name: string): boolean => {
  const o = getJson<{ status?: { conditions?: Condition[] } }>(['get', kind, name, '-n', ns]);
  return (o.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
};

/** `kubectl auth can-i` as a ServiceAccount: the API server's authorizer decides. */
function canI(sa: string, verb: string, resource: string, namespace?: string): boolean {
  const scope = namespace === undefined ? ['--all-namespaces'] : ['-n', namespace];
  const r = kubectl(['auth', 'can-i', verb, resource, ...scope, `--as=system:serviceaccount:${ns}:${sa}`]);
  const answer = r.stdout.trim();
  if (answer !== 'yes' && answer !== 'no')
    throw new Error(`kubectl auth can-i ${verb} ${resource}: ${r.stderr}${r.stdout}`);
  return answer === 'yes';
}

async function httpOk(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url);
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}

function peerCertificate(port: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const raw = socket.getPeerCertificate().raw;
      socket.end();
      resolve(raw);
    });
    socket.on('error', reject);
  });
}

describe('chart: helm install into the real API server with cert-manager', function () {
  this.timeout(180_000);
  let ports: Ports;
  let installOutput = '';
  const processes: ManagedProcess[] = [];

  before(async function () {
    this.timeout(1_200_000); // first run on a machine builds cert-manager
    const certManager = installCertManager();
    applyCertManagerCrds(certManager);
    ports = {
      webhook: await freePort(),
      webhookMetrics: await freePort(),
      reconcilerMetrics: await freePort(),
      reconcilerHealth: await freePort(),
    };
    for (const [name, labels] of [
      [ns, {}],
      [tablesNs, { 'ddbop-chart-test': id }],
    ] as const) {
      const r = applyYaml(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }));
      if (r.code !== 0) throw new Error(`creating namespace ${name}: ${r.stderr}`);
    }
    const result = withValuesFile(releaseValues(ports), (file) =>
      helm(['install', release, chartDir, '--namespace', ns, '--values', file]),
    );
    if (result.code !== 0) throw new Error(`helm install failed:\n${result.stderr}${result.stdout}`);
    installOutput = result.stdout;
    processes.push(...startCertManager(certManager, ns));
  });

  after(async function () {
    this.timeout(120_000);
    // tables first, while the reconciler still runs to remove its finalizer
    kubectl(['delete', 'dynamodbtables,dynamodbs,awsproviders', '--all', '-n', tablesNs, '--wait=false']);
    await waitFor(
      'test tables to be gone',
      () => kubectl(['get', 'dynamodbtables', '-n', tablesNs, '-o', 'name']).stdout.trim() === '',
      { timeoutMs: 60_000 },
    ).catch(() => undefined);
    for (const p of processes.reverse()) await p.stop();
    helm(['uninstall', release, '--namespace', ns]);
    kubectl(['delete', 'namespace', ns, tablesNs, '--wait=false']);
  });

  it('is deployed, and NOTES.txt tells the user what to do next', function () {
    const status = helm(['status', release, '--namespace', ns, '-o', 'json']);
    expect(status.code, status.stderr).to.equal(0);
    expect((JSON.parse(status.stdout) as { info: { status: string } }).info.status).to.equal('deployed');
    expect(installOutput).to.contain(`kubectl -n ${ns} rollout status deploy/${fullname}-webhook`);
    expect(installOutput).to.contain(`kubectl -n ${ns} get certificate ${fullname}-webhook`);
    expect(installOutput).to.contain('kind: AWSProvider');
    // What the (default) tenancy policy allows, plus this release's loopback grant.
    expect(installOutput).to.contain("act as the operator's own AWS identity (no keys, no role): nowhere");
    expect(installOutput).to.contain("endpoints: AWS's own and [http://127.0.0.1:*]");
  });

  it('stored the Deployments with the chart args and the restricted security context', function () {
    const webhook = getJson<{
      spec: {
        replicas: number;
        template: { spec: { containers: { args: string[]; securityContext: Record<string, unknown> }[] } };
      };
    }>(['get', 'deployment', `${fullname}-webhook`, '-n', ns]);
    expect(webhook.spec.replicas).to.equal(2);
    expect(webhook.spec.template.spec.containers[0]?.args).to.include(`--port=${ports.webhook}`);
    expect(webhook.spec.template.spec.containers[0]?.securityContext).to.include({ readOnlyRootFilesystem: true });
    const reconciler = getJson<{
      spec: { replicas: number; template: { spec: { containers: { args: string[] }[] } } };
    }>(['get', 'deployment', `${fullname}-reconciler`, '-n', ns]);
    expect(reconciler.spec.replicas).to.equal(1);
    expect(reconciler.spec.template.spec.containers[0]?.args).to.include('--leader-elect');
    const pdb = getJson<{ spec: { minAvailable: number } }>(['get', 'pdb', `${fullname}-webhook`, '-n', ns]);
    expect(pdb.spec.minAvailable).to.equal(1);
  });

  it('stored both webhook configurations with Fail, None, Equivalent and the cert-manager annotation', function () {
    for (const kind of ['validatingwebhookconfiguration', 'mutatingwebhookconfiguration']) {
      const config = getJson<{
        metadata: { annotations: Record<string, string> };
        webhooks: { failurePolicy: string; sideEffects: string; matchPolicy: string; timeoutSeconds: number }[];
      }>(['get', kind, `${fullname}-webhook`]);
      expect(config.metadata.annotations['cert-manager.io/inject-ca-from']).to.equal(`${ns}/${fullname}-webhook`);
      expect(config.webhooks[0]).to.include({
        failurePolicy: 'Fail',
        sideEffects: 'None',
        matchPolicy: 'Equivalent',
        timeoutSeconds: 10,
      });
    }
  });

  describe('RBAC, decided by the API server authorizer', function () {
    it('lets the webhook list and watch (Cluster)AWSProviders and namespaces and nothing else', function () {
      for (const resource of [
        'awsproviders.aws-infra-operator.runner.codes',
        'clusterawsproviders.aws-infra-operator.runner.codes',
        'namespaces',
      ]) {
        expect(canI(webhookSa, 'list', resource), resource).to.equal(true);
        expect(canI(webhookSa, 'watch', resource), resource).to.equal(true);
      }
      expect(canI(webhookSa, 'update', 'namespaces')).to.equal(false);
      expect(canI(webhookSa, 'update', 'awsproviders.aws-infra-operator.runner.codes', tablesNs)).to.equal(false);
      expect(canI(webhookSa, 'list', 'dynamodbtables.aws-infra-operator.runner.codes')).to.equal(false);
      expect(canI(webhookSa, 'get', 'secrets', tablesNs)).to.equal(false);
      expect(canI(webhookSa, 'list', 'secrets', ns)).to.equal(false);
      expect(canI(webhookSa, 'create', 'events', tablesNs)).to.equal(false);
    });

    it('lets the reconciler manage its kinds, status, finalizers, Events and its Lease', function () {
      for (const plural of ['dynamodbtables', 'dynamodbs', 'awsproviders', 'clusterawsproviders']) {
        const resource = `${plural}.aws-infra-operator.runner.codes`;
        for (const verb of ['get', 'list', 'watch', 'update', 'patch'])
          expect(canI(reconcilerSa, verb, resource), `${verb} ${plural}`).to.equal(true);
        expect(canI(reconcilerSa, 'update', `${resource}/status`), `${plural}/status`).to.equal(true);
        expect(canI(reconcilerSa, 'update', `${resource}/finalizers`), `${plural}/finalizers`).to.equal(true);
        expect(canI(reconcilerSa, 'delete', resource), `delete ${plural}`).to.equal(false);
        expect(canI(reconcilerSa, 'create', resource), `create ${plural}`).to.equal(false);
      }
      expect(canI(reconcilerSa, 'watch', 'namespaces')).to.equal(true);
      expect(canI(reconcilerSa, 'update', 'namespaces')).to.equal(false);
      expect(canI(reconcilerSa, 'create', 'events', tablesNs)).to.equal(true);
      expect(canI(reconcilerSa, 'patch', 'events.events.k8s.io', tablesNs)).to.equal(true);
      expect(canI(reconcilerSa, 'create', 'leases.coordination.k8s.io', ns)).to.equal(true);
      expect(canI(reconcilerSa, 'update', `leases.coordination.k8s.io/${leaseId}`, ns)).to.equal(true);
      expect(canI(reconcilerSa, 'update', 'leases.coordination.k8s.io/someone-elses-lease', ns)).to.equal(false);
      expect(canI(reconcilerSa, 'create', 'leases.coordination.k8s.io', 'default')).to.equal(false);
    });

    it('lets the reconciler read only the named Secrets in the configured namespace', function () {
      expect(canI(reconcilerSa, 'get', 'secrets/aws-credentials', tablesNs)).to.equal(true);
      expect(canI(reconcilerSa, 'watch', 'secrets/aws-credentials', tablesNs)).to.equal(true);
      expect(canI(reconcilerSa, 'get', 'secrets/someone-elses', tablesNs)).to.equal(false);
      expect(canI(reconcilerSa, 'list', 'secrets', tablesNs)).to.equal(false);
      expect(canI(reconcilerSa, 'get', 'secrets/aws-credentials', ns)).to.equal(false);
      expect(canI(reconcilerSa, 'get', 'secrets', 'kube-system')).to.equal(false);
      expect(canI(reconcilerSa, 'list', 'secrets')).to.equal(false);
      expect(canI(reconcilerSa, 'create', 'secrets', tablesNs)).to.equal(false);
      expect(canI(reconcilerSa, 'list', 'configmaps', tablesNs)).to.equal(false);
    });

    it("lets the reconciler watch a named Secret the way its Secret watch does (a real request, the API server's own authorization)", function () {
      const as = `--as=system:serviceaccount:${ns}:${reconcilerSa}`;
      const byName = ['get', 'secrets', '-n', tablesNs, '--field-selector', 'metadata.name=aws-credentials', as];
      const list = kubectl([...byName, '-o', 'name']);
      expect(list.code, list.stderr).to.equal(0);
      const watch = kubectl([...byName, '--watch', '--request-timeout=1s', '-o', 'name']);
      expect(watch.stderr).not.to.match(/forbidden/i);
      const everything = kubectl(['get', 'secrets', '-n', tablesNs, as]);
      expect(everything.code).to.not.equal(0);
      expect(everything.stderr).to.match(/forbidden/i);
      const other = kubectl(['get', 'secrets', '-n', tablesNs, '--field-selector', 'metadata.name=other', as]);
      expect(other.stderr).to.match(/forbidden/i);
    });
  });

  describe('with real cert-manager', function () {
    let certDir: string;
    let caPem: string;
    let servingPem: string;

    it('makes the self-signed Issuer, CA Certificate, CA Issuer and serving Certificate Ready', async function () {
      for (const [kind, name] of [
        ['issuer', `${fullname}-selfsigned`],
        ['certificate', `${fullname}-ca`],
        ['issuer', `${fullname}-ca`],
        ['certificate', `${fullname}-webhook`],
      ] as const) {
        await waitFor(`${kind} ${name} Ready`, () => isReady(kind, name), { timeoutMs: 90_000, intervalMs: 500 });
      }
      const secret = getJson<{ data: Record<string, string> }>(['get', 'secret', `${fullname}-webhook-tls`, '-n', ns]);
      const decode = (k: string): string => Buffer.from(secret.data[k] ?? '', 'base64').toString();
      caPem = decode('ca.crt');
      servingPem = decode('tls.crt');
      const serving = new X509Certificate(servingPem);
      expect(serving.verify(new X509Certificate(caPem).publicKey), 'serving cert signed by the chart CA').to.equal(
        true,
      );
      expect(serving.subjectAltName).to.contain(`DNS:${fullname}-webhook.${ns}.svc`);
      expect(serving.subjectAltName).to.contain('IP Address:127.0.0.1');
      certDir = mkdtempSync(join(tmpdir(), 'ddbop-serving-certs-'));
      writeFileSync(join(certDir, 'tls.crt'), servingPem);
      writeFileSync(join(certDir, 'tls.key'), decode('tls.key'), { mode: 0o600 });
    });

    it('injects the CA into both webhook configurations', async function () {
      for (const kind of ['validatingwebhookconfiguration', 'mutatingwebhookconfiguration']) {
        const bundle = await waitFor(
          `caBundle injected into ${kind}`,
          () => {
            const c = getJson<{ webhooks: { clientConfig: { caBundle?: string } }[] }>([
              'get',
              kind,
              `${fullname}-webhook`,
            ]);
            return c.webhooks[0]?.clientConfig.caBundle;
          },
          { timeoutMs: 60_000, intervalMs: 500 },
        );
        expect(Buffer.from(bundle, 'base64').toString()).to.equal(caPem);
      }
    });

    it('rejects a bad spec through the injected CA, served by the webhook with the rendered args and the issued certificate', async function () {
      const p = renderedProcess('webhook', releaseValues(ports), { release, namespace: ns });
      const kubeconfig = serviceAccountKubeconfig(ns, webhookSa);
      const webhook = startProcess(
        `chart-webhook-${id}`,
        process.execPath,
        [p.script, ...localArgs(p, { 'serving-certs': certDir })],
        {
          env: { ...process.env, ...p.env, KUBECONFIG: kubeconfig },
        },
      );
      processes.push(webhook);
      await waitFor('webhook /readyz', () => httpOk(`http://127.0.0.1:${ports.webhookMetrics}/readyz`), {
        timeoutMs: 30_000,
      }).catch((err: Error) => {
        throw new Error(`${err.message}\nwebhook log:\n${webhook.logs()}`);
      });
      const served = await peerCertificate(ports.webhook);
      expect(new X509Certificate(served).fingerprint256).to.equal(new X509Certificate(servingPem).fingerprint256);

      const bad = applyYaml(
        [
          'apiVersion: aws-infra-operator.runner.codes/v1alpha1',
          'kind: DynamoDBTable',
          'metadata: {name: bad-table, namespace: ' + tablesNs + '}',
          'spec:',
          '  tableName: bad-table',
          '  providerRef: {name: emulator}',
          '  billingMode: PAY_PER_REQUEST',
          '  hashKey: {name: ID, type: "S"}',
          '  globalSecondaryIndexes: [{indexName: by-email, hashKey: email, projectionType: ALL}]',
        ].join('\n'),
      );
      expect(bad.code, bad.stdout).to.not.equal(0);
      // a denial from the webhook with the field path and the fix
      expect(bad.stderr, bad.stderr).to.contain('spec.globalSecondaryIndexes[0].hashKey');
      expect(bad.stderr).to.contain('add {name: email');
      // ...and it was this webhook process that decided: its own counter of denials moved
      const metrics = await httpOk(`http://127.0.0.1:${ports.webhookMetrics}/metrics`);
      expect(metrics).to.match(
        /^controller_runtime_webhook_admission_responses_total\{[^}]*allowed="false"[^}]*\} [1-9]/m,
      );
      expect(kubectl(['get', 'dynamodbtable', 'bad-table', '-n', tablesNs]).code).to.not.equal(0);
    });

    it('reconciles with the rendered args under its own ServiceAccount: leader, metrics, a table Ready in moto', async function () {
      const p = renderedProcess('reconciler', releaseValues(ports), { release, namespace: ns });
      const kubeconfig = serviceAccountKubeconfig(ns, reconcilerSa);
      const reconciler = startProcess(`chart-reconciler-${id}`, process.execPath, [p.script, ...localArgs(p)], {
        env: { ...process.env, ...p.env, KUBECONFIG: kubeconfig },
      });
      processes.push(reconciler);
      const fail = (err: Error): never => {
        throw new Error(`${err.message}\nreconciler log:\n${reconciler.logs()}`);
      };
      await waitFor('reconciler /healthz', () => httpOk(`http://127.0.0.1:${ports.reconcilerHealth}/healthz`), {
        timeoutMs: 30_000,
      }).catch(fail);
      await waitFor(
        `Lease ${leaseId} held by the reconciler`,
        () => getJson<{ spec: { holderIdentity?: string } }>(['get', 'lease', leaseId, '-n', ns]).spec.holderIdentity,
        { timeoutMs: 30_000 },
      ).catch(fail);
      const metrics = await waitFor(
        'leader_election_master_status 1',
        async () => {
          const text = await httpOk(`http://127.0.0.1:${ports.reconcilerMetrics}/metrics`);
          return text && /^leader_election_master_status\{[^}]*\} 1$/m.test(text) ? text : undefined;
        },
        { timeoutMs: 30_000 },
      ).catch(fail);
      expect(metrics).to.contain('controller_runtime_reconcile_total');

      const motoEndpoint = testEnv().motoEndpoint;
      const tableName = `chart-smoke-${id}`;
      const applied = applyYaml(
        [
          'apiVersion: v1',
          'kind: Secret',
          `metadata: {name: aws-credentials, namespace: ${tablesNs}}`,
          'stringData: {access-key-id: test, secret-access-key: test}',
          '---',
          'apiVersion: aws-infra-operator.runner.codes/v1alpha1',
          'kind: AWSProvider',
          `metadata: {name: emulator, namespace: ${tablesNs}}`,
          'spec:',
          '  region: us-east-1',
          `  endpoint: ${motoEndpoint}`,
          '  accessKeyIDRef: {name: aws-credentials, key: access-key-id}',
          '  secretAccessKeyRef: {name: aws-credentials, key: secret-access-key}',
          '---',
          'apiVersion: aws-infra-operator.runner.codes/v1alpha1',
          'kind: DynamoDBTable',
          `metadata: {name: smoke, namespace: ${tablesNs}}`,
          'spec:',
          `  tableName: ${tableName}`,
          '  providerRef: {name: emulator}',
          '  billingMode: PAY_PER_REQUEST',
          '  hashKey: {name: ID, type: "S"}',
          '  deletionPolicy: Delete',
        ].join('\n'),
      );
      expect(applied.code, applied.stderr).to.equal(0);
      // the mutating webhook (rendered --default-tags) filled in the chart's default tag
      const stored = getJson<{ spec: { tags?: Record<string, string> } }>([
        'get',
        'dynamodbtable',
        'smoke',
        '-n',
        tablesNs,
      ]);
      expect(stored.spec.tags?.['installed-by']).to.equal('chart-test');
      const status = await waitFor(
        'DynamoDBTable smoke Ready',
        () => {
          const o = getJson<{ status?: { ready?: boolean; tableArn?: string } }>([
            'get',
            'dynamodbtable',
            'smoke',
            '-n',
            tablesNs,
          ]);
          return o.status?.ready === true ? o.status : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 500 },
      ).catch(fail);
      expect(status.tableArn).to.contain(`table/${tableName}`);
    });
  });

  it('rendered and installed the same Deployment spec (the processes above ran what the cluster would)', function () {
    const manifest = helm(['get', 'manifest', release, '--namespace', ns]);
    expect(manifest.code, manifest.stderr).to.equal(0);
    const docs = manifest.stdout
      .split(/^---$/m)
      .map((d) => parse(d) as { kind?: string; metadata?: { name: string } } | null);
    const deployments = docs.filter((d) => d?.kind === 'Deployment').map((d) => d?.metadata?.name);
    expect(deployments.sort()).to.deep.equal([`${fullname}-reconciler`, `${fullname}-webhook`]);
    const stored = getJson<{ spec: { template: { spec: { containers: { args: string[] }[] } } } }>([
      'get',
      'deployment',
      `${fullname}-webhook`,
      '-n',
      ns,
    ]);
    const rendered = renderedProcess('webhook', releaseValues(ports), { release, namespace: ns });
    expect(stored.spec.template.spec.containers[0]?.args).to.deep.equal(rendered.args);
  });
});
