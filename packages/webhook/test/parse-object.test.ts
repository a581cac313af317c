// The webhook parses with zod's compiled schemas; the api's parseObject with the schemas themselves. Both
// must answer alike, to the key order of the parsed object (the defaults patch follows it) and the text
// of every error, for valid objects and for objects with any field replaced by any JSON value.
import { expect } from 'chai';
import fc from 'fast-check';
import { parseObject } from '@dynamodb-operator/api';
import { parseReviewed } from '../src/admission/parse-object.ts';
import { pathsOf, seedObjects } from './support.ts';

function replaced(root: Record<string, unknown>, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root);
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

const same = (input: unknown): void => {
  expect(JSON.stringify(parseReviewed(input))).to.equal(JSON.stringify(parseObject(input)));
};

describe('webhook parseReviewed (zod compiled) against parseObject', () => {
  const seeds = seedObjects();

  it('parses every seed object as parseObject does, key order included', () => {
    for (const seed of seeds) {
      expect(parseReviewed(seed).ok, String((seed.metadata as { name?: string }).name)).to.equal(true);
      same(seed);
    }
  });

  it('answers alike when any one field is replaced by any JSON value or removed', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.nat(),
        fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.constantFrom('', 'x', 0, -1, 1e12, true, null, [], {})),
        (seed, choice, value) => {
          const paths = pathsOf(seed);
          same(replaced(seed, paths[choice % paths.length]!, value));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('answers alike when a field is added anywhere (unknown keys, known keys where they do not belong)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.nat(),
        fc.oneof(fc.string(), fc.constantFrom('tags', 'billingMode', 'name', '__proto__', 'constructor')),
        fc.jsonValue(),
        (seed, choice, key, value) => {
          const objects = pathsOf(seed).filter((path) => {
            const node = path.reduce<unknown>((at, step) => (at as Record<string | number, unknown>)[step], seed);
            return node !== null && typeof node === 'object' && !Array.isArray(node);
          });
          const path = objects[choice % objects.length]!;
          same(replaced(seed, [...path, key], value));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('answers alike for arbitrary values', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => same(value)),
      { numRuns: 500 },
    );
  });
});
