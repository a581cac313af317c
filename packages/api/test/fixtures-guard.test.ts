// Tests over files found at run time (seed page, examples, rule catalogue) go through loaders that
// refuse an empty list: a vanished directory or a filter that stops matching fails them loudly.
import { expect } from 'chai';
import { nonEmpty } from '../../../test/support/fixtures.ts';
import { loadInvalidCatalogue, loadValidCatalogue } from '../../../test/catalogue/load.ts';
import { exampleObjects, seedObjects } from './seed.helpers.ts';

describe('fixture guards', () => {
  it('nonEmpty refuses a list shorter than asked, naming what is missing, and passes others through', () => {
    expect(() => nonEmpty('seed objects', [])).to.throw(/at least 1 seed objects, found 0/);
    expect(() => nonEmpty('CRD files', ['a'], 2)).to.throw(/at least 2 CRD files, found 1/);
    const list = ['a', 'b'];
    expect(nonEmpty('files', list, 2)).to.equal(list);
  });

  it('the loaders find the seed page, the examples and both halves of the rule catalogue', () => {
    expect(seedObjects().length).to.be.at.least(10);
    expect(exampleObjects().length).to.be.at.least(1);
    expect(loadInvalidCatalogue().length).to.be.at.least(45);
    expect(loadValidCatalogue().length).to.be.at.least(1);
  });
});
