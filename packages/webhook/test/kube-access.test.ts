// Reading a kubeconfig for the AWSProvider watch: the current context's server, CA and credentials.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inClusterAccess, kubeconfigAccess, UnsupportedKubeconfig } from '../src/providers/kube-access.ts';

describe('kube access (kubeconfig and in-cluster)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ddbop-kubeconfig-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const kubeconfig = (user: string, cluster = 'certificate-authority-data: Q0E=') =>
    write(
      'config',
      `apiVersion: v1
kind: Config
current-context: b
contexts:
  - name: a
    context: { cluster: one, user: u1 }
  - name: b
    context: { cluster: two, user: u2 }
clusters:
  - name: one
    cluster: { server: https://one.example:6443 }
  - name: two
    cluster:
      server: https://127.0.0.1:34567
      ${cluster}
users:
  - name: u1
    user: { token: wrong }
  - name: u2
    user:
${user}
`,
    );

  it('uses the current context: server, inline CA and client certificate', () => {
    const access = kubeconfigAccess(kubeconfig('      client-certificate-data: Q0VSVA==\n      client-key-data: S0VZ'));
    expect(access.server.host).to.equal('127.0.0.1:34567');
    expect(access.ca?.toString()).to.equal('CA');
    expect(access.cert?.toString()).to.equal('CERT');
    expect(access.key?.toString()).to.equal('KEY');
    expect(access.token()).to.equal(undefined);
  });

  it('reads file references relative to the kubeconfig, and a token file on every call', () => {
    write('ca.crt', 'FILE-CA');
    const tokenFile = write('token', 'first\n');
    const access = kubeconfigAccess(kubeconfig('      tokenFile: token', 'certificate-authority: ca.crt'));
    expect(access.ca?.toString()).to.equal('FILE-CA');
    expect(access.token()).to.equal('first');
    writeFileSync(tokenFile, 'rotated');
    expect(access.token()).to.equal('rotated');
  });

  it('reports exec plugins as unsupported (the caller falls back to the client library)', () => {
    const path = kubeconfig('      exec: { command: aws, apiVersion: client.authentication.k8s.io/v1 }');
    expect(() => kubeconfigAccess(path)).to.throw(UnsupportedKubeconfig, /exec plugin/);
  });

  it('in a pod: service host and port, the mounted CA, and the token re-read each time', () => {
    write('ca.crt', 'POD-CA');
    write('token', 'sa-token');
    const access = inClusterAccess({ KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }, dir);
    expect(access.server.href).to.equal('https://10.96.0.1/');
    expect(access.ca?.toString()).to.equal('POD-CA');
    expect(access.token()).to.equal('sa-token');
    expect(() => inClusterAccess({}, dir)).to.throw(/--kubeconfig/);
  });
});
