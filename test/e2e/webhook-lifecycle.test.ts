// The webhook process under change: serving certificates replaced under load (through the API server
// and directly), and SIGTERM while a request is in flight.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { parseAllDocuments } from 'yaml';
import { applyYaml, makeServingCert, testEnv, waitFor } from './support/index.ts';
import type { ServingCert } from './support/index.ts';
import {
  createNamespace,
  deleteNamespace,
  registerWebhooks,
  startWebhookProcess,
  unregisterWebhooks,
  writeCertDir,
} from '../../packages/webhook/test/e2e/harness.ts';
import type { WebhookProcess } from '../../packages/webhook/test/e2e/harness.ts';

const seedTable = (namespace: string): Record<string, unknown> => {
  const text = readFileSync(
    join(testEnv().root, 'examples', 'seed', '07-dynamodb-global-secondary-indexes.yaml'),
    'utf8',
  );
  const object = parseAllDocuments(text)[0]!.toJS() as { metadata: Record<string, unknown> };
  return { ...object, metadata: { ...object.metadata, namespace } };
};

const reviewBody = (object: Record<string, unknown>, uid: string): string =>
  JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: 'aws-infra-operator.runner.codes', version: 'v1alpha1', kind: object.kind },
      operation: 'CREATE',
      namespace: (object.metadata as { namespace: string }).namespace,
      name: (object.metadata as { name: string }).name,
      object,
    },
  });

function post(
  port: number,
  agent: Agent,
  body: string,
): Promise<{ status: number; text: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/validate',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, connection: res.headers.connection }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function servedFingerprint(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca }, () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      socket.destroy();
      resolve(fingerprint);
    });
    socket.on('error', reject);
  });
}

describe('webhook e2e: certificate rotation under load', function () {
  this.timeout(300_000);
  const name = `ddbop-e2e-webhook-rotation-${process.pid}`;
  let namespace: string;
  let certDir: string;
  let webhook: WebhookProcess;
  let certA: ServingCert;
  let certB: ServingCert;

  before(async () => {
    namespace = createNamespace('webhook-rotation');
    certA = makeServingCert(['127.0.0.1']);
    certB = makeServingCert(['127.0.0.1']);
    certDir = mkdtempSync(join(tmpdir(), 'ddbop-webhook-rotation-'));
    writeCertDir(certDir, certA, 'a1');
    webhook = await startWebhookProcess('webhook-rotation', certDir);
    // The API server trusts both CAs, as it does during a cert-manager CA rollover.
    await registerWebhooks(name, namespace, webhook, certA.caPem + certB.caPem);
  });

  after(async () => {
    unregisterWebhooks(name);
    if (namespace) deleteNamespace(namespace);
    await webhook?.process.stop();
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  it('replaces the cert files twice while requests flow: zero failed requests', async () => {
    const object = seedTable(namespace);
    const failures: string[] = [];
    let direct = 0;
    let viaApiServer = 0;
    let running = true;
    // New TLS connections for every request (no keep-alive), so requests after a swap meet the new cert.
    const agent = new Agent({ keepAlive: false, ca: certA.caPem + certB.caPem });
    const directWorker = async (worker: number) => {
      for (let i = 0; running; i++) {
        try {
          const answer = await post(webhook.port, agent, reviewBody(object, `w${worker}-${i}`));
          const allowed = (JSON.parse(answer.text) as { response?: { allowed?: boolean } }).response?.allowed;
          if (answer.status !== 200 || allowed !== true)
            failures.push(`direct: HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
        } catch (error) {
          failures.push(`direct: ${String(error)}`);
        }
        direct += 1;
      }
    };
    // And through the API server: server-side dry runs that pass /mutate and /validate.
    const manifest = JSON.stringify(object);
    const apiServerWorker = async () => {
      while (running) {
        const result = applyYaml(manifest, ['--dry-run=server']);
        if (result.code !== 0) failures.push(`kubectl: ${result.stderr.trim()}`);
        viaApiServer += 1;
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const load = Promise.all([...Array.from({ length: 8 }, (_, i) => directWorker(i)), apiServerWorker()]);

    const fingerprintA = await servedFingerprint(webhook.port, certA.caPem);
    await waitFor('load flowing', () => direct > 50 && viaApiServer > 2);
    writeCertDir(certDir, certB, 'b1');
    const fingerprintB = await waitFor('the webhook serves certificate B', async () => {
      const served = await servedFingerprint(webhook.port, certA.caPem + certB.caPem);
      return served !== fingerprintA ? served : undefined;
    });
    const afterFirst = direct;
    await waitFor('load flowing on certificate B', () => direct > afterFirst + 50 && viaApiServer > 4);
    writeCertDir(certDir, certA, 'a2');
    await waitFor('the webhook serves certificate A again', async () => {
      const served = await servedFingerprint(webhook.port, certA.caPem + certB.caPem);
      return served === fingerprintA ? served : undefined;
    });
    const afterSecond = direct;
    await waitFor('load flowing after the second swap', () => direct > afterSecond + 50);
    running = false;
    await load;
    agent.destroy();

    expect(fingerprintB).to.not.equal(fingerprintA);
    expect(failures, failures.slice(0, 5).join('\n')).to.deep.equal([]);
    expect(direct).to.be.above(150);
    expect(viaApiServer).to.be.above(4);
    const { text } = await webhook.httpGet('/metrics');
    expect(text).to.match(/dynamodb_operator_webhook_certificate_reloads_total\{result="success"\} ([3-9]|\d\d)/);
  });
});

describe('webhook e2e: graceful shutdown', function () {
  this.timeout(120_000);
  let certDir: string;
  let webhook: WebhookProcess;

  before(async () => {
    const cert = makeServingCert(['127.0.0.1']);
    certDir = mkdtempSync(join(tmpdir(), 'ddbop-webhook-shutdown-'));
    writeCertDir(certDir, cert, 'v1');
    webhook = await startWebhookProcess('webhook-shutdown', certDir);
    (webhook as WebhookProcess & { ca: string }).ca = cert.caPem;
  });

  after(async () => {
    await webhook?.process.stop();
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  it('on SIGTERM serves on for the shutdown delay closing each connection, finishes the request in flight, then refuses new ones and stops cleanly', async () => {
    const ca = (webhook as WebhookProcess & { ca: string }).ca;
    const body = reviewBody(seedTable('default'), 'in-flight');
    const agent = new Agent({ keepAlive: true, ca });
    // Headers and half the body now: the request is in flight until the rest arrives.
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: webhook.port,
          path: '/validate',
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 100));
      void waitFor('request in flight', async () => {
        const { text } = await webhook.httpGet('/metrics');
        return /controller_runtime_webhook_requests_in_flight\{webhook="\/validate"\} 1/.test(text);
      }).then(async () => {
        process.kill(webhook.process.pid, 'SIGTERM');
        await waitFor('shutting down', async () => {
          const ready = await webhook.httpGet('/readyz').catch(() => ({ status: 0, text: '' }));
          return ready.status === 503 && ready.text.includes('shutting down');
        });
        // the shutdown delay (default 5 s): the API server may still send reviews here; each is answered
        // and its connection closed, so no pooled connection is cut under a later review
        const during = await post(webhook.port, new Agent({ keepAlive: true, ca }), body);
        expect(during.status, 'a review sent during the shutdown delay is answered').to.equal(200);
        expect(during.connection, 'and its connection is closed').to.equal('close');
        await waitFor('new connections refused after the delay', () =>
          post(webhook.port, new Agent({ keepAlive: false, ca }), body).then(
            () => undefined,
            () => true,
          ),
        );
        req.end(body.slice(100));
      }, reject);
    });
    const result = await answer;
    agent.destroy();
    expect(result.status).to.equal(200);
    expect((JSON.parse(result.text) as { response: { uid: string; allowed: boolean } }).response).to.deep.include({
      uid: 'in-flight',
      allowed: true,
    });
    await waitFor('webhook exited', () => webhook.process.logs().includes('"webhook stopped"'));
    await webhook.process.stop();
  });
});
