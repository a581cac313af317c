// When an object's pass may send CreateTable without reading first (mayCreateFirst), over fakes: only
// on its first pass, through a provider seen to keep CreateTable's tags, and never again once this
// process has created or confirmed a table for it — also when the cache has not caught up with the
// finalizer it wrote. The AWS side of create-first is in test/e2e/reconciler-create-calls.test.ts.
import { expect } from 'chai';
import type { TableModel } from '@dynamodb-operator/api';
import { freshTables, ownedTables } from '../src/controller/table-context.ts';
import { mayCreateFirst } from '../src/controller/table-create.ts';
import { fakes, tableObject } from './ownership.helpers.ts';

const model = { tableName: 'shared' } as TableModel;
const ADOPT = 'aws-infra-operator.runner.codes/adopt';
const INTENT = 'dynamodb.aws-infra-operator.runner.codes/create-requested-at';
const described = {
  TableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/shared',
  TableId: 'id-1',
  CreationDateTime: new Date(1000),
};

/** A new object: no finalizer, no status. */
const fresh = (over: Parameters<typeof tableObject>[0] = {}, status?: Record<string, unknown>) =>
  tableObject({ finalizers: [], ...over }, status);

describe('mayCreateFirst', () => {
  it('only once the provider configuration has been seen to keep CreateTable tags', () => {
    const f = fakes(() => ({}));
    expect(mayCreateFirst(f.run(fresh()), model, f.clients)).to.equal(false);
    freshTables(f.deps).sawCreateTagsKept(f.clients.specKey);
    expect(mayCreateFirst(f.run(fresh()), model, f.clients)).to.equal(true);
  });

  it('not when anything says a table may exist, or the user asked for an existing or restored one', () => {
    const f = fakes(() => ({}));
    freshTables(f.deps).sawCreateTagsKept(f.clients.specKey);
    const cases = {
      finalizer: tableObject(),
      arn: fresh({}, { tableArn: described.TableArn }),
      tableStatus: fresh({}, { tableStatus: 'CREATING' }),
      intent: fresh({ annotations: { [INTENT]: 'shared@2026-11-30T00:00:00.000Z' } }),
      adopt: fresh({ annotations: { [ADOPT]: 'true' } }),
    };
    for (const [why, obj] of Object.entries(cases)) {
      expect(mayCreateFirst(f.run(obj), model, f.clients), why).to.equal(false);
    }
    const restore = { ...model, restore: { sourceTableArn: described.TableArn } } as unknown as TableModel;
    expect(mayCreateFirst(f.run(fresh()), restore, f.clients), 'restore').to.equal(false);
  });

  it('not after this process created or confirmed a table for the object, though the cache shows none', () => {
    const f = fakes(() => ({}));
    freshTables(f.deps).sawCreateTagsKept(f.clients.specKey);
    const uid = fresh().metadata.uid ?? '';
    freshTables(f.deps).created(uid, described, [], f.clients.specKey);
    expect(mayCreateFirst(f.run(fresh()), model, f.clients), 'created, first sync not yet').to.equal(false);
    freshTables(f.deps).take(uid, described);
    ownedTables(f.deps).confirm(uid, described, f.clients.specKey);
    expect(mayCreateFirst(f.run(fresh()), model, f.clients), 'confirmed as ours').to.equal(false);
  });
});
