// Properties of validateObject over generated specs (valid, near-invalid) and arbitrary garbage: it never
// throws, never changes its input, is deterministic, names fields that exist in the user's object, and
// an unchanged object never breaks an immutability rule.
import { expect } from 'chai';
import fc from 'fast-check';
import { specArbitrary } from '../../../test/catalogue/generator.ts';
import { validateObject } from '../src/index.ts';

/** `spec.tags["aws:x"]`, `spec.keySchema[1].keyType` → ['spec', 'tags', 'aws:x'], ['spec', 'keySchema', 1, 'keyType']. */
export function pathSegments(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  const re = /(?:^|\.)([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/gy;
  let match: RegExpExecArray | null;
  while ((match = re.exec(path)) !== null) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[3] !== undefined) segments.push(JSON.parse(match[3]) as string);
    if (re.lastIndex === path.length) return segments;
  }
  throw new Error(`not a field path: ${JSON.stringify(path)}`);
}

/** True when every segment but the last exists in `obj` (the last may be the field to add). */
function parentExists(obj: unknown, path: string): boolean {
  if (path === '') return true;
  let node: unknown = obj;
  const segments = pathSegments(path);
  for (const segment of segments.slice(0, -1)) {
    if (node === null || typeof node !== 'object' || !(segment in node)) return false;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node !== null && typeof node === 'object';
}

describe('rules: properties of validateObject', () => {
  it('parses the field paths it checks against', () => {
    expect(pathSegments('spec.tags["aws:x"]')).to.deep.equal(['spec', 'tags', 'aws:x']);
    expect(pathSegments('spec.keySchema[1].keyType')).to.deep.equal(['spec', 'keySchema', 1, 'keyType']);
    expect(() => pathSegments('spec..x')).to.throw();
  });

  it('on generated specs: no throw, input untouched, deterministic, paths name real fields, UPDATE to itself adds nothing', () => {
    fc.assert(
      fc.property(specArbitrary, (obj) => {
        const before = JSON.stringify(obj);
        const first = validateObject(obj);
        expect(JSON.stringify(obj), 'validateObject changed its input').to.equal(before);
        expect(validateObject(structuredClone(obj))).to.deep.equal(first);
        for (const error of first.errors) {
          expect(parentExists(obj, error.path), `${error.path} is not under a field of the object`).to.equal(true);
          expect(error.message).to.match(/\S{3,}/);
        }
        expect(validateObject(obj, structuredClone(obj)).errors).to.deep.equal(first.errors);
      }),
      { numRuns: 1_000, seed: 42 },
    );
  });

  it('on arbitrary JSON: returns errors, never throws', () => {
    const ourKind = fc.record(
      {
        apiVersion: fc.constant('aws-infra-operator.runner.codes/v1alpha1'),
        kind: fc.constantFrom('DynamoDB', 'DynamoDBTable', 'AWSProvider', 'Other'),
        metadata: fc.oneof(fc.record({ name: fc.string(), namespace: fc.string() }), fc.anything()),
        spec: fc.anything(),
      },
      { requiredKeys: ['apiVersion', 'kind'] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything(), ourKind), (obj) => {
        const result = validateObject(obj);
        expect(result.errors).to.be.an('array');
        expect(result.warnings).to.be.an('array');
      }),
      { numRuns: 2_000, seed: 7 },
    );
  });
});
