// The webhook in-process over real HTTPS: admission decisions, malformed input, metrics, cert reload,
// graceful close. (The API server's side of the contract is in test/e2e/webhook*.test.ts.)
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { makeServingCert } from '../../../test/e2e/support/certs.ts';
import { staticProviders } from '../src/providers/lookup.ts';
import { PROVIDER_WATCH_STALE_MS } from '../src/server.ts';
import { admissionReview, seedObjects, startTestWebhook, writeCert } from './support.ts';
import type { TestWebhook } from './support.ts';

interface ReviewOut {
  apiVersion: string;
  kind: string;
  response: {
    uid: string;
    allowed: boolean;
    status?: { code: number; reason?: string; message: string; details?: { causes: { field: string }[] } };
    patchType?: string;
    patch?: string;
    warnings?: string[];
  };
}

const clone = <T>(value: T): T => structuredClone(value);
const decodePatch = (patch: string | undefined): Operation[] =>
  patch ? (JSON.parse(Buffer.from(patch, 'base64').toString('utf8')) as Operation[]) : [];

function httpGet(port: number, path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    }).on('error', reject);
  });
}

describe('webhook server (in-process, HTTPS)', () => {
  let webhook: TestWebhook;
  before(async () => {
    webhook = await startTestWebhook();
  });
  after(async () => {
    await webhook.close();
  });

  const review = async (path: string, body: unknown): Promise<ReviewOut> => {
    const result = await webhook.post(path, JSON.stringify(body));
    expect(result.status, result.text).to.equal(200);
    return result.json() as ReviewOut;
  };

  it('admits every seed object on /validate, echoing the uid', async () => {
    for (const object of seedObjects()) {
      const body = admissionReview(object);
      const out = await review('/validate', body);
      expect(out.apiVersion).to.equal('admission.k8s.io/v1');
      expect(out.kind).to.equal('AdmissionReview');
      expect(out.response.uid).to.equal((body.request as { uid: string }).uid);
      expect(out.response.allowed, JSON.stringify(out.response.status)).to.equal(true);
    }
  });

  it('warns about unused attribute definitions (seed user-profiles defines email but never uses it)', async () => {
    const object = seedObjects().find((o) => (o.metadata as { name: string }).name === 'user-profiles');
    expect(object).to.not.equal(undefined);
    const out = await review('/validate', admissionReview(object!));
    expect(out.response.allowed).to.equal(true);
    expect(out.response.warnings?.join('\n')).to.match(/email/);
    for (const warning of out.response.warnings ?? []) expect(warning.length).to.be.at.most(120);
  });

  it('denies a broken spec with 422, every error with its field path, as message and causes', async () => {
    const object = {
      apiVersion: 'aws-infra-operator.runner.codes/v1alpha1',
      kind: 'DynamoDB',
      metadata: { name: 'broken-keys', namespace: 'default' },
      spec: {
        providerRef: { name: 'localstack' },
        tableName: 'broken_keys',
        billingMode: 'PROVISIONED',
        attributes: [{ name: 'id', type: 'S' }],
        keySchema: [
          { attributeName: 'id', keyType: 'HASH' },
          { attributeName: 'tenant', keyType: 'HASH' },
        ],
      },
    };
    const out = await review('/validate', admissionReview(object));
    expect(out.response.allowed).to.equal(false);
    expect(out.response.status?.code).to.equal(422);
    expect(out.response.status?.reason).to.equal('Invalid');
    const causes = out.response.status?.details?.causes.map((cause) => cause.field) ?? [];
    expect(causes.length).to.be.at.least(2);
    for (const field of causes) expect(out.response.status?.message).to.include(field);
    expect(causes.some((field) => field.startsWith('spec.keySchema'))).to.equal(true);
    expect(causes.some((field) => field.startsWith('spec.billingModeConfig'))).to.equal(true);
  });

  it('denies an update that changes an immutable field, with the path', async () => {
    const object = seedObjects().find((o) => (o.metadata as { name: string }).name === 'orders-table')!;
    const changed = clone(object) as { spec: { tableName: string } };
    changed.spec.tableName = 'orders_v2';
    const out = await review('/validate', admissionReview(changed, 'UPDATE', object));
    expect(out.response.allowed).to.equal(false);
    expect(out.response.status?.message).to.include('spec.tableName');
  });

  it('warns about risky updates: billing mode switch, GSI removal, Delete with deletion protection', async () => {
    const object = seedObjects().find((o) => (o.metadata as { name: string }).name === 'users-with-gsi')!;
    const changed = clone(object) as { spec: Record<string, unknown> };
    changed.spec.globalSecondaryIndexes = (changed.spec.globalSecondaryIndexes as unknown[]).slice(0, 1);
    changed.spec.billingMode = 'PROVISIONED';
    changed.spec.billingModeConfig = { readCapacityUnits: 5, writeCapacityUnits: 5 };
    (changed.spec.globalSecondaryIndexes as Record<string, unknown>[])[0]!.billingModeConfig = {
      readCapacityUnits: 5,
      writeCapacityUnits: 5,
    };
    changed.spec.deletionPolicy = 'Delete';
    changed.spec.deletionProtectionEnabled = true;
    const out = await review('/validate', admissionReview(changed, 'UPDATE', object));
    expect(out.response.allowed, JSON.stringify(out.response.status)).to.equal(true);
    const text = (out.response.warnings ?? []).join('\n');
    expect(text).to.match(/switching PAY_PER_REQUEST to PROVISIONED/);
    expect(text).to.match(/removing GSI status-created-index/);
    expect(text).to.match(/deletion protection/);
  });

  it('mutates with add-only patches: operator and provider tags under the user tags, idempotently', async () => {
    const object = seedObjects().find((o) => (o.metadata as { name: string }).name === 'app-db')!;
    (object.spec as { providerRef: { name: string } }).providerRef.name = 'localstack';
    const body = admissionReview(object);
    const out = await review('/mutate', body);
    expect(out.response.allowed, JSON.stringify(out.response.status)).to.equal(true);
    expect(out.response.patchType).to.equal('JSONPatch');
    const patch = decodePatch(out.response.patch);
    for (const operation of patch) {
      expect(operation.op).to.equal('add');
      expect(operation.path.startsWith('/spec')).to.equal(true);
    }
    const sent = (body.request as { object: Record<string, unknown> }).object;
    const patched = jsonpatch.applyPatch(clone(sent), patch, true, false).newDocument as {
      spec: { tags: Record<string, string>; deletionPolicy?: string };
    };
    expect(patched.spec.tags).to.deep.include({
      Architecture: 'single-table',
      'owner-team': 'platform',
      'managed-by': 'infra-operator',
      environment: 'test',
    });
    // The same object again: nothing left to add.
    const again = await review('/mutate', admissionReview(patched as unknown as Record<string, unknown>));
    expect(again.response.allowed).to.equal(true);
    expect(decodePatch(again.response.patch)).to.deep.equal([]);
  });

  it('never overrides a tag key the user set', async () => {
    const object = seedObjects().find((o) => (o.metadata as { name: string }).name === 'e2e-simple-table')!;
    (object.spec as Record<string, unknown>).tags = { environment: 'mine', 'owner-team': 'mine' };
    const out = await review('/mutate', admissionReview(object));
    const patch = decodePatch(out.response.patch);
    const paths = patch.map((operation) => operation.path);
    expect(paths).to.not.include('/spec/tags/environment');
    expect(paths).to.not.include('/spec/tags/owner-team');
    expect(paths).to.include('/spec/tags/managed-by');
  });

  it('denies on /mutate what cannot be parsed, with the field path', async () => {
    const object = seedObjects().find((o) => o.kind === 'DynamoDB')!;
    (object.spec as Record<string, unknown>).billingMode = 'FREE';
    const out = await review('/mutate', admissionReview(object));
    expect(out.response.allowed).to.equal(false);
    expect(out.response.status?.code).to.equal(422);
    expect(out.response.status?.message).to.include('spec.billingMode');
  });

  it('admits a CREATE whose metadata carries creationTimestamp: null (typed Go clients send it)', async () => {
    const object = seedObjects().find((o) => o.kind === 'DynamoDB')!;
    const body = admissionReview({ ...object, metadata: { ...(object.metadata as object), creationTimestamp: null } });
    for (const path of ['/mutate', '/validate']) {
      const out = await review(path, body);
      expect(out.response.allowed, `${path}: ${JSON.stringify(out.response.status)}`).to.equal(true);
    }
  });

  it('answers malformed requests with a well-formed 4xx Status', async () => {
    const cases: [string, string | Buffer, Record<string, string>, number][] = [
      ['/validate', '{"apiVersion":', { 'content-type': 'application/json' }, 400],
      ['/validate', '{}', { 'content-type': 'text/plain' }, 415],
      ['/validate', '[]', { 'content-type': 'application/json' }, 400],
      [
        '/validate',
        '{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview"}',
        { 'content-type': 'application/json' },
        400,
      ],
      ['/mutate', Buffer.alloc(3 * 1024 * 1024 + 10, 0x20), { 'content-type': 'application/json' }, 413],
      ['/nowhere', '{}', { 'content-type': 'application/json' }, 404],
    ];
    for (const [path, body, headers, status] of cases) {
      const result = await webhook.post(path, body, headers);
      expect(result.status, `${path} ${result.text}`).to.equal(status);
      const json = result.json() as { kind: string; code: number; message: string };
      expect(json.kind).to.equal('Status');
      expect(json.code).to.equal(status);
      expect(json.message).to.be.a('string').and.not.equal('');
    }
  });

  it('denies (400, uid echoed) a review for a kind it does not serve', async () => {
    const body = admissionReview({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    (body.request as { kind: unknown }).kind = { group: '', version: 'v1', kind: 'ConfigMap' };
    const out = await review('/validate', body);
    expect(out.response.allowed).to.equal(false);
    expect(out.response.status?.code).to.equal(400);
    expect(out.response.uid).to.equal((body.request as { uid: string }).uid);
  });

  it('serves controller-runtime metric names, health and readiness on the plain-HTTP port', async () => {
    const port = webhook.handle.metricsPort;
    const metrics = await httpGet(port, '/metrics');
    expect(metrics.status).to.equal(200);
    for (const name of [
      'controller_runtime_webhook_requests_total{webhook="/validate",code="200"}',
      'controller_runtime_webhook_latency_seconds_bucket{le="0.001",webhook="/mutate"}',
      'controller_runtime_webhook_requests_in_flight{webhook="/validate"} 0',
      'controller_runtime_webhook_admission_responses_total{webhook="/mutate",allowed="false",admission_code="500"}',
      'controller_runtime_webhook_panics_total 0',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(metrics.text).to.include(name);
    }
    expect(metrics.text).to.match(
      /controller_runtime_webhook_requests_total\{webhook="\/validate",code="413"\} 0|code="415"\} 1/,
    );
    expect((await httpGet(port, '/healthz')).status).to.equal(200);
    expect((await httpGet(port, '/readyz')).status).to.equal(200);
  });

  it('refuses TLS below 1.2', async () => {
    const { connect } = await import('node:tls');
    const error = await new Promise<Error | undefined>((resolve) => {
      const socket = connect({
        host: '127.0.0.1',
        port: webhook.handle.port,
        ca: webhook.cert.caPem,
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1.1',
      });
      socket.on('secureConnect', () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.on('error', resolve);
    });
    expect(error).to.be.instanceOf(Error);
  });
});

describe('webhook certificate reload and shutdown', () => {
  it('serves a new certificate after the files change, without a restart', async () => {
    const webhook = await startTestWebhook({ certDebounceMs: 20 });
    try {
      const { connect } = await import('node:tls');
      const fingerprint = (ca: string) =>
        new Promise<string>((resolve, reject) => {
          const socket = connect({ host: '127.0.0.1', port: webhook.handle.port, ca }, () => {
            const value = socket.getPeerCertificate().fingerprint256;
            socket.destroy();
            resolve(value);
          });
          socket.on('error', reject);
        });
      const before = await fingerprint(webhook.cert.caPem);
      const next = makeServingCert(['127.0.0.1']);
      writeCert(webhook.certDir, next);
      // Half a swap (a key that does not match) must not take the server down.
      writeFileSync(join(webhook.certDir, 'tls.key'), webhook.cert.keyPem);
      expect(await webhook.handle.reloadCertificate()).to.equal(false);
      writeFileSync(join(webhook.certDir, 'tls.key'), next.keyPem);
      const deadline = Date.now() + 5000;
      let after = before;
      while (after === before && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        after = await fingerprint(next.caPem).catch(() => before);
      }
      expect(after).to.not.equal(before);
    } finally {
      await webhook.close();
    }
  });

  it('reports not ready while the provider watch is stalled, and ready again once it hears from the API server', async () => {
    let lastContact = Date.now() - PROVIDER_WATCH_STALE_MS - 1000;
    const webhook = await startTestWebhook({ providers: { ...staticProviders(), lastContact: () => lastContact } });
    try {
      expect(webhook.handle.notReadyReason()).to.match(/AWSProvider watch stalled/);
      expect((await httpGet(webhook.handle.metricsPort, '/readyz')).status).to.equal(503);
      lastContact = Date.now();
      expect(webhook.handle.notReadyReason()).to.equal(undefined);
    } finally {
      await webhook.close();
    }
  });

  it('close() stops accepting and reports not ready', async () => {
    const webhook = await startTestWebhook();
    const closing = webhook.handle.close();
    expect(webhook.handle.notReadyReason()).to.equal('shutting down');
    await closing;
    const refused = await webhook.post('/validate', '{}').then(
      () => false,
      () => true,
    );
    expect(refused).to.equal(true);
    webhook.agent.destroy();
  });
});
