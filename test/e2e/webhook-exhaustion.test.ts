// 120 parallel, unauthenticated 2.5 MB AdmissionReviews (under the 3 MiB body
// limit) took the webhook's RSS past the chart's 256Mi memory limit; with failurePolicy: Fail an
// OOM-killed webhook blocks every create, update and finalizer removal of our kinds. Here the webhook
// runs as the chart runs it (the bundle, the chart's NODE_OPTIONS and in-flight limits from values.yaml)
// and the flood must leave its peak RSS under the chart's limit and well-formed reviews answered after.
// The flood never reaches the API server, so the provider cache is off (--no-provider-cache).
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { BUILT_ENTRYPOINTS, buildDeployables } from '../../hack/build.ts';
import { flood, peakRss, post } from '../../packages/webhook/test/e2e/attack.ts';
import { httpGet } from '../../packages/webhook/test/e2e/harness.ts';
import { freePort, makeServingCert, startProcess, waitFor } from './support/index.ts';
import type { ManagedProcess, ServingCert } from './support/index.ts';
import { repoRoot } from './support/env.ts';

interface WebhookValues {
  nodeOptions: string;
  limits: { maxInFlightRequests: number; maxInFlightBytes: number };
  resources: { limits: { memory: string } };
}

const MI = 1024 * 1024;
function quantityBytes(quantity: string): number {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`unexpected memory quantity ${quantity} in values.yaml`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 * MI : MI);
}

describe('webhook e2e: exhaustion by a flood of large reviews', function () {
  this.timeout(600_000);
  const values = (
    parse(readFileSync(join(repoRoot, 'charts', 'dynamodb-operator', 'values.yaml'), 'utf8')) as {
      webhook: WebhookValues;
    }
  ).webhook;
  const memoryLimit = quantityBytes(values.resources.limits.memory);
  let cert: ServingCert;
  let certDir: string;
  let webhook: ManagedProcess;
  let port: number;
  let metricsPort: number;

  before(async () => {
    await buildDeployables();
    cert = makeServingCert(['127.0.0.1']);
    certDir = mkdtempSync(join(tmpdir(), 'ddbop-exhaustion-'));
    writeFileSync(join(certDir, 'tls.crt'), cert.certPem);
    writeFileSync(join(certDir, 'tls.key'), cert.keyPem);
    [port, metricsPort] = await Promise.all([freePort(), freePort()]);
    webhook = startProcess(
      'webhook-exhaustion',
      process.execPath,
      [
        join(repoRoot, BUILT_ENTRYPOINTS.webhook),
        ...['--host', '127.0.0.1', '--port', String(port), '--metrics-port', String(metricsPort)],
        ...['--cert-dir', certDir, '--no-provider-cache', '--log-level', 'info'],
        `--max-inflight-requests=${values.limits.maxInFlightRequests}`,
        `--max-inflight-bytes=${values.limits.maxInFlightBytes}`,
      ],
      { env: { ...process.env, NODE_OPTIONS: values.nodeOptions } },
    );
    await waitFor(
      `webhook ready (log ${webhook.logFile})`,
      async () => (await httpGet(metricsPort, '/readyz').catch(() => ({ status: 0 }))).status === 200,
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  });
  after(async () => {
    await webhook.stop();
    rmSync(certDir, { recursive: true, force: true });
  });

  it('120 parallel 2.5 MB reviews: peak RSS stays under the chart limit, excess gets 429, then reviews pass', async () => {
    const idle = peakRss(webhook.pid);
    const result = await flood(cert.caPem, port, 120, 2.5e6);
    const peak = peakRss(webhook.pid);
    console.log(
      `      flood: ${JSON.stringify(result.statuses)} in ${result.ms} ms; peak RSS ${(idle / MI).toFixed(0)} MB idle → ` +
        `${(peak / MI).toFixed(0)} MB under the flood (limit ${(memoryLimit / MI).toFixed(0)} MiB)`,
    );
    expect(peak, 'peak RSS (VmHWM) under the flood').to.be.below(memoryLimit);
    expect(result.statuses['429'] ?? 0, 'throttled').to.be.greaterThan(0);
    // Admitted ones got a review (a 422 denial inside a 200), the rest a 429 — or, rarely, a reset while
    // still uploading (status 0): the webhook closes a refused connection instead of reading its body.
    expect(result.statuses['200'] ?? 0, 'admitted').to.be.greaterThan(0);
    expect(Object.keys(result.statuses).filter((status) => !['0', '200', '429'].includes(status))).to.deep.equal([]);

    // The process is alive and serves a well-formed review at once.
    const agent = new Agent({ ca: cert.caPem });
    const small = {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'after-the-flood',
        kind: { group: 'aws-infra-operator.runner.codes', version: 'v1alpha1', kind: 'DynamoDBTable' },
        operation: 'CREATE',
        namespace: 'default',
        name: 'after',
        object: {
          apiVersion: 'aws-infra-operator.runner.codes/v1alpha1',
          kind: 'DynamoDBTable',
          metadata: { name: 'after', namespace: 'default' },
          spec: { providerRef: { name: 'p' }, tableName: 'after', hashKey: { name: 'id', type: 'S' } },
        },
      },
    };
    const answer = await post(agent, port, '/validate', JSON.stringify(small));
    agent.destroy();
    expect(answer.status, answer.text).to.equal(200);
    const review = JSON.parse(answer.text) as { response: { uid: string; allowed: boolean } };
    expect(review.response).to.include({ uid: 'after-the-flood', allowed: true });
    const metrics = await httpGet(metricsPort, '/metrics');
    expect(metrics.text).to.match(
      /dynamodb_operator_webhook_throttled_total\{webhook="\/validate",reason="(requests|bytes)"\} [1-9]/,
    );
  });
});
