// Client-certificate authentication of the API server by the webhook, end to end:
// a second kube-apiserver (own etcd prefix, so nothing it stores touches the shared one) started with
// the --admission-control-config-file and kubeconfig the chart README documents; the webhook started
// with --client-ca-file. The API server presents its client certificate and admission works; a caller
// without one does not get past the TLS handshake.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebhookProcess, webhookConfigurations, writeCertDir } from '../../packages/webhook/test/e2e/harness.ts';
import type { WebhookProcess } from '../../packages/webhook/test/e2e/harness.ts';
import { makeClientCert } from '../../packages/webhook/test/client-cert.ts';
import {
  freePort,
  kubectl,
  loadTestEnvFile,
  makeServingCert,
  startProcess,
  testEnv,
  waitFor,
} from './support/index.ts';
import type { ManagedProcess } from './support/index.ts';
import { testenvDir } from './support/env.ts';

describe('webhook e2e: the API server authenticates with a client certificate (--client-ca-file)', function () {
  this.timeout(300_000);
  const namespace = 'client-cert';
  let dir: string;
  let webhook: WebhookProcess;
  let apiserver: ManagedProcess;
  let server: string;
  let servingCa: string;
  let etcdEndpoint: string | undefined;
  const etcdPrefix = `/ddbop-client-cert-${process.pid}-${Date.now().toString(36)}`;
  const k = (args: string[], input?: string) =>
    kubectl(['--server', server, ...args], input === undefined ? {} : { input });

  before(async () => {
    const env = testEnv();
    dir = mkdtempSync(join(tmpdir(), 'ddbop-client-cert-'));
    // The API server's client identity towards the webhook, and the CA the webhook trusts for it.
    const client = makeClientCert('kube-apiserver-admission');
    writeFileSync(join(dir, 'client-ca.crt'), client.caPem);
    writeFileSync(join(dir, 'client.crt'), client.certPem);
    writeFileSync(join(dir, 'client.key'), client.keyPem);
    const serving = makeServingCert(['127.0.0.1']);
    servingCa = serving.caPem;
    const certDir = join(dir, 'serving');
    writeCertDir(certDir, serving, 'v1');
    webhook = await startWebhookProcess('webhook-client-cert', certDir, [
      '--client-ca-file',
      join(dir, 'client-ca.crt'),
      '--no-provider-cache',
    ]);

    // As in the chart README: for a webhook reached by URL, the kubeconfig user is named host:port.
    writeFileSync(
      join(dir, 'webhook-client.kubeconfig'),
      `apiVersion: v1
kind: Config
users:
  - name: '127.0.0.1:${webhook.port}'
    user:
      client-certificate: ${join(dir, 'client.crt')}
      client-key: ${join(dir, 'client.key')}
`,
    );
    const plugin = (name: string) => `  - name: ${name}
    configuration:
      apiVersion: apiserver.config.k8s.io/v1
      kind: WebhookAdmissionConfiguration
      kubeConfigFile: ${join(dir, 'webhook-client.kubeconfig')}`;
    writeFileSync(
      join(dir, 'admission.yaml'),
      `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
${plugin('ValidatingAdmissionWebhook')}
${plugin('MutatingAdmissionWebhook')}
`,
    );

    const pki = join(testenvDir, 'pki');
    const etcd = loadTestEnvFile().DDBOP_ETCD_ENDPOINT;
    if (!etcd) throw new Error('.testenv/env has no DDBOP_ETCD_ENDPOINT');
    const port = await freePort();
    server = `https://127.0.0.1:${port}`;
    etcdEndpoint = etcd;
    apiserver = startProcess(
      'kube-apiserver-client-cert',
      join(env.binDir, 'kube-apiserver'),
      [
        `--etcd-servers=${etcd}`,
        `--etcd-prefix=${etcdPrefix}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${port}`,
        `--cert-dir=${join(dir, 'apiserver')}`,
        `--tls-cert-file=${join(pki, 'apiserver.crt')}`,
        `--tls-private-key-file=${join(pki, 'apiserver.key')}`,
        `--client-ca-file=${join(pki, 'ca.crt')}`,
        '--authorization-mode=RBAC',
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${join(pki, 'sa.pub')}`,
        `--service-account-signing-key-file=${join(pki, 'sa.key')}`,
        '--service-cluster-ip-range=10.0.0.0/24',
        '--endpoint-reconciler-type=none',
        '--profiling=false',
        `--admission-control-config-file=${join(dir, 'admission.yaml')}`,
      ],
      { env: { ...process.env, NO_PROXY: '*', HTTPS_PROXY: '', HTTP_PROXY: '', https_proxy: '', http_proxy: '' } },
    );
    await waitFor(
      `second kube-apiserver ready (log ${apiserver.logFile})`,
      () => k(['get', '--raw', '/readyz']).stdout.trim() === 'ok',
      { timeoutMs: 180_000, intervalMs: 500 },
    );
    const crds = k(['apply', '-f', join(env.root, 'charts', 'dynamodb-operator', 'crds')]);
    if (crds.code !== 0) throw new Error(`CRDs: ${crds.stderr}`);
    k(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']);
    if (k(['create', 'namespace', namespace]).code !== 0) throw new Error('namespace');
    const registered = k(
      ['apply', '-f', '-'],
      webhookConfigurations('client-cert', namespace, webhook.port, servingCa),
    );
    if (registered.code !== 0) throw new Error(`registering: ${registered.stderr}`);
  });
  after(async () => {
    await apiserver?.stop();
    await webhook?.process.stop();
    // What the second API server stored lives under its own prefix: remove it (etcd's JSON gateway).
    if (etcdEndpoint) {
      const b64 = (text: string) => Buffer.from(text).toString('base64');
      await fetch(`${etcdEndpoint}/v3/kv/deleterange`, {
        method: 'POST',
        body: JSON.stringify({ key: b64(`${etcdPrefix}/`), range_end: b64(`${etcdPrefix}0`) }),
      }).catch(() => undefined);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const provider = (name: string, region: string) => `apiVersion: aws-infra-operator.runner.codes/v1alpha1
kind: AWSProvider
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  region: ${region}
`;

  it('admits through the API server, which presents its client certificate, and relays the warnings', async () => {
    // The API server picks the configurations up from its informer: dry-run until the webhook is called.
    const before = await webhook.requestCount();
    await waitFor('the API server calls the webhook', async () => {
      k(['apply', '--dry-run=server', '-f', '-'], provider('probe', 'us-east-1'));
      return (await webhook.requestCount()) >= before + 2;
    });
    const created = k(['apply', '-f', '-'], provider('moving', 'us-east-1'));
    expect(created.code, created.stderr).to.equal(0);
    // Only the webhook says this: the API server reached it through the client-certificate handshake.
    const moved = k(['apply', '-f', '-'], provider('moving', 'eu-west-1'));
    expect(moved.code, moved.stderr).to.equal(0);
    expect(moved.stderr).to.match(/Warning: spec\.region: .*tables already created stay in us-east-1/);
  });

  it('refuses a caller without the client certificate at the TLS handshake', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: webhook.port,
          path: '/validate',
          method: 'POST',
          agent: new Agent({ ca: servingCa }),
          headers: { 'content-type': 'application/json' },
        },
        (res) => resolve(`HTTP ${res.statusCode}`),
      );
      req.on('error', (error) => resolve(error.message));
      req.end('{}');
    });
    expect(outcome).to.not.match(/^HTTP/);
    expect(outcome).to.match(/certificate|handshake|alert|socket hang up|ECONNRESET/i);
  });
});
