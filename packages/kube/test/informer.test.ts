// The informer's list/watch bookkeeping against a scripted HTTP server that speaks the list and
// watch wire format (the real API server is exercised by the e2e suites; a 410 Gone on demand is
// not something a real one can be made to produce in a test).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { pino } from 'pino';
import { KubeHttp } from '../src/index.ts';
import { Informer } from '../src/index.ts';
import { RESOURCES, SECRETS } from '../src/index.ts';
import type { KubeObject } from '../src/index.ts';

const obj = (name: string, rv: string): KubeObject => ({
  metadata: { name, namespace: 'ns', resourceVersion: rv, uid: name },
});

async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Informer (scripted API server)', () => {
  let server: http.Server;
  let kube: KubeHttp;
  const requests: string[] = [];
  let lists = 0;
  let watches = 0;

  before(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      requests.push(
        `${url.searchParams.get('watch') ? 'watch' : 'list'} rv=${url.searchParams.get('resourceVersion') ?? ''}`,
      );
      res.setHeader('content-type', 'application/json');
      if (!url.searchParams.get('watch')) {
        lists++;
        // First list: a and b. After the 410: b (changed) and c — a was deleted meanwhile.
        const items = lists === 1 ? [obj('a', '5'), obj('b', '6')] : [obj('b', '20'), obj('c', '21')];
        res.end(JSON.stringify({ metadata: { resourceVersion: lists === 1 ? '10' : '30' }, items }));
        return;
      }
      watches++;
      if (watches === 1) {
        // An event, then the server ends the watch normally (timeout): reconnect from rv 11.
        res.write(`${JSON.stringify({ type: 'MODIFIED', object: obj('a', '11') })}\n`);
        res.end();
      } else if (watches === 2) {
        // The resourceVersion is too old: relist.
        res.write(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, message: 'too old' } })}\n`);
        res.end();
      } else {
        res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '31' } } })}\n`);
        // keep open until the test stops the informer
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    kube = new KubeHttp({ server: new URL(`http://127.0.0.1:${port}`), headers: async () => ({}) });
  });

  after(() => {
    kube.close();
    server.closeAllConnections();
    server.close();
  });

  it('lists, watches from the list’s resourceVersion, reconnects, and relists on 410 with the differences', async () => {
    const inf = new Informer<KubeObject>(kube, RESOURCES.DynamoDBTable, 'ns', pino({ level: 'silent' }), {
      backoffBaseMs: 10,
    });
    const seen: string[] = [];
    inf.on({
      add: (o) => seen.push(`add ${o.metadata.name}@${o.metadata.resourceVersion}`),
      update: (_o, n) => seen.push(`update ${n.metadata.name}@${n.metadata.resourceVersion}`),
      delete: (o) => seen.push(`delete ${o.metadata.name}`),
    });
    expect(inf.synced).to.equal(false);
    inf.start();
    await inf.waitForSync();
    await until('third watch open', () => watches >= 3);
    inf.stop();
    expect(requests.slice(0, 5)).to.deep.equal(['list rv=', 'watch rv=10', 'watch rv=11', 'list rv=', 'watch rv=30']);
    expect(seen).to.deep.equal(['add a@5', 'add b@6', 'update a@11', 'delete a', 'update b@20', 'add c@21']);
    expect(inf.get('ns/c')?.metadata.resourceVersion).to.equal('21');
    expect(inf.get('ns/a')).to.equal(undefined);
    expect([inf.has('ns/c'), inf.has('ns/a')], 'has() agrees with get()').to.deep.equal([true, false]);
    expect(inf.size).to.equal(2);
  });
});

describe('Informer for one Secret (scripted API server): field selector, data not kept, 403 stops it', () => {
  let server: http.Server;
  let kube: KubeHttp;
  const seen: { watch: boolean; fieldSelector: string | null }[] = [];
  let forbid = false;

  before(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      seen.push({ watch: url.searchParams.has('watch'), fieldSelector: url.searchParams.get('fieldSelector') });
      res.setHeader('content-type', 'application/json');
      if (forbid) {
        res.statusCode = 403;
        res.end(JSON.stringify({ kind: 'Status', code: 403, reason: 'Forbidden', message: 'secrets is forbidden' }));
        return;
      }
      if (!url.searchParams.has('watch')) {
        const secret = { ...obj('creds', '5'), data: { 'access-key-id': 'QUtJRA==' } };
        res.end(JSON.stringify({ metadata: { resourceVersion: '10' }, items: [secret] }));
        return;
      }
      const changed = { ...obj('creds', '11'), data: { 'access-key-id': 'TkVX' } };
      res.write(`${JSON.stringify({ type: 'MODIFIED', object: changed })}\n`);
      // keep open until the test stops the informer
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    kube = new KubeHttp({ server: new URL(`http://127.0.0.1:${port}`), headers: async () => ({}) });
  });

  after(() => {
    kube.close();
    server.closeAllConnections();
    server.close();
  });

  it('lists and watches by name, keeps no data, reports the change after the first list', async () => {
    const inf = new Informer<KubeObject>(kube, SECRETS, 'ns', pino({ level: 'silent' }), {
      fieldSelector: 'metadata.name=creds',
      omit: ['data', 'stringData'],
    });
    const events: string[] = [];
    inf.on({
      add: (o) => events.push(`add ${o.metadata.resourceVersion} synced=${inf.synced}`),
      update: (_o, n) => events.push(`update ${n.metadata.resourceVersion} synced=${inf.synced}`),
    });
    inf.start();
    await until('the MODIFIED event', () => events.length >= 2);
    inf.stop();
    expect(seen.slice(0, 2)).to.deep.equal([
      { watch: false, fieldSelector: 'metadata.name=creds' },
      { watch: true, fieldSelector: 'metadata.name=creds' },
    ]);
    expect(events).to.deep.equal(['add 5 synced=false', 'update 11 synced=true']);
    expect(inf.get('ns/creds')).to.not.have.property('data');
  });

  it('stops on 403 Forbidden when asked to, instead of retrying forever', async () => {
    forbid = true;
    seen.length = 0;
    const inf = new Informer<KubeObject>(kube, SECRETS, 'ns', pino({ level: 'silent' }), {
      fieldSelector: 'metadata.name=creds',
      stopOnForbidden: true,
      backoffBaseMs: 5,
    });
    inf.start();
    await until('the first request', () => seen.length >= 1);
    await new Promise((r) => setTimeout(r, 100)); // 20 backoff periods: a retrying informer would ask again
    inf.stop();
    expect(seen).to.have.length(1);
  });
});
