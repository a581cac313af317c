import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { expect } from 'chai';
import { DEFAULT_MAX_CONNECTIONS, KubeHttp } from '../src/index.ts';

// A burst of requests shares a few connections, all kept for the next burst: each TLS connection to the API
// server holds ~170 kB of the controller's resident memory, and reopening them churns native memory.
describe('KubeHttp connection pool', function () {
  this.timeout(20_000);
  let server: http.Server;
  const open = new Set<Socket>();
  let accepted = 0;
  before(async () => {
    server = http.createServer((_req, res) => {
      // slow enough that the burst's requests overlap and need a connection each
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 50);
    });
    server.on('connection', (s: Socket) => {
      accepted++;
      open.add(s);
      s.on('close', () => open.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('serves a burst of 20 concurrent requests over at most DEFAULT_MAX_CONNECTIONS connections, and keeps them', async () => {
    const { port } = server.address() as AddressInfo;
    const kube = new KubeHttp({ server: new URL(`http://127.0.0.1:${port}`), headers: async () => ({}) });
    let peak = 0;
    const counting = setInterval(() => (peak = Math.max(peak, open.size)), 5);
    for (let burst = 0; burst < 2; burst++) {
      await Promise.all(Array.from({ length: 20 }, () => kube.request('GET', '/version')));
    }
    clearInterval(counting);
    expect(peak).to.equal(DEFAULT_MAX_CONNECTIONS);
    expect(accepted, "the second burst reused the first one's connections").to.equal(DEFAULT_MAX_CONNECTIONS);
    expect(open.size).to.equal(DEFAULT_MAX_CONNECTIONS);
    kube.close();
  });
});
