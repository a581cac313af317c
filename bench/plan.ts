// plan() and driftOf() speed on a table with 20 GSIs (the AWS default maximum) and 40 tags:
// converged (the steady-state resync case) and with every GSI to change.
//   npm run bench -- plan
import { driftOf, plan } from '../packages/api/src/plan/index.ts';
import type { TableModel } from '../packages/api/src/model.ts';
import { gsi, model, observedFor } from '../packages/api/test/plan.helpers.ts';
import { emit } from './_emit.ts';

const names = Array.from({ length: 20 }, (_, i) => `gsi-${i}`);
const desired: TableModel = model({
  billingMode: 'PROVISIONED',
  provisionedThroughput: { readCapacityUnits: 5, writeCapacityUnits: 5, path: 'c' },
  attributeDefinitions: [
    { name: 'pk', type: 'S', path: 'p' },
    ...names.map((_, i) => ({ name: `a${i}`, type: 'S' as const, path: 'a' })),
  ],
  globalSecondaryIndexes: names.map((n, i) => gsi(n, `a${i}`, `a${(i + 1) % 20}`, 'INCLUDE', ['x', 'y', 'z'], [5, 5])),
  tags: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'v'])),
});
const converged = observedFor(desired);
// Every GSI differs: 10 with another projection (delete + re-create), 10 with other capacity.
const changed = observedFor(desired);
changed.globalSecondaryIndexes.forEach((g, i) => {
  if (i < 10) g.projection = { type: 'ALL', nonKeyAttributes: [] };
  else g.provisionedThroughput = { readCapacityUnits: 1, writeCapacityUnits: 1 };
});

function perCallMicros(fn: () => unknown, n = 20_000): number {
  for (let i = 0; i < 2_000; i++) fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1_000 / n;
}

emit(
  'plan',
  'plan_us_converged_20gsi',
  perCallMicros(() => plan(desired, converged)),
  'us',
);
emit(
  'plan',
  'plan_us_all_changed_20gsi',
  perCallMicros(() => plan(desired, changed)),
  'us',
);
emit('plan', 'steps_all_changed_20gsi', plan(desired, changed).length, 'steps');
emit(
  'plan',
  'drift_us_all_changed_20gsi',
  perCallMicros(() => driftOf(desired, changed)),
  'us',
);
