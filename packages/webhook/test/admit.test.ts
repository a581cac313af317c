// /admit (the chart's `webhook.admission: combined`) over real HTTPS: for every object it must answer
// what /mutate and then /validate on the mutated object would have answered together.
import { expect } from 'chai';
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { admissionReview, seedObjects, startTestWebhook } from './support.ts';
import type { TestWebhook } from './support.ts';

interface Response {
  allowed: boolean;
  status?: { code: number; message: string };
  patch?: string;
  warnings?: string[];
}

const decodePatch = (patch: string | undefined): Operation[] =>
  patch ? (JSON.parse(Buffer.from(patch, 'base64').toString('utf8')) as Operation[]) : [];

describe('webhook /admit: mutate and validate in one call', () => {
  let webhook: TestWebhook;
  before(async () => {
    webhook = await startTestWebhook();
  });
  after(async () => {
    await webhook.close();
  });

  const review = async (path: string, body: unknown): Promise<Response> => {
    const result = await webhook.post(path, JSON.stringify(body));
    expect(result.status, result.text).to.equal(200);
    return (result.json() as { response: Response }).response;
  };

  it('answers every seed object with /mutate’s patch and /validate’s verdict and warnings', async () => {
    for (const object of seedObjects()) {
      const admitted = await review('/admit', admissionReview(object));
      const mutated = await review('/mutate', admissionReview(object));
      const patched = jsonpatch.applyPatch(structuredClone(object), decodePatch(mutated.patch), true, false)
        .newDocument as Record<string, unknown>;
      const validated = await review('/validate', admissionReview(patched));
      const name = (object.metadata as { name: string }).name;
      expect(admitted.allowed, name).to.equal(validated.allowed);
      expect(decodePatch(admitted.patch), name).to.deep.equal(decodePatch(mutated.patch));
      expect(admitted.warnings ?? [], name).to.include.members(validated.warnings ?? []);
    }
  });

  it('denies what only /validate refuses (an immutable field changed), with the field path', async () => {
    const object = seedObjects().find((o) => (o.metadata as { name: string }).name === 'orders-table')!;
    const changed = structuredClone(object) as { spec: { tableName: string } };
    changed.spec.tableName = 'orders_v2';
    const body = admissionReview(changed as unknown as Record<string, unknown>, 'UPDATE', object);
    expect((await review('/mutate', body)).allowed).to.equal(true);
    const out = await review('/admit', body);
    expect(out.allowed).to.equal(false);
    expect(out.status?.code).to.equal(422);
    expect(out.status?.message).to.include('spec.tableName');
    expect(out.patch).to.equal(undefined);
  });

  it('denies what /mutate cannot parse, with the field path', async () => {
    const object = seedObjects().find((o) => o.kind === 'DynamoDB')!;
    (object.spec as Record<string, unknown>).billingMode = 'FREE';
    const out = await review('/admit', admissionReview(object));
    expect(out.allowed).to.equal(false);
    expect(out.status?.message).to.include('spec.billingMode');
  });

  it('counts /admit under its own label in the controller-runtime metrics', async () => {
    const text = await webhook.handle.metrics.registry.metrics();
    expect(text).to.match(/controller_runtime_webhook_requests_total\{webhook="\/admit",code="200"\} [1-9]/);
  });
});
