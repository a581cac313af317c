import { expect } from 'chai';
import fc from 'fast-check';
import { jsonClone } from '../src/defaults/json-clone.ts';
import { seedObjects } from './seed.helpers.ts';

const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

describe('defaults: jsonClone gives what a JSON round trip gives', () => {
  it('for any JSON value, and for the seed objects, with no shared structure', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = jsonClone(value);
        expect(copy).to.deep.equal(viaJson(value));
        expect(JSON.stringify(copy)).to.equal(JSON.stringify(value));
      }),
    );
    for (const { raw } of seedObjects()) {
      const copy = jsonClone(raw);
      expect(copy).to.deep.equal(viaJson(raw));
      (copy as { metadata: Record<string, unknown> }).metadata.changed = true;
      expect((raw as { metadata: Record<string, unknown> }).metadata).not.to.have.property('changed');
    }
  });

  it('for what JSON drops or rewrites: undefined, functions, NaN, -0, Dates, toJSON, a __proto__ key', () => {
    const odd = {
      a: undefined,
      b: () => 1,
      c: [undefined, () => 1, Number.NaN, Number.POSITIVE_INFINITY, -0],
      d: -0,
      e: new Date(0),
      f: { toJSON: () => 'shown' },
      g: Object.assign(Object.create(null) as object, { h: 1 }),
    };
    const copy = jsonClone(odd);
    expect(copy).to.deep.equal(viaJson(odd));
    expect(JSON.stringify(copy)).to.equal(JSON.stringify(odd));
    expect(Object.is((copy as unknown as { d: number }).d, 0)).to.equal(true);
    const proto = jsonClone(JSON.parse('{"__proto__": {"x": 1}}') as object);
    expect(Object.keys(proto)).to.deep.equal(['__proto__']);
    expect(Object.getPrototypeOf(proto)).to.equal(Object.prototype);
  });
});
