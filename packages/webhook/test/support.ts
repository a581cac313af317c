// In-process webhook for unit tests: a throw-away serving certificate, port 0, silent logs, a fixed
// provider map, and a keep-alive HTTPS client that trusts the test CA.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { pino } from 'pino';
import { makeServingCert } from '../../../test/e2e/support/certs.ts';
import { nonEmpty } from '../../../test/support/fixtures.ts';
import type { ServingCert } from '../../../test/e2e/support/certs.ts';
import { startWebhook } from '../src/server.ts';
import type { WebhookConfig, WebhookHandle } from '../src/server.ts';
import { staticProviders } from '../src/providers/lookup.ts';

const repoRoot = join(import.meta.dirname, '..', '..', '..');

export interface TestWebhook {
  handle: WebhookHandle;
  certDir: string;
  cert: ServingCert;
  agent: Agent;
  post(path: string, body: string | Buffer, headers?: Record<string, string>): Promise<HttpResult>;
  close(): Promise<void>;
}

export interface HttpResult {
  status: number;
  text: string;
  json(): unknown;
}

let cachedCert: ServingCert | undefined;
/** One certificate per test run: openssl takes a while. */
export function testCert(): ServingCert {
  cachedCert ??= makeServingCert(['127.0.0.1', 'localhost']);
  return cachedCert;
}

export function writeCert(dir: string, cert: ServingCert): void {
  writeFileSync(join(dir, 'tls.crt'), cert.certPem);
  writeFileSync(join(dir, 'tls.key'), cert.keyPem);
}

export function httpsPost(
  agent: Agent,
  port: number,
  path: string,
  body: string | Buffer,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, text, json: () => JSON.parse(text) as unknown });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function startTestWebhook(overrides: Partial<WebhookConfig> = {}): Promise<TestWebhook> {
  const cert = testCert();
  const certDir = mkdtempSync(join(tmpdir(), 'ddbop-webhook-test-'));
  writeCert(certDir, cert);
  const handle = await startWebhook({
    port: 0,
    host: '127.0.0.1',
    certDir,
    metricsPort: 0,
    defaultTags: { 'owner-team': 'platform' },
    providers: staticProviders({
      'default/localstack': { defaultTags: { 'managed-by': 'infra-operator', environment: 'test' } },
    }),
    logger: pino({ level: 'silent' }),
    ...overrides,
  });
  const agent = new Agent({ keepAlive: true, ca: cert.caPem, maxSockets: 64 });
  return {
    handle,
    certDir,
    cert,
    agent,
    post: (path, body, headers) => httpsPost(agent, handle.port, path, body, headers),
    close: async () => {
      agent.destroy();
      await handle.close();
      rmSync(certDir, { recursive: true, force: true });
    },
  };
}

/** Every object of examples/seed (Secrets skipped), in file order. */
export function seedObjects(): Record<string, unknown>[] {
  const dir = join(repoRoot, 'examples', 'seed');
  const objects: Record<string, unknown>[] = [];
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const object = doc.toJS() as Record<string, unknown> | null;
      if (object && object.kind !== 'Secret') objects.push(object);
    }
  }
  return nonEmpty('seed objects', objects);
}

let counter = 0;
/** An AdmissionReview as the API server sends it for `object`. */
export function admissionReview(
  object: Record<string, unknown>,
  operation: 'CREATE' | 'UPDATE' = 'CREATE',
  oldObject?: Record<string, unknown>,
): Record<string, unknown> {
  const metadata = (object.metadata ?? {}) as { name?: string; namespace?: string };
  const namespace = metadata.namespace ?? 'default';
  const withNamespace = { ...object, metadata: { ...metadata, namespace } };
  counter += 1;
  const request: Record<string, unknown> = {
    uid: `00000000-0000-0000-0000-${String(counter).padStart(12, '0')}`,
    kind: { group: 'aws-infra-operator.runner.codes', version: 'v1alpha1', kind: object.kind },
    resource: { group: 'aws-infra-operator.runner.codes', version: 'v1alpha1', resource: 'x' },
    operation,
    namespace,
    name: metadata.name,
    userInfo: { username: 'admin' },
    object: withNamespace,
    dryRun: false,
  };
  if (oldObject) request.oldObject = { ...oldObject, metadata: { ...(oldObject.metadata as object), namespace } };
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request };
}

/** Every path (as arrays of keys) in a value, the root included: where to mutate a seed object. */
export function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const paths: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((item, index) => paths.push(...pathsOf(item, [...prefix, index])));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  }
  return paths;
}
