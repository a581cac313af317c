// addedFields against its oracle, fast-json-patch's compare filtered to `add`: same operations, same
// order, same values, on random documents and on each seed table's spec against its defaults.
import { expect } from 'chai';
import fc from 'fast-check';
import jsonpatch from 'fast-json-patch';
import { applyDefaults, parseObject } from '@dynamodb-operator/api';
import { addedFields } from '../src/admission/added-fields.ts';
import { seedObjects } from './support.ts';

type Doc = Record<string, unknown>;

const oracle = (before: Doc, after: Doc): unknown[] =>
  jsonpatch.compare(before, after).filter((operation) => operation.op === 'add');

/** `after` as defaults make it from `before`, plus removals and replacements for compare to skip over. */
function derive(before: unknown, extra: unknown, drop: number): unknown {
  if (typeof before !== 'object' || before === null) return before;
  if (Array.isArray(before)) {
    const items = before.map((item, i) => derive(item, Array.isArray(extra) ? extra[i] : undefined, drop + i));
    return Array.isArray(extra) && extra.length > items.length ? [...items, ...extra.slice(items.length)] : items;
  }
  const out: Doc = {};
  Object.entries(before).forEach(([key, value], i) => {
    if ((drop + i) % 5 === 4) return;
    const more = typeof extra === 'object' && extra !== null ? (extra as Doc)[key] : undefined;
    out[key] = (drop + i) % 7 === 6 ? more : derive(value, more, drop + i);
  });
  if (typeof extra === 'object' && extra !== null && !Array.isArray(extra)) {
    for (const [key, value] of Object.entries(extra)) if (!(key in before)) out[key] = value;
  }
  // A default at most levels, so that sibling containers each gain keys and the order of adds shows.
  if (drop % 3 !== 2) out[`added~/${drop}`] = { value: drop };
  return out;
}

describe('webhook: addedFields = compare(...).filter(add)', () => {
  it('on random JSON documents, unrelated and derived', () => {
    const doc = fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 6 });
    fc.assert(
      fc.property(doc, doc, fc.nat(20), (before, extra, drop) => {
        const after = derive(before, extra, drop) as Doc;
        expect(addedFields(before, after)).to.deep.equal(oracle(before, after));
        expect(addedFields(before, extra)).to.deep.equal(oracle(before, extra));
      }),
      { numRuns: 500 },
    );
  });

  it('on the seed tables against their defaults, with slashes and tildes in tag keys', () => {
    let adds = 0;
    for (const raw of seedObjects()) {
      const parsed = parseObject(raw);
      if (!parsed.ok) throw new Error(`seed object does not parse: ${JSON.stringify(parsed.errors)}`);
      const tags = { 'team/owner': 'x', 'a~b': 'y' };
      const defaulted = applyDefaults(parsed.object, { operatorTags: tags }).object;
      const before = raw.spec as Doc;
      const after = defaulted.spec as Doc;
      const ours = addedFields(before, after);
      expect(ours).to.deep.equal(oracle(before, after));
      adds += ours.length;
    }
    expect(adds, 'the seed tables get defaults').to.be.greaterThan(0);
  });
});
