// KubeHttp feeds client-go's rest_client_* metrics: one count per request with the status (or <error>
// when no response came), latency by verb and url template, and watches counted at their headers.
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { KubeHttp } from '@dynamodb-operator/kube';
import { makeMetrics } from '../src/observability/metrics.ts';

describe('KubeHttp rest_client metrics', () => {
  let server: http.Server;
  let base: URL;
  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url?.includes('watch=true')) {
        // Headers now, then hold the stream open: the watch must be counted before any event.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        return;
      }
      if (req.url?.endsWith('/throttled')) {
        res.writeHead(429, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', reason: 'TooManyRequests', message: 'slow down' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const kubeWith = (server_: URL) => {
    const metrics = makeMetrics(false);
    const kube = new KubeHttp({ server: server_, headers: () => Promise.resolve({}) }, metrics.restClient);
    return { metrics, kube };
  };
  type Labels = Partial<Record<'code' | 'method' | 'host', string>>;
  const value = async (metrics: ReturnType<typeof makeMetrics>, labels: Labels) =>
    (await metrics.restRequests.get()).values.find((v) =>
      (Object.keys(labels) as (keyof Labels)[]).every((k) => v.labels[k] === labels[k]),
    )?.value ?? 0;

  it('counts by code, method and host and times by verb and url template', async () => {
    const { metrics, kube } = kubeWith(base);
    await kube.get('/apis/aws-infra-operator.runner.codes/v1alpha1/namespaces/a/dynamodbs/t1');
    await kube.get('/apis/aws-infra-operator.runner.codes/v1alpha1/namespaces/b/dynamodbs/t2');
    await kube.get('/apis/g/v1/namespaces/a/things/throttled').catch(() => undefined);
    kube.close();
    expect(await value(metrics, { code: '200', method: 'GET', host: base.host })).to.equal(2);
    expect(await value(metrics, { code: '429', method: 'GET', host: base.host })).to.equal(1);
    const latency = (await metrics.restLatency.get()).values.filter(
      (v) => v.metricName === 'rest_client_request_duration_seconds_count',
    );
    expect(latency.map((v) => [v.labels.verb, v.labels.url, v.value])).to.have.deep.members([
      ['GET', '/apis/aws-infra-operator.runner.codes/v1alpha1/namespaces/{namespace}/dynamodbs/{name}', 2],
      ['GET', '/apis/g/v1/namespaces/{namespace}/things/{name}', 1],
    ]);
  });

  it('counts <error> when no response arrives', async () => {
    // A port nobody listens on: connection refused.
    const closed = http.createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const dead = new URL(`http://127.0.0.1:${(closed.address() as AddressInfo).port}`);
    closed.close();
    await once(closed, 'close');
    const { metrics, kube } = kubeWith(dead);
    await kube.get('/api/v1/namespaces/a/secrets/s').then(
      () => expect.fail('expected a connection error'),
      () => undefined,
    );
    kube.close();
    expect(await value(metrics, { code: '<error>', method: 'GET', host: dead.host })).to.equal(1);
  });

  it('counts a watch when its headers arrive, without a latency sample', async () => {
    const { metrics, kube } = kubeWith(base);
    const stop = new AbortController();
    const done = kube.watch('/apis/g/v1/things?watch=true', () => undefined, stop.signal, 60_000);
    // Wait for the count (the stream stays open and sends nothing), then end the watch.
    const deadline = Date.now() + 5000;
    while ((await value(metrics, { code: '200', method: 'GET' })) === 0 && Date.now() < deadline) {
      await new Promise((r) => setImmediate(r));
    }
    expect(await value(metrics, { code: '200', method: 'GET', host: base.host })).to.equal(1);
    stop.abort();
    await done.catch(() => undefined);
    kube.close();
    const samples = (await metrics.restLatency.get()).values.filter(
      (v) => v.metricName === 'rest_client_request_duration_seconds_count',
    );
    expect(samples).to.deep.equal([]);
  });
});
