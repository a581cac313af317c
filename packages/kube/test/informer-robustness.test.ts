// Two watch failure modes client-go guards against, against a tiny local API server: a watch the
// server closes at once (must back off, not reconnect in a hot loop), and a slow or throwing handler
// (must neither stall nor kill the stream: handlers run outside the socket's data callback).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { pino } from 'pino';
import { Informer, KubeHttp, RESOURCES } from '../src/index.ts';
import type { KubeObject } from '../src/index.ts';

const obj = (name: string, rv: string): KubeObject => ({
  metadata: { name, namespace: 'ns', resourceVersion: rv, uid: name },
});
const silent = pino({ level: 'silent' });

async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A server answering lists with `items` and watches with `onWatch`; counts both. */
async function apiServer(onWatch: (res: http.ServerResponse, n: number) => void, items: KubeObject[]) {
  const counts = { lists: 0, watches: 0 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    res.setHeader('content-type', 'application/json');
    if (!url.searchParams.get('watch')) {
      counts.lists++;
      res.end(JSON.stringify({ metadata: { resourceVersion: '10' }, items }));
      return;
    }
    counts.watches++;
    onWatch(res, counts.watches);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const kube = new KubeHttp({ server: new URL(`http://127.0.0.1:${port}`), headers: async () => ({}) });
  const close = () => {
    kube.close();
    server.closeAllConnections();
    server.close();
  };
  return { counts, kube, close };
}

describe('Informer robustness (local API server)', () => {
  it('backs off after a very short watch (closed at once, no event) instead of reconnecting in a hot loop', async () => {
    const api = await apiServer(
      (res) => {
        res.writeHead(200);
        res.end();
      },
      [obj('a', '5')],
    );
    const inf = new Informer<KubeObject>(api.kube, RESOURCES.DynamoDBTable, 'ns', silent, {
      backoffBaseMs: 100,
      backoffMaxMs: 400,
    });
    try {
      inf.start();
      await inf.waitForSync();
      const from = api.counts.watches;
      await new Promise((r) => setTimeout(r, 1500));
      const reconnects = api.counts.watches - from;
      // 100 + 200 + 400 + 400 ms (±20%) of backoff fit in 1.5 s: about 5; a hot loop makes hundreds.
      expect(reconnects).to.be.within(2, 8);
      // The short watch is retried from the same resourceVersion, not relisted.
      expect(api.counts.lists).to.equal(1);
    } finally {
      inf.stop();
      api.close();
    }
  });

  it('delivers handler notifications outside the socket callback: a slow or throwing handler neither stalls nor kills the stream', async () => {
    const api = await apiServer(
      (res) => {
        res.writeHead(200);
        // Three changes in one chunk, then the stream stays open.
        res.write(
          ['6', '7', '8'].map((rv) => `${JSON.stringify({ type: 'MODIFIED', object: obj('a', rv) })}\n`).join(''),
        );
      },
      [obj('a', '5')],
    );
    const inf = new Informer<KubeObject>(api.kube, RESOURCES.DynamoDBTable, 'ns', silent, { backoffBaseMs: 10 });
    const seen: { rv: string | undefined; storeRv: string | undefined }[] = [];
    inf.on({
      update: (_old, fresh) => {
        seen.push({ rv: fresh.metadata.resourceVersion, storeRv: inf.get('ns/a')?.metadata.resourceVersion });
        if (fresh.metadata.resourceVersion === '6') throw new Error('handler bug');
        if (fresh.metadata.resourceVersion === '7') {
          const end = Date.now() + 200;
          while (Date.now() < end); // a slow handler
        }
      },
    });
    const alsoSeen: string[] = [];
    inf.on({ update: (_old, fresh) => alsoSeen.push(fresh.metadata.resourceVersion ?? '') });
    try {
      inf.start();
      await until('three updates', () => seen.length === 3);
      // The data callback had already put all three into the store before the first handler ran.
      expect(seen).to.deep.equal([
        { rv: '6', storeRv: '8' },
        { rv: '7', storeRv: '8' },
        { rv: '8', storeRv: '8' },
      ]);
      // The throwing handler did not stop the other handler, nor end the watch.
      expect(alsoSeen).to.deep.equal(['6', '7', '8']);
      expect(api.counts.watches).to.equal(1);
      expect(api.counts.lists).to.equal(1);
      expect(inf.lastContact).to.be.greaterThan(0);
    } finally {
      inf.stop();
      api.close();
    }
  });
});
