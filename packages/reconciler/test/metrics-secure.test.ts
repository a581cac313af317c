// --metrics-secure of the reconciler: the flag, the in-memory certificate, and the listener's decisions
// for /metrics (the API server's answers stand in for TokenReview and SubjectAccessReview here; the
// real ones are exercised by test/e2e/metrics-secure.test.ts).
import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { Gauge, Registry } from 'prom-client';
import { loadConfig } from '../src/config.ts';
import { listenProbes } from '@dynamodb-operator/runtime';
import { metricsAuthorizer } from '@dynamodb-operator/api';
import type { KubePost } from '@dynamodb-operator/api';
import { certificateSerial, selfSignedCertificate } from '../src/observability/self-signed.ts';

function get(port: number, path: string, ca: string, token?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, ca, headers: token ? { authorization: `Bearer ${token}` } : {} },
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

/** The API server as TokenReview/SubjectAccessReview answer: `good` is alice (allowed), `other` is bob. */
function fakeApiServer(calls: string[]): KubePost {
  return (path, body) => {
    calls.push(path);
    const spec = (body as { spec: { token?: string; user?: string; nonResourceAttributes?: unknown } }).spec;
    if (path.endsWith('/tokenreviews')) {
      const user = spec.token === 'good' ? 'alice' : spec.token === 'other' ? 'bob' : undefined;
      return Promise.resolve({ status: user ? { authenticated: true, user: { username: user } } : {} });
    }
    expect(spec.nonResourceAttributes).to.deep.equal({ path: '/metrics', verb: 'get' });
    return Promise.resolve({ status: { allowed: spec.user === 'alice' } });
  };
}

describe('reconciler --metrics-secure', () => {
  it('parses the flag (off by default)', () => {
    expect(loadConfig([], {}).metricsSecure).to.equal(false);
    expect(loadConfig(['--metrics-secure=true'], {}).metricsSecure).to.equal(true);
    expect(loadConfig([], { METRICS_SECURE: 'true' }).metricsSecure).to.equal(true);
    expect(() => loadConfig(['--metrics-secure=maybe'], {})).to.throw(/--metrics-secure/);
  });

  it('makes a self-signed P-256 certificate with the given names, that verifies itself', () => {
    const { cert } = selfSignedCertificate(['metrics.local', '127.0.0.1', '::1']);
    const x509 = new X509Certificate(cert);
    expect(x509.verify(x509.publicKey)).to.equal(true);
    expect(x509.subjectAltName).to.equal('DNS:metrics.local, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(x509.checkHost('metrics.local')).to.equal('metrics.local');
    expect(new Date(x509.validTo).getTime()).to.be.greaterThan(Date.now() + 300 * 86_400_000);
  });

  it('gives every random serial a first byte that is a minimal positive DER INTEGER (CI met 00 01…: "illegal padding")', () => {
    for (let first = 0; first < 256; first++) {
      const serial = certificateSerial(Buffer.from([first, 0x01, ...Array<number>(14).fill(0xab)]));
      expect(serial[0], `random first byte ${first}`).to.be.within(0x01, 0x7f);
      expect(serial).to.have.length(16);
      expect(serial.subarray(1).toString('hex')).to.equal(`01${'ab'.repeat(14)}`);
    }
  });

  it('serves HTTPS; /metrics 401 without a token, 403 when not allowed, 200 when allowed; decisions cached', async () => {
    const tls = selfSignedCertificate(['localhost', '127.0.0.1']);
    const registry = new Registry();
    new Gauge({ name: 'dynamodb_operator_tables', help: 'tables', registers: [registry] }).set(3);
    const calls: string[] = [];
    const probes = await listenProbes(
      '127.0.0.1',
      0,
      { metrics: registry, readyz: () => ({ ok: true, detail: 'synced' }) },
      { tls, authorize: metricsAuthorizer(fakeApiServer(calls)) },
    );
    const { port } = probes;
    try {
      expect((await get(port, '/readyz', tls.cert)).status).to.equal(200);
      expect((await get(port, '/metrics', tls.cert)).status).to.equal(401);
      expect((await get(port, '/metrics', tls.cert, 'forged')).status).to.equal(401);
      const bob = await get(port, '/metrics', tls.cert, 'other');
      expect(bob.status).to.equal(403);
      expect(bob.text).to.include('bob may not get /metrics');
      const alice = await get(port, '/metrics', tls.cert, 'good');
      expect(alice.status).to.equal(200);
      expect(alice.text).to.include('dynamodb_operator_tables 3');
      const before = calls.length;
      expect((await get(port, '/metrics', tls.cert, 'good')).status).to.equal(200);
      expect(calls.length, 'a second scrape within the cache time asks the API server nothing').to.equal(before);
    } finally {
      await probes.close();
    }
  });
});
