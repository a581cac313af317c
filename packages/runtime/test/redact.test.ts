import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLogger } from '../src/log.ts';
import { CENSOR, REDACTED_KEYS, censorSecrets, redactFields } from '../src/redact.ts';

function capture(): { lines: string[]; out: Writable } {
  const lines: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, out };
}

describe('log redaction', () => {
  it('censors every redacted key one level down, and copies instead of changing what was logged', () => {
    for (const key of REDACTED_KEYS) {
      const logged = { keep: 'visible', [key]: 'hidden' };
      const fields = { what: logged };
      expect(redactFields(fields)).to.deep.equal({ what: { keep: 'visible', [key]: CENSOR } });
      expect(logged[key]).to.equal('hidden');
    }
  });

  it('returns the very same objects when nothing is to be censored', () => {
    const fields = { table: 't', nested: { name: 'n', deeper: { password: 'two levels down: not a path' } } };
    expect(redactFields(fields)).to.equal(fields);
    expect(censorSecrets('a string')).to.equal('a string');
    expect(censorSecrets(null)).to.equal(null);
  });

  it('censors req.headers.authorization, two levels down', () => {
    const req = { method: 'GET', headers: { authorization: 'Bearer abc', accept: 'json' } };
    expect(redactFields({ req })).to.deep.equal({
      req: { method: 'GET', headers: { authorization: CENSOR, accept: 'json' } },
    });
    expect(req.headers.authorization).to.equal('Bearer abc');
  });

  it('a logger censors a child’s bindings, an error under any key, and keeps err’s type and stack', () => {
    const { lines, out } = capture();
    const log = createLogger({ component: 'test', level: 'info' }, out);
    const child = log.child({ name: 'orders', provider: { secretAccessKey: 'BOUND' } });
    const err = Object.assign(new RangeError('boom'), { sessionToken: 'ERRTOKEN', $metadata: { requestId: 'R1' } });
    child.info({ err, other: Object.assign(new Error('x'), { token: 'OTHERTOKEN' }) }, 'line');
    const text = lines.join('');
    for (const secret of ['BOUND', 'ERRTOKEN', 'OTHERTOKEN']) expect(text).not.to.contain(secret);
    const parsed = JSON.parse(text) as { name: string; err: { type: string; stack: string; $metadata: object } };
    expect(parsed.name).to.equal('orders');
    expect(parsed.err.type).to.equal('RangeError');
    expect(parsed.err.stack).to.contain('boom');
    expect(parsed.err.$metadata).to.deep.equal({ requestId: 'R1' });
  });
});
