// The client-node fallback of packages/kube against the real API server: a kubeconfig whose user is an
// exec credential plugin (kubectl's client.authentication.k8s.io protocol) is read by client-node, and
// the requests still go through KubeHttp. The plugin hands out the test environment's client
// certificates, so the API server's answer says whose credential was used.
import { expect } from 'chai';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { KubeApiError, KubeHttp, kubeconfigAccess, loadAccess } from '@dynamodb-operator/kube';
import { testEnv } from './support/env.ts';

interface Kubeconfig {
  clusters: { cluster: Record<string, string> }[];
  users: { user: Record<string, string> }[];
}

describe('kube: the exec-plugin fallback against the real API server', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ddbop-exec-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A kubeconfig for the test cluster whose credential comes from a plugin printing `from`'s certificate. */
  function execKubeconfig(from: string, name: string): string {
    const source = parse(readFileSync(from, 'utf8')) as Kubeconfig;
    const cluster = source.clusters[0]?.cluster ?? {};
    const user = source.users[0]?.user ?? {};
    const pem = (key: string) => Buffer.from(user[`${key}-data`] ?? '', 'base64').toString('utf8');
    const credential = {
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { clientCertificateData: pem('client-certificate'), clientKeyData: pem('client-key') },
    };
    const plugin = join(dir, `${name}.sh`);
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(credential));
    writeFileSync(plugin, `#!/bin/sh\nexec cat '${join(dir, `${name}.json`)}'\n`);
    chmodSync(plugin, 0o755);
    const path = join(dir, `${name}.kubeconfig`);
    writeFileSync(
      path,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'c',
        contexts: [{ name: 'c', context: { cluster: 'k', user: 'plugin' } }],
        clusters: [{ name: 'k', cluster }],
        users: [
          {
            name: 'plugin',
            user: {
              exec: { command: plugin, apiVersion: 'client.authentication.k8s.io/v1', interactiveMode: 'Never' },
            },
          },
        ],
      }),
    );
    return path;
  }

  it('reads a namespace with the admin certificate the plugin returned', async () => {
    const path = execKubeconfig(testEnv().kubeconfig, 'admin');
    expect(await kubeconfigAccess(path)).to.equal(undefined);
    const kube = new KubeHttp(await loadAccess(path));
    try {
      const ns = await kube.get<{ metadata: { name: string } }>('/api/v1/namespaces/default');
      expect(ns.metadata.name).to.equal('default');
    } finally {
      kube.close();
    }
  });

  it('is refused as the low-privilege user when the plugin returns that certificate', async () => {
    const kube = new KubeHttp(await loadAccess(execKubeconfig(testEnv().lowPrivilegeKubeconfig, 'lowpriv')));
    try {
      const error = await kube.get('/api/v1/namespaces/default').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(KubeApiError);
      expect((error as KubeApiError).status).to.equal(403);
      expect((error as KubeApiError).message).to.include('ddbop-e2e-lowpriv');
    } finally {
      kube.close();
    }
  });
});
