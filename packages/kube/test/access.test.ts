import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { stringify } from 'yaml';
import { inClusterAccess, kubeconfigAccess } from '../src/index.ts';

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
    const a = kubeconfigAccess(
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

  it('reads certificate files relative to the kubeconfig and honours insecure-skip-tls-verify', () => {
    writeFileSync(join(dir, 'ca.pem'), 'CAFILE');
    const a = kubeconfigAccess(kubeconfig({}, { 'certificate-authority': 'ca.pem', 'insecure-skip-tls-verify': true }));
    expect(String(a?.ca)).to.equal('CAFILE');
    expect(a?.rejectUnauthorized).to.equal(false);
  });

  it('sends bearer tokens, inline or from a token file', async () => {
    expect(await kubeconfigAccess(kubeconfig({ token: 'abc' }))?.headers()).to.deep.equal({
      authorization: 'Bearer abc',
    });
    const tf = join(dir, 'token');
    writeFileSync(tf, 'fromfile\n');
    expect(await kubeconfigAccess(kubeconfig({ tokenFile: tf }))?.headers()).to.deep.equal({
      authorization: 'Bearer fromfile',
    });
  });

  it('leaves exec plugins to client-node (returns undefined)', () => {
    expect(
      kubeconfigAccess(kubeconfig({ exec: { command: 'aws', apiVersion: 'client.authentication.k8s.io/v1' } })),
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
});
