// The rules plugin composes the api's rule functions on the context's single parse; it must decide
// exactly as the api's validateObject does, on every catalogue spec, every seed object and random edits.
import { expect } from 'chai';
import fc from 'fast-check';
import { validateObject } from '@dynamodb-operator/api';
import { loadInvalidCatalogue, loadValidCatalogue } from '../../../test/catalogue/load.ts';
import { admissionContext } from '../src/admission/plugins.ts';
import { rulesPlugin } from '../src/admission/plugins/rules.ts';
import type { AdmissionRequest } from '../src/admission/types.ts';
import { staticProviders } from '../src/providers/lookup.ts';
import { seedObjects } from './support.ts';

function viaPlugin(object: Record<string, unknown>, oldObject?: Record<string, unknown>) {
  const request: AdmissionRequest = {
    uid: 'parity',
    kind: { group: 'aws-infra-operator.runner.codes', version: 'v1alpha1', kind: String(object.kind) },
    operation: oldObject ? 'UPDATE' : 'CREATE',
    dryRun: false,
    object,
  };
  if (oldObject) request.oldObject = oldObject;
  return rulesPlugin.run(admissionContext(request, object, staticProviders()));
}

const expectParity = (label: string, object: unknown, old?: unknown) => {
  const record = object as Record<string, unknown>;
  expect(viaPlugin(record, old as Record<string, unknown> | undefined), label).to.deep.equal(
    validateObject(object, old),
  );
};

describe('webhook rules plugin: parity with validateObject', () => {
  it('decides every invalid catalogue spec (and update pair) as validateObject does', () => {
    const entries = loadInvalidCatalogue();
    expect(entries.length).to.be.above(40);
    for (const entry of entries) expectParity(entry.file, entry.object, entry.old);
  });

  it('decides every valid catalogue spec and every seed object as validateObject does', () => {
    const valid = loadValidCatalogue();
    const seeds = seedObjects();
    // Vanished fixtures must fail here, not pass with nothing compared.
    expect(valid.flatMap((e) => e.objects).length, 'valid catalogue objects').to.be.above(5);
    expect(seeds.length, 'seed objects').to.be.above(5);
    for (const entry of valid) for (const object of entry.objects) expectParity(entry.file, object);
    for (const object of seeds) expectParity(String((object.metadata as { name: string }).name), object);
  });

  it('decides 1,000 seed objects with one field replaced, as CREATE and as UPDATE, as validateObject does', () => {
    const seeds = seedObjects();
    fc.assert(
      fc.property(
        fc.nat({ max: seeds.length - 1 }),
        fc.constantFrom('spec', 'metadata'),
        fc.string({ maxLength: 12 }),
        fc.jsonValue({ maxDepth: 2 }),
        fc.boolean(),
        (index, section, key, value, update) => {
          const seed = seeds[index]!;
          const edited = structuredClone(seed) as Record<string, Record<string, unknown>>;
          const keys = Object.keys(edited[section] ?? {});
          const target = keys.length > 0 && key.length % 2 === 0 ? keys[key.length % keys.length]! : key;
          edited[section] = { ...edited[section], [target]: value };
          expectParity(`${target}`, edited, update ? seed : undefined);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
