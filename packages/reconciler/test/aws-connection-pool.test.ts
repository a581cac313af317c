// After a burst of AWS calls only a few connections stay open: the SDK's agents would otherwise keep every
// socket of the burst (up to 50 per client), each ~170 kB of resident memory over TLS.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { KubeObject } from '@dynamodb-operator/kube';
import { expect } from 'chai';
import { buildClients } from '../src/aws/clients.ts';
import { DEFAULT_AWS_TIMEOUTS, requestHandlerOptions } from '../src/aws/deadlines.ts';

const secret: KubeObject = {
  metadata: { name: 'creds', namespace: 'ns', resourceVersion: '1' },
  data: {
    'access-key-id': Buffer.from('AKIAPOOL').toString('base64'),
    'secret-access-key': Buffer.from('pool-secret').toString('base64'),
  },
};

describe('AWS clients keep few idle connections (real SDK, real sockets)', function () {
  this.timeout(20_000);
  let server: http.Server;
  const open = new Set<Socket>();
  before(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      // slow enough that the burst's calls overlap and need a connection each
      setTimeout(
        () => res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"TableNames":[]}'),
        50,
      );
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

  it('a burst of 20 concurrent calls leaves at most maxFreeSockets connections open', async () => {
    const { port } = server.address() as AddressInfo;
    const kept = requestHandlerOptions(DEFAULT_AWS_TIMEOUTS).httpAgent.maxFreeSockets;
    const clients = await buildClients(
      {
        metadata: { name: 'p', namespace: 'ns', uid: 'u1', generation: 1 },
        spec: { region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, credentialsSecret: { name: 'creds' } },
      },
      async () => secret,
      undefined,
      {},
    );
    let peak = 0;
    const counting = setInterval(() => (peak = Math.max(peak, open.size)), 5);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => clients.dynamodb.send(new ListTablesCommand({}))),
    );
    clearInterval(counting);
    expect(answers.every((a) => Array.isArray(a.TableNames))).to.equal(true);
    expect(peak, 'the burst opened a connection per call').to.be.greaterThan(kept);
    const deadline = Date.now() + 5_000;
    while (open.size > kept && Date.now() < deadline) await sleep(20);
    expect(open.size).to.be.at.most(kept).and.at.least(1);
    clients.dynamodb.destroy();
  });
});
