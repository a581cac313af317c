// How a request reaches its admission handler: an exact POST path (with or without the API server's
// `?timeout=` query) directly, other spellings through express's router, both deciding alike; and
// answers batched per event-loop turn reach the caller that asked, each with its own uid.
import { expect } from 'chai';
import { request } from 'node:https';
import { admissionReview, seedObjects, startTestWebhook } from './support.ts';
import type { TestWebhook } from './support.ts';

interface ReviewOut {
  response: { uid: string; allowed: boolean; patch?: string; warnings?: string[] };
}

describe('webhook routing and batched answers', () => {
  let webhook: TestWebhook;
  before(async () => {
    webhook = await startTestWebhook();
  });
  after(async () => {
    await webhook.close();
  });

  it('decides alike on /mutate, /mutate?timeout=10s and express spellings (/Mutate/)', async () => {
    const table = seedObjects().find((object) => object.kind === 'DynamoDB')!;
    const answers: ReviewOut['response'][] = [];
    for (const path of ['/mutate', '/mutate?timeout=10s', '/Mutate/', '/mutate/?timeout=10s']) {
      const body = admissionReview(table);
      const result = await webhook.post(path, JSON.stringify(body));
      expect(result.status, `${path}: ${result.text}`).to.equal(200);
      const out = (result.json() as ReviewOut).response;
      expect(out.uid, path).to.equal((body.request as { uid: string }).uid);
      answers.push(out);
    }
    expect(answers[0]!.patch, 'the seed table gets defaults').to.be.a('string');
    for (const answer of answers.slice(1)) {
      expect({ ...answer, uid: '' }).to.deep.equal({ ...answers[0]!, uid: '' });
    }
  });

  it('answers other methods and paths with a Status (405, 404), as before', async () => {
    const status = (method: string, path: string): Promise<{ code: number; kind: string; status: number }> =>
      new Promise((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: webhook.handle.port, path, method, agent: webhook.agent },
          (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString()));
            res.on('end', () => {
              const json = JSON.parse(text) as { code: number; kind: string };
              resolve({ ...json, status: res.statusCode ?? 0 });
            });
          },
        );
        req.on('error', reject);
        req.end();
      });
    expect(await status('GET', '/validate')).to.include({ status: 405, code: 405, kind: 'Status' });
    expect(await status('PUT', '/mutate?timeout=10s')).to.include({ status: 405, code: 405, kind: 'Status' });
    expect(await status('POST', '/validatex')).to.include({ status: 404, code: 404, kind: 'Status' });
  });

  it('gives each of 60 concurrent callers its own answer', async () => {
    const objects = seedObjects();
    const bodies = Array.from({ length: 60 }, (_, i) => admissionReview(objects[i % objects.length]!));
    const results = await Promise.all(
      bodies.map((body, i) => webhook.post(i % 2 === 0 ? '/validate' : '/mutate', JSON.stringify(body))),
    );
    results.forEach((result, i) => {
      expect(result.status, result.text).to.equal(200);
      const out = (result.json() as ReviewOut).response;
      expect(out.uid).to.equal((bodies[i]!.request as { uid: string }).uid);
      expect(out.allowed, result.text).to.equal(true);
    });
  });
});
