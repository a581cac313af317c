import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { stringify } from 'yaml';
import { clientNodeAccess, inClusterAccess, kubeconfigAccess, loadAccess, tokenFileHeaders } from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'ddbop-access-'));
function kubeconfig(user: Record<string, unknown>, cluster: Record<string, unknown> = {}): string {
  const path = join(dir, `kc-${Math.random().toString(36).slice(2)}`);
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'c',
      contexts: [{ name: 'c', context: { cluster: 'k', user: 'u' } }],
      clusters: [{ name: 'k', cluster: { server: 'https://127.0.0.1:6443', ...cluster } }],
      users: [{ name: 'u', user }],
    }),
  );
  return path;
}

describe('cluster access without client-node', () => {
  it('reads client certificates and the CA from inline data', async () => {
    const a = await kubeconfigAccess(
      kubeconfig(
        {
          'client-certificate-data': Buffer.from('CERT').toString('base64'),
          'client-key-data': Buffer.from('KEY').toString('base64'),
        },
        { 'certificate-authority-data': Buffer.from('CA').toString('base64') },
      ),
    );
    expect(a?.server.href).to.equal('https://127.0.0.1:6443/');
    expect(String(a?.ca)).to.equal('CA');
    expect(String(a?.cert)).to.equal('CERT');
    expect(String(a?.key)).to.equal('KEY');
    expect(await a?.headers()).to.deep.equal({});
  });

  it('reads certificate files relative to the kubeconfig and honours insecure-skip-tls-verify', async () => {
    writeFileSync(join(dir, 'ca.pem'), 'CAFILE');
    const a = await kubeconfigAccess(
      kubeconfig({}, { 'certificate-authority': 'ca.pem', 'insecure-skip-tls-verify': true }),
    );
    expect(String(a?.ca)).to.equal('CAFILE');
    expect(a?.rejectUnauthorized).to.equal(false);
  });

  it('sends bearer tokens, inline or from a token file', async () => {
    expect(await (await kubeconfigAccess(kubeconfig({ token: 'abc' })))?.headers()).to.deep.equal({
      authorization: 'Bearer abc',
    });
    const tf = join(dir, 'token');
    writeFileSync(tf, 'fromfile\n');
    expect(await (await kubeconfigAccess(kubeconfig({ tokenFile: tf })))?.headers()).to.deep.equal({
      authorization: 'Bearer fromfile',
    });
  });

  it('leaves exec plugins to client-node (returns undefined)', async () => {
    expect(
      await kubeconfigAccess(kubeconfig({ exec: { command: 'aws', apiVersion: 'client.authentication.k8s.io/v1' } })),
    ).to.equal(undefined);
  });

  it('uses the service account in a pod', async () => {
    const sa = mkdtempSync(join(tmpdir(), 'ddbop-sa-'));
    writeFileSync(join(sa, 'ca.crt'), 'SACA');
    writeFileSync(join(sa, 'token'), 'satoken');
    const a = inClusterAccess({ KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }, sa);
    expect(a.server.href).to.equal('https://10.0.0.1/');
    expect(String(a.ca)).to.equal('SACA');
    expect(await a.headers()).to.deep.equal({ authorization: 'Bearer satoken' });
    expect(() => inClusterAccess({}, sa)).to.throw(/--kubeconfig/);
  });

  it('in a pod, as client-go: both service variables required, an IPv6 host bracketed', () => {
    const sa = mkdtempSync(join(tmpdir(), 'ddbop-sa-'));
    writeFileSync(join(sa, 'ca.crt'), 'SACA');
    writeFileSync(join(sa, 'token'), 'satoken');
    expect(() => inClusterAccess({ KUBERNETES_SERVICE_HOST: '10.0.0.1' }, sa)).to.throw(
      /KUBERNETES_SERVICE_HOST\/PORT/,
    );
    const a = inClusterAccess({ KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '6443' }, sa);
    expect(a.server.href).to.equal('https://[fd00::1]:6443/');
  });

  it('uses the current context, not the first one', async () => {
    const path = join(dir, 'two-contexts');
    writeFileSync(
      path,
      stringify({
        'current-context': 'b',
        contexts: [
          { name: 'a', context: { cluster: 'one', user: 'u1' } },
          { name: 'b', context: { cluster: 'two', user: 'u2' } },
        ],
        clusters: [
          { name: 'one', cluster: { server: 'https://one.example:6443' } },
          { name: 'two', cluster: { server: 'https://two.example:6443' } },
        ],
        users: [
          { name: 'u1', user: { token: 'wrong' } },
          { name: 'u2', user: { token: 'right' } },
        ],
      }),
    );
    const a = await kubeconfigAccess(path);
    expect(a?.server.host).to.equal('two.example:6443');
    return a?.headers().then((h) => expect(h).to.deep.equal({ authorization: 'Bearer right' }));
  });

  it('sends basic auth for a username and password, and takes http:// servers', async () => {
    const a = await kubeconfigAccess(
      kubeconfig({ username: 'admin', password: 's3cret' }, { server: 'http://127.0.0.1:8080' }),
    );
    expect(a?.server.protocol).to.equal('http:');
    expect(await a?.headers()).to.deep.equal({
      authorization: `Basic ${Buffer.from('admin:s3cret').toString('base64')}`,
    });
  });

  it('a token file wins over an inline token, is re-read at most once a minute, and survives a failed re-read', async () => {
    const tf = join(dir, 'rotating');
    writeFileSync(tf, 'first');
    expect(await (await kubeconfigAccess(kubeconfig({ token: 'inline', tokenFile: tf })))?.headers()).to.deep.equal({
      authorization: 'Bearer first',
    });
    let now = 0;
    const headers = tokenFileHeaders(tf, undefined, () => now);
    expect(await headers()).to.deep.equal({ authorization: 'Bearer first' });
    writeFileSync(tf, 'second');
    now = 59_000;
    expect(await headers()).to.deep.equal({ authorization: 'Bearer first' });
    now = 60_000;
    expect(await headers()).to.deep.equal({ authorization: 'Bearer second' });
    rmSync(tf);
    now = 200_000;
    expect(await headers()).to.deep.equal({ authorization: 'Bearer second' });
  });
});

describe('the client-node fallback (exec plugins)', () => {
  it('runs the exec plugin and sends the token of its ExecCredential', async () => {
    const plugin = join(dir, 'credential-plugin.sh');
    const credential = {
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token: 'from-the-plugin' },
    };
    writeFileSync(plugin, `#!/bin/sh\necho '${JSON.stringify(credential)}'\n`);
    chmodSync(plugin, 0o755);
    const path = kubeconfig({
      exec: { command: plugin, apiVersion: 'client.authentication.k8s.io/v1', interactiveMode: 'Never' },
    });
    expect(await kubeconfigAccess(path)).to.equal(undefined);
    const a = await loadAccess(path);
    expect(a.server.href).to.equal('https://127.0.0.1:6443/');
    expect(await a.headers()).to.deep.equal({ authorization: 'Bearer from-the-plugin' });
    const direct = await clientNodeAccess(path);
    expect((await direct.headers()).authorization).to.equal('Bearer from-the-plugin');
  });
});
