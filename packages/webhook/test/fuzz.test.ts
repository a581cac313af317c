// Fuzz: ≥ 10,000 random and malformed bodies against the running server (in-process, real HTTPS).
// Properties: the server never fails (no 5xx, no internal-error denial, no panic counted), every answer
// is a well-formed Status or AdmissionReview, and nothing is allowed that does not parse (validate: that
// does not pass every rule; mutate: whose patch is anything but additions under /spec).
import { expect } from 'chai';
import fc from 'fast-check';
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { parseObject, validateObject } from '@dynamodb-operator/api';
import { admissionReview, pathsOf, seedObjects, startTestWebhook } from './support.ts';
import type { TestWebhook } from './support.ts';

const RUNS_PER_FAMILY = 2500;
const GROUP = 'aws-infra-operator.runner.codes';
const KINDS = ['AWSProvider', 'DynamoDBTable', 'DynamoDB'];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Sent {
  path: '/validate' | '/mutate';
  body: string | Buffer;
  contentType: string;
  /** The request as sent, when it was JSON. */
  parsed?: unknown;
}

function setAt(root: unknown, path: (string | number)[], replacement: Json | undefined): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (replacement === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = replacement;
  return copy;
}

const seeds = seedObjects();
const json = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>;
const path = fc.constantFrom<Sent['path']>('/validate', '/mutate');

/** Bytes and text that are mostly not JSON, some with the wrong content type. */
const garbage: fc.Arbitrary<Sent> = fc.record({
  path,
  body: fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
    json.map((value) => JSON.stringify(value).slice(0, -1)),
  ),
  contentType: fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    '',
    'application/yaml',
  ),
});

/** Any JSON at all, as the body. */
const anyJson: fc.Arbitrary<Sent> = fc.record({ path, value: json }).map(({ path: p, value }) => ({
  path: p,
  body: JSON.stringify(value),
  contentType: 'application/json',
  parsed: value,
}));

/** AdmissionReview-shaped envelopes with random fields in every place. */
const envelope: fc.Arbitrary<Sent> = fc
  .record({
    path,
    apiVersion: fc.oneof(fc.constant('admission.k8s.io/v1'), fc.constant('admission.k8s.io/v1beta1'), json),
    kind: fc.oneof(fc.constant('AdmissionReview'), json),
    request: fc.oneof(
      json,
      fc.record(
        {
          uid: fc.oneof(fc.uuid(), fc.string(), json),
          kind: fc.oneof(
            fc.record({
              group: fc.constantFrom(GROUP, '', 'apps'),
              version: fc.constantFrom('v1alpha1', 'v1'),
              kind: fc.constantFrom(...KINDS, 'Pod'),
            }),
            json,
          ),
          operation: fc.oneof(fc.constantFrom('CREATE', 'UPDATE', 'DELETE', 'CONNECT', 'PATCH'), json),
          namespace: fc.oneof(fc.constant('default'), json),
          name: fc.oneof(fc.string(), json),
          dryRun: fc.oneof(fc.boolean(), json),
          object: fc.oneof(fc.constantFrom(...seeds), json),
          oldObject: fc.oneof(fc.constantFrom(...seeds), json),
        },
        { requiredKeys: [] },
      ),
    ),
  })
  .map(({ path: p, ...value }) => ({
    path: p,
    body: JSON.stringify(value),
    contentType: 'application/json',
    parsed: value,
  }));

/** Real reviews of seed objects with one field replaced or removed: the ones closest to being admitted. */
const mutatedSeed: fc.Arbitrary<Sent> = fc
  .record({
    path,
    seed: fc.nat({ max: seeds.length - 1 }),
    pick: fc.nat(),
    replacement: fc.option(json, { nil: undefined }),
    update: fc.boolean(),
  })
  .map(({ path: p, seed, pick, replacement, update }) => {
    const original = seeds[seed]!;
    const paths = pathsOf(original).filter((keys) => keys.length > 0);
    const target = paths[pick % paths.length]!;
    const object = setAt(original, target, replacement);
    const value =
      object && typeof object === 'object' && !Array.isArray(object)
        ? admissionReview(
            object as Record<string, unknown>,
            update ? 'UPDATE' : 'CREATE',
            update ? original : undefined,
          )
        : { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u', object } };
    const kind = (original as { kind: string }).kind;
    (value.request as { kind: unknown }).kind = { group: GROUP, version: 'v1alpha1', kind };
    return { path: p, body: JSON.stringify(value), contentType: 'application/json', parsed: value };
  });

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

function checkWellFormed(sent: Sent, answer: Answer): void {
  expect(answer.status, 'no 5xx').to.be.below(500);
  if (answer.status !== 200) {
    expect(answer.status).to.be.at.least(400);
    expect(answer.body.kind).to.equal('Status');
    expect(answer.body.code).to.equal(answer.status);
    expect(answer.body.message).to.be.a('string').and.not.equal('');
    return;
  }
  expect(answer.body.apiVersion).to.equal('admission.k8s.io/v1');
  expect(answer.body.kind).to.equal('AdmissionReview');
  const response = answer.body.response as {
    uid: unknown;
    allowed: unknown;
    status?: { code: number; message: string };
    warnings?: string[];
    patch?: string;
  };
  const request = (sent.parsed as { request: { uid: unknown } }).request;
  expect(response.uid).to.equal(request.uid);
  expect(response.allowed).to.be.a('boolean');
  if (!response.allowed) {
    expect(response.status?.code).to.be.a('number');
    expect(response.status?.code, response.status?.message).to.not.equal(500);
    expect(response.status?.message).to.be.a('string').and.not.equal('');
  }
  for (const warning of response.warnings ?? []) expect(warning.length).to.be.at.most(120);
}

function checkNothingUnparseableAllowed(sent: Sent, answer: Answer): void {
  if (answer.status !== 200) return;
  const response = (answer.body as { response: { allowed: boolean; patch?: string } }).response;
  if (!response.allowed) return;
  const request = (sent.parsed as { request: Record<string, unknown> }).request;
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return;
  const meta = ((request.object as { metadata?: object }).metadata ?? {}) as { namespace?: string };
  // As the webhook evaluates it: namespace from the request, null metadata fields dropped (gate.ts).
  const kept = Object.fromEntries(Object.entries(meta).filter(([, value]) => value !== null)) as typeof meta;
  const object = {
    ...(request.object as object),
    metadata: { ...kept, namespace: kept.namespace ?? request.namespace },
  };
  if ((object as { metadata: { deletionTimestamp?: unknown } }).metadata.deletionTimestamp) return;
  expect(parseObject(object).ok, 'allowed object parses').to.equal(true);
  if (sent.path === '/validate') {
    const old = request.operation === 'UPDATE' ? request.oldObject : undefined;
    expect(validateObject(object, old).errors, 'allowed object passes the rules').to.deep.equal([]);
  } else if (response.patch) {
    const patch = JSON.parse(Buffer.from(response.patch, 'base64').toString()) as Operation[];
    // Add-only, but for the canonical string of a YAML 1.1 boolean (`type: N` sent as false → "N").
    const canonical = (o: Operation) =>
      o.op === 'replace' &&
      typeof o.value === 'string' &&
      typeof jsonpatch.getValueByPointer(object, o.path) === 'boolean';
    for (const operation of patch)
      expect((operation.op === 'add' || canonical(operation)) && operation.path.startsWith('/spec/')).to.equal(true);
    jsonpatch.applyPatch(structuredClone(object), patch, true, false);
  }
}

describe('webhook fuzz (fast-check, in-process HTTPS)', function () {
  this.timeout(300_000);
  let webhook: TestWebhook;
  let requests = 0;
  const outcomes = { allowed: 0, denied: 0, refused: 0 };
  before(async () => {
    webhook = await startTestWebhook();
  });
  after(async () => {
    await webhook.close();
  });

  const send = async (sent: Sent): Promise<Answer> => {
    requests += 1;
    const headers: Record<string, string> = sent.contentType ? { 'content-type': sent.contentType } : {};
    const result = await webhook.post(sent.path, sent.body, headers);
    let body: Record<string, unknown>;
    try {
      body = result.json() as Record<string, unknown>;
    } catch {
      throw new Error(`answer is not JSON (HTTP ${result.status}): ${result.text.slice(0, 200)}`);
    }
    if (result.status !== 200) outcomes.refused += 1;
    else if ((body.response as { allowed?: unknown } | undefined)?.allowed === true) outcomes.allowed += 1;
    else outcomes.denied += 1;
    return { status: result.status, body };
  };

  for (const [name, arbitrary] of [
    ['garbage bytes and wrong content types', garbage],
    ['arbitrary JSON', anyJson],
    ['AdmissionReview envelopes with random fields', envelope],
    ['reviews of seed objects with one field replaced or removed', mutatedSeed],
  ] as const) {
    it(`${RUNS_PER_FAMILY} × ${name}: well-formed answers, nothing unparseable allowed`, async () => {
      await fc.assert(
        fc.asyncProperty(arbitrary, async (sent) => {
          const answer = await send(sent);
          checkWellFormed(sent, answer);
          checkNothingUnparseableAllowed(sent, answer);
        }),
        { numRuns: RUNS_PER_FAMILY },
      );
    });
  }

  it('sent at least 10,000 bodies and counted no panic', async () => {
    expect(requests).to.be.at.least(4 * RUNS_PER_FAMILY);
    // Each kind of answer was exercised, so the properties above were not vacuous.
    expect(outcomes.allowed, JSON.stringify(outcomes)).to.be.above(100);
    expect(outcomes.denied, JSON.stringify(outcomes)).to.be.above(100);
    expect(outcomes.refused, JSON.stringify(outcomes)).to.be.above(100);
    const panics = await webhook.handle.metrics.panics.get();
    expect(panics.values[0]?.value).to.equal(0);
  });
});
