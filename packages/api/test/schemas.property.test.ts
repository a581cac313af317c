// parseObject sits on the admission path: whatever arrives, it answers with errors, never throws.
import { expect } from 'chai';
import fc from 'fast-check';
import { parseObject, toTableModel } from '../src/index.ts';
import { seedObjects } from './seed.helpers.ts';

/** Replaces the value at one random path of `obj` (spec fields, list items) with `value`. */
function mutate(obj: unknown, choice: number, value: unknown): unknown {
  const copy = structuredClone(obj) as Record<string, unknown>;
  const slots: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        slots.push([node, i]);
        walk(child);
      });
    } else if (node && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        slots.push([node as Record<string, unknown>, key]);
        walk(child);
      }
    }
  };
  walk(copy.spec);
  const slot = slots[choice % Math.max(slots.length, 1)];
  if (slot) (slot[0] as Record<string | number, unknown>)[slot[1]] = value;
  return copy;
}

describe('schemas: parseObject (property)', () => {
  it('never throws on arbitrary values, and always explains a refusal', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const result = parseObject(value);
        if (!result.ok) expect(result.errors.length).to.be.greaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('seed objects with one field replaced: errors name a path under spec, or the object normalises', () => {
    const seeds = seedObjects().map((o) => o.raw);
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.nat(), fc.jsonValue(), (seed, choice, value) => {
        const result = parseObject(mutate(seed, choice, value));
        if (result.ok) {
          if (result.kind !== 'AWSProvider') expect(toTableModel(result.object).tableName).to.be.a('string');
          return;
        }
        for (const error of result.errors) {
          expect(error.path).to.match(/^spec(\.|\[|$)/);
          expect(error.message).to.be.a('string').and.not.equal('');
        }
      }),
      { numRuns: 1000 },
    );
  });
});
