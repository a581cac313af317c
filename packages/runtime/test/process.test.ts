import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLogger } from '../src/log.ts';
import { listenProbes } from '../src/probe-server.ts';
import { missingSettings } from '../src/v8-flags.ts';

describe('runtime process set-up: logger, probe server, V8 flags', () => {
  it('the logger redacts credentials, tokens and Secret data, and serializes errors under err', () => {
    const lines: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger({ component: 'test', level: 'info' }, out);
    log.info(
      {
        creds: { accessKeyId: 'AKIA', secretAccessKey: 's3cr3t', sessionToken: 'tok' },
        req: { headers: { authorization: 'Bearer abc' } },
        secret: { data: { key: 'dmFsdWU=' } },
        review: { token: 'xyz' },
        err: new TypeError('boom'),
      },
      'x',
    );
    const line = lines.join('');
    for (const secret of ['AKIA', 's3cr3t', 'Bearer abc', 'dmFsdWU=', 'xyz']) expect(line).not.to.contain(secret);
    const parsed = JSON.parse(line) as { component: string; err: { type: string; stack: string } };
    expect(parsed.component).to.equal('test');
    expect(parsed.err.type).to.equal('TypeError');
    expect(parsed.err.stack).to.contain('boom');
  });

  it('serves /healthz, /readyz (503 with the reason) and /metrics; other methods get 405', async () => {
    let ready = false;
    const probes = await listenProbes('127.0.0.1', 0, {
      metrics: { metrics: () => Promise.resolve('up 1\n'), contentType: 'text/plain; version=0.0.4' },
      healthz: () => ({ ok: true, detail: 'alive' }),
      readyz: () => (ready ? { ok: true, detail: 'synced' } : { ok: false, detail: 'shutting down' }),
    });
    try {
      const get = (path: string, method = 'GET') => fetch(`http://127.0.0.1:${probes.port}${path}`, { method });
      expect((await get('/healthz')).status).to.equal(200);
      const notReady = await get('/readyz');
      expect(notReady.status).to.equal(503);
      expect(await notReady.text()).to.contain('shutting down');
      ready = true;
      expect((await get('/readyz')).status).to.equal(200);
      expect(await (await get('/metrics')).text()).to.equal('up 1\n');
      expect((await get('/metrics', 'POST')).status).to.equal(405);
      expect((await get('/nope')).status).to.equal(404);
    } finally {
      await probes.close();
    }
    const closed = fetch(`http://127.0.0.1:${probes.port}/healthz`);
    await closed.then(
      () => expect.fail('still listening'),
      (err: unknown) => expect(String(err)).to.match(/fetch failed/),
    );
  });

  it('V8 flags and start-time variables: only what the process does not have yet', () => {
    const settings = { flags: ['--max-semi-space-size=8', '--expose-gc'], env: { MALLOC_ARENA_MAX: '2' } };
    expect(missingSettings(settings, [], {})).to.deep.equal({
      flags: ['--max-semi-space-size=8', '--expose-gc'],
      env: { MALLOC_ARENA_MAX: '2' },
    });
    expect(
      missingSettings(settings, ['--expose_gc'], { NODE_OPTIONS: '--max-semi-space-size=4', MALLOC_ARENA_MAX: '4' }),
    ).to.deep.equal({ flags: [], env: {} });
  });

  it('a negated flag given (--opt against our --no-opt) overrides ours instead of being overridden', () => {
    const settings = { flags: ['--no-opt', '--no-maglev', '--expose-gc'] };
    expect(missingSettings(settings, [], { NODE_OPTIONS: '--opt --maglev' }).flags).to.deep.equal(['--expose-gc']);
    expect(missingSettings(settings, ['--no_opt'], {}).flags).to.deep.equal(['--no-maglev', '--expose-gc']);
  });
});
