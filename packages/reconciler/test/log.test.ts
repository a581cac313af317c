// Errors are logged as `{ err }`: pino's serializer keeps what String(err) loses, and the redact list
// still applies inside the serialized error.
import { expect } from 'chai';
import { makeLogger } from '../src/observability/log.ts';

function capture(): { lines: Record<string, unknown>[]; write(s: string): void } {
  const lines: Record<string, unknown>[] = [];
  return { lines, write: (s) => lines.push(JSON.parse(s) as Record<string, unknown>) };
}

describe('reconciler logger', () => {
  it('serializes an AWS SDK error with its type, stack and $metadata', () => {
    const out = capture();
    const err = Object.assign(new Error('Requested resource not found'), {
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 400, requestId: 'R1' },
    });
    makeLogger('info', out).warn({ err }, 'reconcile failed; retrying with backoff');
    const logged = out.lines[0]?.err as Record<string, unknown>;
    expect(logged.type).to.equal('Error');
    expect(logged.message).to.equal('Requested resource not found');
    expect(String(logged.stack)).to.contain('ResourceNotFoundException: Requested resource not found');
    expect(logged.$metadata).to.deep.equal({ httpStatusCode: 400, requestId: 'R1' });
  });

  it('redacts credentials carried inside a serialized error', () => {
    const out = capture();
    const err = Object.assign(new Error('bad'), {
      credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'SECRET' },
      sessionToken: 'TOKEN',
    });
    makeLogger('info', out).error({ err }, 'failed');
    const text = JSON.stringify(out.lines);
    expect(out.lines).to.have.length(1);
    expect(text).not.to.contain('SECRET');
    expect(text).not.to.contain('AKIAEXAMPLE');
    expect(text).not.to.contain('TOKEN');
  });
});
