// Metrics behind authentication: with metrics.secure both metrics endpoints serve HTTPS and answer
// /metrics only to bearer tokens that the real kube-apiserver authenticates (TokenReview) and
// authorizes for `get /metrics` (SubjectAccessReview), i.e. ServiceAccounts bound to the chart's own
// metrics-reader ClusterRole. Both run as processes, with --metrics-secure.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort, kubectl, makeServingCert, startProcess, testEnv, waitFor } from './support/index.ts';
import type { ManagedProcess } from './support/index.ts';
import { repoRoot } from './support/env.ts';
import { findObject, helmTemplate } from './support-chart/helm.ts';
import { startReconcilerProc } from './support-reconciler/index.ts';

/** GET over HTTPS without verifying the server (as the chart's monitors scrape), with an optional token. */
function get(port: number, path: string, token?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        rejectUnauthorized: false,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function must(args: string[], input?: string): string {
  const result = kubectl(args, input === undefined ? {} : { input });
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

describe('secure metrics (real TokenReview + SubjectAccessReview)', function () {
  this.timeout(120_000);
  const release = `msec${Date.now().toString(36)}`;
  const namespace = `ddbop-metrics-${Date.now().toString(36)}`;
  let readerToken: string;
  let strangerToken: string;
  let readerRole: string;

  before(function () {
    // The chart's own metrics-reader ClusterRole, as rendered with metrics.secure.
    const role = findObject(helmTemplate({ metrics: { secure: true } }, { release }), 'ClusterRole', '-metrics-reader');
    readerRole = role.metadata.name;
    must(['apply', '-f', '-'], stringify(role));
    must(['create', 'namespace', namespace]);
    for (const sa of ['reader', 'stranger']) must(['-n', namespace, 'create', 'serviceaccount', sa]);
    must([
      'create',
      'clusterrolebinding',
      `${release}-reader`,
      `--clusterrole=${readerRole}`,
      `--serviceaccount=${namespace}:reader`,
    ]);
    readerToken = must(['-n', namespace, 'create', 'token', 'reader']);
    strangerToken = must(['-n', namespace, 'create', 'token', 'stranger']);
  });
  after(function () {
    kubectl(['delete', 'clusterrolebinding', `${release}-reader`, '--ignore-not-found']);
    kubectl(['delete', 'clusterrole', readerRole, '--ignore-not-found']);
    kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
  });

  const expectProtected = async (port: number, metricName: string): Promise<void> => {
    const anonymous = await get(port, '/metrics');
    expect(anonymous.status, anonymous.text).to.equal(401);
    expect(anonymous.text).to.not.include(metricName);
    const stranger = await get(port, '/metrics', strangerToken);
    expect(stranger.status, stranger.text).to.equal(403);
    expect(stranger.text).to.include(`system:serviceaccount:${namespace}:stranger may not get /metrics`);
    const forged = await get(port, '/metrics', `${readerToken.slice(0, -4)}AAAA`);
    expect(forged.status, forged.text).to.equal(401);
    const reader = await get(port, '/metrics', readerToken);
    expect(reader.status, reader.text).to.equal(200);
    expect(reader.text).to.include(metricName);
  };

  it('webhook --metrics-secure: HTTPS; 401 without a token, 403 for an unbound ServiceAccount, 200 with metrics-reader', async function () {
    const env = testEnv();
    const cert = makeServingCert(['127.0.0.1']);
    const certDir = mkdtempSync(join(tmpdir(), 'ddbop-metrics-secure-'));
    writeFileSync(join(certDir, 'tls.crt'), cert.certPem);
    writeFileSync(join(certDir, 'tls.key'), cert.keyPem);
    const [port, metricsPort] = await Promise.all([freePort(), freePort()]);
    let webhook: ManagedProcess | undefined;
    try {
      webhook = startProcess('webhook-metrics-secure', process.execPath, [
        join(repoRoot, 'packages', 'webhook', 'src', 'main.ts'),
        ...['--host', '127.0.0.1', '--port', String(port), '--metrics-port', String(metricsPort)],
        ...['--cert-dir', certDir, '--kubeconfig', env.kubeconfig, '--metrics-secure'],
      ]);
      // Probes need no token (kubelet sends none), over HTTPS.
      await waitFor(
        `webhook ready over HTTPS (log ${webhook.logFile})`,
        async () => (await get(metricsPort, '/readyz').catch(() => ({ status: 0 }))).status === 200,
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      const plain = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then(
        (r) => r.status,
        () => 0,
      );
      expect(plain, 'plain HTTP is not served').to.not.equal(200);
      await expectProtected(metricsPort, 'controller_runtime_webhook_requests_total');
    } finally {
      await webhook?.stop();
      rmSync(certDir, { recursive: true, force: true });
    }
  });

  it('reconciler --metrics-secure=true (the process): the same refusals and the same grant', async function () {
    const reconciler = await startReconcilerProc('reconciler-metrics-secure', namespace, ['--metrics-secure=true']);
    try {
      const plain = await fetch(`http://127.0.0.1:${reconciler.metricsPort}/metrics`).then(
        (r) => r.status,
        () => 0,
      );
      expect(plain, 'plain HTTP is not served').to.not.equal(200);
      await expectProtected(reconciler.metricsPort, 'controller_runtime_reconcile_total');
    } finally {
      await reconciler.proc.stop();
    }
  });
});
