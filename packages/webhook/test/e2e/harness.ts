// Shared by the webhook e2e suites (test/e2e/webhook*.test.ts): the webhook as a real process with a
// test serving certificate, and its registration with the real API server (url + caBundle), scoped by
// namespaceSelector to one test namespace so that suites running beside it are never intercepted.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { API_GROUP, API_VERSION } from '@dynamodb-operator/api';
import { applyYaml, freePort, kubectl, startProcess, testEnv, waitFor } from '../../../../test/e2e/support/index.ts';
import type { ManagedProcess, ServingCert } from '../../../../test/e2e/support/index.ts';

export interface WebhookProcess {
  process: ManagedProcess;
  port: number;
  metricsPort: number;
  certDir: string;
  httpGet(path: string): Promise<{ status: number; text: string }>;
  /** Sum of controller_runtime_webhook_requests_total over all labels. */
  requestCount(): Promise<number>;
}

/** A cert dir laid out like a kubelet Secret mount: tls.* → ..data/tls.*, ..data → ..<version>. */
export function writeCertDir(dir: string, cert: ServingCert, version: string): void {
  const versionDir = join(dir, `..${version}`);
  mkdirSync(versionDir, { recursive: true });
  writeFileSync(join(versionDir, 'tls.crt'), cert.certPem);
  writeFileSync(join(versionDir, 'tls.key'), cert.keyPem);
  // The atomic swap kubelet does: a new symlink renamed over ..data.
  const tmp = join(dir, '..data_tmp');
  rmSync(tmp, { force: true });
  symlinkSync(`..${version}`, tmp);
  renameSync(tmp, join(dir, '..data'));
  for (const file of ['tls.crt', 'tls.key']) {
    try {
      symlinkSync(join('..data', file), join(dir, file));
    } catch {
      /* already linked through ..data */
    }
  }
}

export function httpGet(port: number, path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    }).on('error', reject);
  });
}

export async function startWebhookProcess(
  name: string,
  certDir: string,
  extraArgs: string[] = [],
): Promise<WebhookProcess> {
  const env = testEnv();
  const port = await freePort();
  const metricsPort = await freePort();
  const proc = startProcess(name, process.execPath, [
    join(env.root, 'packages', 'webhook', 'src', 'main.ts'),
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--metrics-port',
    String(metricsPort),
    '--cert-dir',
    certDir,
    '--kubeconfig',
    env.kubeconfig,
    '--log-level',
    'debug',
    ...extraArgs,
  ]);
  await waitFor(
    `webhook ${name} ready on :${metricsPort}/readyz (log ${proc.logFile})`,
    async () => (await httpGet(metricsPort, '/readyz').catch(() => ({ status: 0 }))).status === 200,
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  const requestCount = async (): Promise<number> => {
    const { text } = await httpGet(metricsPort, '/metrics');
    return text
      .split('\n')
      .filter((line) => line.startsWith('controller_runtime_webhook_requests_total{'))
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  };
  return { process: proc, port, metricsPort, certDir, httpGet: (path) => httpGet(metricsPort, path), requestCount };
}

/** Plurals of our kinds, from the generated CRDs the root hook applied. */
export function ourPlurals(): string[] {
  const dir = join(testEnv().root, 'charts', 'dynamodb-operator', 'crds');
  const plurals: string[] = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const crd = doc.toJS() as { spec?: { group?: string; names?: { plural?: string } } } | null;
      if (crd?.spec?.group === API_GROUP && crd.spec.names?.plural) plurals.push(crd.spec.names.plural);
    }
  }
  return plurals;
}

export function webhookConfigurations(name: string, namespace: string, port: number, caBundlePem: string): string {
  const caBundle = Buffer.from(caBundlePem).toString('base64');
  const plurals = JSON.stringify(ourPlurals());
  const hook = (kind: 'validate' | 'mutate') => `
  - name: ${kind}.${name}.${API_GROUP}
    admissionReviewVersions: [v1]
    sideEffects: None
    failurePolicy: Fail
    timeoutSeconds: 5
    clientConfig:
      url: https://127.0.0.1:${port}/${kind}
      caBundle: ${caBundle}
    namespaceSelector:
      matchLabels:
        kubernetes.io/metadata.name: ${namespace}
    rules:
      - apiGroups: [${API_GROUP}]
        apiVersions: [${API_VERSION}]
        resources: ${plurals}
        operations: [CREATE, UPDATE]
        scope: Namespaced`;
  return `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: ${name}
webhooks:${hook('mutate')}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: ${name}
webhooks:${hook('validate')}
`;
}

/** Registers both configurations and waits until the API server calls the webhook. */
export async function registerWebhooks(
  name: string,
  namespace: string,
  webhook: WebhookProcess,
  caBundlePem: string,
): Promise<void> {
  const applied = applyYaml(webhookConfigurations(name, namespace, webhook.port, caBundlePem));
  if (applied.code !== 0) throw new Error(`registering webhooks failed: ${applied.stderr}`);
  // The API server picks configurations up from its own informer: wait until a request reaches us.
  const probe = `apiVersion: ${API_GROUP}/${API_VERSION}
kind: AWSProvider
metadata:
  name: webhook-probe
  namespace: ${namespace}
spec:
  region: us-east-1
`;
  const before = await webhook.requestCount();
  await waitFor(
    `API server calls webhook ${name}`,
    async () => {
      applyYaml(probe, ['--dry-run=server']);
      return (await webhook.requestCount()) >= before + 2;
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
}

export function unregisterWebhooks(name: string): void {
  kubectl(['delete', 'mutatingwebhookconfiguration', name, '--ignore-not-found']);
  kubectl(['delete', 'validatingwebhookconfiguration', name, '--ignore-not-found']);
}

export function createNamespace(prefix: string): string {
  const namespace = `${prefix}-${Date.now().toString(36)}`;
  const created = kubectl(['create', 'namespace', namespace]);
  if (created.code !== 0) throw new Error(`kubectl create namespace ${namespace}: ${created.stderr}`);
  return namespace;
}

export function deleteNamespace(namespace: string): void {
  kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
}
