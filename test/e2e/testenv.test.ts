// The test environment itself: the tools are the versions we built, the identities are what RBAC tests
// need, and the kube-apiserver really calls an admission webhook served on https://127.0.0.1:<port>
// (the path every webhook e2e test depends on).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, kubectl, makeServingCert, startProcess, testEnv, waitFor } from './support/index.ts';
import type { ManagedProcess } from './support/index.ts';

function run(command: string, args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { encoding: 'utf8', input, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

describe('test environment', function () {
  it('reports itself up through hack/testenv.sh status', function () {
    const r = run('bash', [join(testEnv().root, 'hack', 'testenv.sh'), 'status']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    for (const component of ['etcd', 'kube-apiserver', 'moto', 'dynalite']) {
      expect(r.stdout).to.match(new RegExp(`^${component}: running \\(pid \\d+\\)$`, 'm'));
    }
  });

  it('reuses the running environment when `up` is called again (same processes, same ports)', function () {
    const script = join(testEnv().root, 'hack', 'testenv.sh');
    const before = run('bash', [script, 'status']);
    const envBefore = readFileSync(join(testEnv().root, '.testenv', 'env'), 'utf8');
    const again = run('bash', [script, 'up']);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stderr).to.include('already up');
    expect(run('bash', [script, 'status']).stdout).to.equal(before.stdout);
    expect(readFileSync(join(testEnv().root, '.testenv', 'env'), 'utf8')).to.equal(envBefore);
  });

  it('runs kubectl and kube-apiserver v1.34.4 built from the Go module proxy', function () {
    const r = kubectl(['version', '-o', 'json']);
    expect(r.code, r.stderr).to.equal(0);
    const v = JSON.parse(r.stdout) as { clientVersion: { gitVersion: string }; serverVersion: { gitVersion: string } };
    expect(v.clientVersion.gitVersion).to.equal('v1.34.4');
    expect(v.serverVersion.gitVersion).to.equal('v1.34.4');
  });

  it('has helm v3 and promtool on the bin directory', function () {
    const { binDir } = testEnv();
    const helm = run(join(binDir, 'helm'), ['version', '--short']);
    expect(helm.code, helm.stderr).to.equal(0);
    expect(helm.stdout).to.match(/^v3\.\d+\.\d+/);
    // promtool really parses metrics: a well-formed exposition passes, a malformed one fails
    const good = run(join(binDir, 'promtool'), ['check', 'metrics'], '# HELP up Up.\n# TYPE up gauge\nup 1\n');
    expect(good.code, good.stdout + good.stderr).to.equal(0);
    const bad = run(join(binDir, 'promtool'), ['check', 'metrics'], 'up{ 1\n');
    expect(bad.code).to.not.equal(0);
  });

  it('authenticates the admin as system:masters and the low-privilege user without rights', function () {
    const admin = kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username} {.status.userInfo.groups}']);
    expect(admin.code, admin.stderr).to.equal(0);
    expect(admin.stdout)
      .to.match(/^ddbop-admin /)
      .and.include('system:masters');

    const low = testEnv().lowPrivilegeKubeconfig;
    const who = kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], { kubeconfig: low });
    expect(who.code, who.stderr).to.equal(0);
    expect(who.stdout).to.equal('ddbop-e2e-lowpriv');
    const list = kubectl(['get', 'configmaps', '-n', 'default'], { kubeconfig: low });
    expect(list.code).to.not.equal(0);
    expect(list.stderr).to.include('Forbidden').and.include('"ddbop-e2e-lowpriv" cannot list resource "configmaps"');
  });

  it('starts a process with its log in .testenv/logs and stops it', async function () {
    const p = startProcess('testenv-selftest', process.execPath, [
      '-e',
      'console.log("selftest ready"); setInterval(() => {}, 1000);',
    ]);
    expect(p.logFile).to.equal(join(testEnv().logsDir, 'testenv-selftest.log'));
    await waitFor('selftest output in its log', () => p.logs().includes('selftest ready'), { timeoutMs: 10_000 });
    await p.stop();
    const alive = (() => {
      try {
        process.kill(p.pid, 0);
        return true;
      } catch {
        return false;
      }
    })();
    expect(alive).to.equal(false);
  });

  describe('admission webhooks on https://127.0.0.1', function () {
    let webhook: ManagedProcess;
    let port: number;
    const namespace = `webhook-selftest-${process.pid}`;
    const configName = `ddbop-testenv-selftest-${process.pid}`;

    before(async function () {
      port = await freePort();
      const cert = makeServingCert(['127.0.0.1']);
      const dir = mkdtempSync(join(tmpdir(), 'ddbop-selftest-webhook-'));
      writeFileSync(join(dir, 'tls.crt'), cert.certPem);
      writeFileSync(join(dir, 'tls.key'), cert.keyPem);
      // its own process: kubectl() is synchronous and would starve an in-process server
      webhook = startProcess('testenv-selftest-webhook', process.execPath, [
        join(import.meta.dirname, 'support', 'fixtures', 'selftest-webhook.ts'),
        String(port),
        join(dir, 'tls.crt'),
        join(dir, 'tls.key'),
      ]);
      await waitFor('selftest webhook listening', () => webhook.logs().includes('"listening"'), { timeoutMs: 10_000 });
      expect(kubectl(['create', 'namespace', namespace]).code).to.equal(0);
      const config = {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { name: configName },
        webhooks: [
          {
            name: 'selftest.testenv.ddbop.local',
            admissionReviewVersions: ['v1'],
            sideEffects: 'None',
            failurePolicy: 'Fail',
            timeoutSeconds: 5,
            clientConfig: {
              url: `https://127.0.0.1:${port}/validate`,
              caBundle: Buffer.from(cert.caPem).toString('base64'),
            },
            rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps'] }],
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
          },
        ],
      };
      const applied = kubectl(['apply', '-f', '-'], { input: JSON.stringify(config) });
      expect(applied.code, applied.stderr).to.equal(0);
    });

    after(async function () {
      kubectl(['delete', 'validatingwebhookconfiguration', configName, '--ignore-not-found']);
      // no namespace controller runs here: the namespace stays Terminating, which harms nothing
      kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
      await webhook.stop();
    });

    it('calls the webhook and honours its denial', async function () {
      // the webhook configuration takes effect asynchronously: retry until the denial shows up
      const denied = await waitFor(
        'the API server to call the selftest webhook',
        () => {
          const r = kubectl(['create', 'configmap', `denied-${Date.now()}`, '-n', namespace, '--from-literal=deny=1']);
          return r.code !== 0 && r.stderr.includes('selftest webhook says no') ? r : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      expect(denied.stderr).to.include('admission webhook "selftest.testenv.ddbop.local" denied the request');
      const allowed = kubectl(['create', 'configmap', 'allowed', '-n', namespace, '--from-literal=ok=1']);
      expect(allowed.code, allowed.stderr).to.equal(0);
      const reviews = webhook.logs().match(/"msg":"review"/g) ?? [];
      expect(reviews.length).to.be.greaterThanOrEqual(2);
    });
  });
});
