import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { KubeApiError, KubeHttp } from '../src/index.ts';

// KubeHttp reads response bodies from stream events (not `for await`, which costs a request ~10% more
// CPU): a body in many chunks arrives whole, an error body becomes a KubeApiError, and a body cut off
// by a dropped connection fails the request instead of parsing half a document.
describe('KubeHttp response bodies', function () {
  this.timeout(10_000);
  let server: http.Server;
  let kube: KubeHttp;
  const big = { items: Array.from({ length: 2_000 }, (_, i) => ({ name: `table-${i}`, pad: 'x'.repeat(40) })) };
  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/chunked') {
        const text = JSON.stringify(big);
        res.writeHead(200, { 'content-type': 'application/json' });
        for (let i = 0; i < text.length; i += 1_000) res.write(text.slice(i, i + 1_000));
        res.end();
      } else if (req.url === '/missing') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', reason: 'NotFound', message: 'dynamodbs "x" not found' }));
      } else {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"items":[{"name":"half');
        setTimeout(() => res.socket?.destroy(), 20);
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    kube = new KubeHttp({ server: new URL(`http://127.0.0.1:${port}`), headers: async () => ({}) });
  });
  after(() => {
    kube.close();
    server.closeAllConnections();
    server.close();
  });

  it('joins a body sent in many chunks', async () => {
    const got = await kube.get<typeof big>('/chunked');
    expect(got.items).to.have.length(2_000);
    expect(got).to.deep.equal(big);
  });

  it('turns an error body into a KubeApiError with its reason and message', async () => {
    const err = await kube.get('/missing').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(KubeApiError);
    expect((err as KubeApiError).status).to.equal(404);
    expect((err as KubeApiError).reason).to.equal('NotFound');
    expect((err as KubeApiError).message).to.contain('dynamodbs "x" not found');
  });

  it('fails a request whose body the connection cut short', async () => {
    const err = await kube.get('/cut').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(Error);
    expect(err).not.to.be.instanceOf(SyntaxError);
  });
});
