import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { IDLE_CONNECTIONS_KEPT, KubeHttp } from '../src/index.ts';

// A burst of requests opens many connections; afterwards only a few stay open (each idle TLS connection
// to the API server holds ~170 kB of the controller's resident memory).
describe('KubeHttp connection pool', function () {
  this.timeout(20_000);
  let server: http.Server;
  const open = new Set<Socket>();
  before(async () => {
    server = http.createServer((_req, res) => {
      // slow enough that the burst's requests overlap and need a connection each
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 50);
    });
    server.on('connection', (s: Socket) => {
      open.add(s);
      s.on('close', () => open.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('keeps at most IDLE_CONNECTIONS_KEPT idle connections after a burst of 20 concurrent requests', async () => {
    const { port } = server.address() as AddressInfo;
    const kube = new KubeHttp({ server: new URL(`http://127.0.0.1:${port}`), headers: async () => ({}) });
    let peak = 0;
    const counting = setInterval(() => (peak = Math.max(peak, open.size)), 5);
    await Promise.all(Array.from({ length: 20 }, () => kube.request('GET', '/version')));
    clearInterval(counting);
    expect(peak, 'the burst opened a connection per request').to.be.greaterThan(IDLE_CONNECTIONS_KEPT);
    const deadline = Date.now() + 5_000;
    while (open.size > IDLE_CONNECTIONS_KEPT && Date.now() < deadline) await sleep(20);
    expect(open.size).to.be.at.most(IDLE_CONNECTIONS_KEPT).and.at.least(1);
    // the kept connections serve the next request (no new connection)
    const before = open.size;
    await kube.request('GET', '/version');
    expect(open.size).to.equal(before);
    kube.close();
  });
});
