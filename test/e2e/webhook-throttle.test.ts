// What the real API server does with the webhook's 429: the webhook refuses
// admission work beyond --max-inflight-requests with 429 + Retry-After before reading the body, and the
// API server's webhook client retries it within timeoutSeconds — so a short burst costs latency, not a
// failed kubectl; a busy webhook that stays busy ends in failurePolicy (Fail), with a message.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import type { ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createNamespace,
  deleteNamespace,
  registerWebhooks,
  startWebhookProcess,
  unregisterWebhooks,
  writeCertDir,
} from '../../packages/webhook/test/e2e/harness.ts';
import type { WebhookProcess } from '../../packages/webhook/test/e2e/harness.ts';
import { makeServingCert, testEnv, waitFor } from './support/index.ts';
import type { ServingCert } from './support/index.ts';

/** kubectl without blocking this process (the test must release a held request while it runs). */
function kubectlAsync(args: string[], input: string): Promise<{ code: number; out: string; ms: number }> {
  const env = testEnv();
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(join(env.binDir, 'kubectl'), ['--kubeconfig', env.kubeconfig, ...args]);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, out, ms: Date.now() - started }));
    child.stdin.end(input);
  });
}

describe('webhook e2e: 429 under the in-flight cap, through the real API server', function () {
  this.timeout(120_000);
  const name = `ddbop-e2e-throttle-${process.pid}`;
  let namespace: string;
  let certDir: string;
  let cert: ServingCert;
  let webhook: WebhookProcess;

  before(async () => {
    namespace = createNamespace('webhook-throttle');
    cert = makeServingCert(['127.0.0.1']);
    certDir = mkdtempSync(join(tmpdir(), 'ddbop-webhook-throttle-'));
    writeCertDir(certDir, cert, 'v1');
    // One admission at a time: a single held request makes the webhook busy.
    webhook = await startWebhookProcess('webhook-throttle', certDir, ['--max-inflight-requests', '1']);
    await registerWebhooks(name, namespace, webhook, cert.caPem);
  });
  after(async () => {
    unregisterWebhooks(name);
    if (namespace) deleteNamespace(namespace);
    await webhook?.process.stop();
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  const metric = async (prefix: string): Promise<number> => {
    const { text } = await webhook.httpGet('/metrics');
    return text
      .split('\n')
      .filter((line) => line.startsWith(prefix))
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  };

  /** Occupies the webhook's only slot: headers and one byte of a 1000-byte body, then nothing. */
  const hold = async (): Promise<ClientRequest> => {
    const req = request({
      host: '127.0.0.1',
      port: webhook.port,
      path: '/validate',
      method: 'POST',
      agent: new Agent({ ca: cert.caPem }),
      headers: { 'content-type': 'application/json', 'content-length': '1000' },
    });
    req.on('error', () => undefined);
    req.on('response', (res) => res.resume());
    req.write(' ');
    await waitFor(
      'the held request in flight',
      async () => (await metric('controller_runtime_webhook_requests_in_flight')) >= 1,
      {
        timeoutMs: 10_000,
        intervalMs: 50,
      },
    );
    return req;
  };

  const provider = (objectName: string) => `apiVersion: aws-infra-operator.runner.codes/v1alpha1
kind: AWSProvider
metadata:
  name: ${objectName}
  namespace: ${namespace}
spec:
  region: us-east-1
`;

  it('a burst shorter than timeoutSeconds: the API server retries the 429 and the create succeeds', async () => {
    const throttledBefore = await metric('dynamodb_operator_webhook_throttled_total');
    const held = await hold();
    const create = kubectlAsync(['create', '-f', '-'], provider('after-a-burst'));
    // Released once the API server has been refused at least once.
    await waitFor(
      'a 429 to the API server',
      async () => (await metric('dynamodb_operator_webhook_throttled_total')) > throttledBefore,
      {
        timeoutMs: 10_000,
        intervalMs: 50,
      },
    );
    held.end(' '.repeat(999));
    const result = await create;
    expect(result.code, result.out).to.equal(0);
    expect(result.out).to.include('awsprovider.aws-infra-operator.runner.codes/after-a-burst created');
  });

  it('a webhook busy for longer than timeoutSeconds: failurePolicy Fail refuses the create, with a reason', async () => {
    const held = await hold();
    try {
      const result = await kubectlAsync(['create', '-f', '-'], provider('while-busy'));
      expect(result.code, result.out).to.not.equal(0);
      expect(result.out).to.match(/failed calling webhook/);
      console.log(`      refused after ${result.ms} ms: ${result.out.trim().slice(0, 300)}`);
    } finally {
      held.destroy();
    }
  });
});
