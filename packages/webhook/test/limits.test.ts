// Hardening of the admission port: requests and body bytes in flight are
// capped (429 + Retry-After before the body is read), a client CA makes TLS require the API server's
// certificate, and a compressed or binary body is described, never echoed.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Agent, request } from 'node:https';
import type { ClientRequest } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { inFlightLimiter } from '../src/http/inflight.ts';
import { admissionReview, seedObjects, startTestWebhook } from './support.ts';
import type { TestWebhook } from './support.ts';
import { makeClientCert } from './client-cert.ts';

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function inFlight(webhook: TestWebhook): Promise<number> {
  const { values } = await webhook.handle.metrics.inFlight.get();
  return values.reduce((sum, value) => sum + value.value, 0);
}

/** Sends the headers and `sent` bytes of a `declared`-byte body, then holds: one request in flight. */
function holdOpen(webhook: TestWebhook, declared: number, sent = 1): { req: ClientRequest; done: Promise<number> } {
  const agent = new Agent({ ca: webhook.cert.caPem });
  let req!: ClientRequest;
  const done = new Promise<number>((resolve) => {
    req = request(
      {
        host: '127.0.0.1',
        port: webhook.handle.port,
        path: '/validate',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': String(declared) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.write(Buffer.alloc(sent, 0x20));
  });
  return { req, done };
}

const validReview = (): string => JSON.stringify(admissionReview(seedObjects().find((o) => o.kind === 'DynamoDB')!));

describe('webhook in-flight limits', () => {
  it('the limiter never reserves more than its budgets, and releases exactly once', () => {
    const limiter = inFlightLimiter({ maxRequests: 3, maxBytes: 100 });
    const a = limiter.tryAcquire(60);
    expect(a.ok).to.equal(true);
    expect(limiter.tryAcquire(50)).to.deep.equal({ ok: false, reason: 'bytes' });
    const b = limiter.tryAcquire(40);
    const c = limiter.tryAcquire(0);
    expect(limiter.tryAcquire(0)).to.deep.equal({ ok: false, reason: 'requests' });
    expect(limiter.current()).to.deep.equal({ requests: 3, bytes: 100 });
    for (const held of [a, b, c]) if (held.ok) held.release();
    if (a.ok) a.release();
    expect(limiter.current()).to.deep.equal({ requests: 0, bytes: 0 });
    // One body bigger than the whole budget is served alone (the body limit judges its size).
    expect(limiter.tryAcquire(500).ok).to.equal(true);
  });

  it('answers 429 with Retry-After, before reading the body, once --max-inflight-requests are busy', async () => {
    const webhook = await startTestWebhook({ maxInFlightRequests: 2 });
    try {
      const held = [holdOpen(webhook, 1000), holdOpen(webhook, 1000)];
      await until('two requests in flight', async () => (await inFlight(webhook)) === 2);
      const started = Date.now();
      const refused = await webhook.post('/validate', validReview());
      expect(refused.status, refused.text).to.equal(429);
      expect(Date.now() - started).to.be.below(1000);
      const status = refused.json() as { kind: string; reason: string; message: string };
      expect(status.kind).to.equal('Status');
      expect(status.reason).to.equal('TooManyRequests');
      expect(status.message).to.include('--max-inflight-requests');
      const metrics = await webhook.handle.metrics.registry.metrics();
      expect(metrics).to.include('dynamodb_operator_webhook_throttled_total{webhook="/validate",reason="requests"} 1');
      // The held requests finish (with a 400: their body is blanks), and the slots are free again.
      for (const { req } of held) req.end(Buffer.alloc(999, 0x20));
      expect(await Promise.all(held.map((h) => h.done))).to.deep.equal([400, 400]);
      const after = await webhook.post('/validate', validReview());
      expect(after.status, after.text).to.equal(200);
    } finally {
      await webhook.close();
    }
  });

  it('answers 429 when the declared bodies in flight would exceed --max-inflight-bytes', async () => {
    const webhook = await startTestWebhook({ maxInFlightRequests: 100, maxInFlightBytes: 1_000_000 });
    try {
      const big = holdOpen(webhook, 900_000);
      await until('one request in flight', async () => (await inFlight(webhook)) === 1);
      const refused = await webhook.post('/validate', Buffer.alloc(200_000, 0x20));
      expect(refused.status, refused.text).to.equal(429);
      expect((refused.json() as { message: string }).message).to.include('--max-inflight-bytes');
      // A small, well-formed review still fits beside it.
      const small = await webhook.post('/validate', validReview());
      expect(small.status, small.text).to.equal(200);
      big.req.destroy();
      await big.done;
    } finally {
      await webhook.close();
    }
  });
});

describe('webhook client-certificate authentication (--client-ca-file)', () => {
  it('refuses a TLS client without a certificate signed by the client CA, admits one with it', async () => {
    const client = makeClientCert('kube-apiserver');
    const stranger = makeClientCert('kube-apiserver');
    const dir = mkdtempSync(join(tmpdir(), 'ddbop-client-ca-'));
    const caFile = join(dir, 'client-ca.crt');
    writeFileSync(caFile, client.caPem);
    const webhook = await startTestWebhook({ clientCaFile: caFile });
    try {
      const post = (agent: Agent) =>
        new Promise<number>((resolve, reject) => {
          const req = request(
            {
              host: '127.0.0.1',
              port: webhook.handle.port,
              path: '/validate',
              method: 'POST',
              agent,
              headers: { 'content-type': 'application/json' },
            },
            (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode ?? 0));
            },
          );
          req.on('error', reject);
          req.end(validReview());
        });
      const ca = webhook.cert.caPem;
      const anonymous = await post(new Agent({ ca })).then(String, (error: Error) => error.message);
      expect(anonymous).to.not.equal('200');
      const wrongCa = await post(new Agent({ ca, cert: stranger.certPem, key: stranger.keyPem })).then(
        String,
        (error: Error) => error.message,
      );
      expect(wrongCa).to.not.equal('200');
      expect(await post(new Agent({ ca, cert: client.certPem, key: client.keyPem }))).to.equal(200);
    } finally {
      await webhook.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('webhook messages for undecodable bodies', () => {
  let webhook: TestWebhook;
  before(async () => {
    webhook = await startTestWebhook();
  });
  after(async () => {
    await webhook.close();
  });

  const printableOnly = (text: string) => expect(text).to.match(/^[\x20-\x7e]*$/);

  it('a gzip body with Content-Encoding: gzip is refused (415) by its description, not its bytes', async () => {
    const body = gzipSync(validReview());
    const result = await webhook.post('/validate', body, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(result.status).to.equal(415);
    const { message } = result.json() as { message: string };
    printableOnly(message);
    expect(message).to.include('Content-Encoding "gzip" is not supported');
    expect(message).to.include(`${body.length} bytes`);
  });

  it('a gzip body sent as plain JSON is described (size, type, coding, "starts like gzip"), never echoed', async () => {
    const body = gzipSync(validReview());
    const result = await webhook.post('/validate', body);
    expect(result.status).to.equal(400);
    const { message } = result.json() as { message: string };
    printableOnly(message);
    expect(message).to.include('not UTF-8 text');
    expect(message).to.include(`${body.length} bytes, Content-Type application/json, Content-Encoding identity`);
    expect(message).to.include('starts like gzip');
  });

  it('invalid JSON with control characters gets a printable message', async () => {
    const result = await webhook.post('/validate', Buffer.from('\u0001\u0002{"x":\u0007}', 'utf8'));
    expect(result.status).to.equal(400);
    const { message } = result.json() as { message: string };
    printableOnly(message);
    expect(message).to.include('is not valid JSON');
  });
});
