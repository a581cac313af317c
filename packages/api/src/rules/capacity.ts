// Billing mode and capacity: PROVISIONED needs whole-number capacity ≥ 1 on the table and on every
// GSI; under PAY_PER_REQUEST (the default when billingMode is unset) capacity is ignored, with a warning.
import { BILLING_MODES } from '../model.ts';
import type { TableModel, Throughput } from '../model.ts';
import { CAPACITY_DEFAULT_QUOTA, CAPACITY_MAX, CAPACITY_MIN } from './limits.ts';
import { capacityFieldName, indexCapacityPath } from './paths.ts';
import { Findings, show } from './result.ts';

function checkUnits(t: Throughput, owner: string, out: Findings): void {
  for (const field of ['readCapacityUnits', 'writeCapacityUnits'] as const) {
    const value = t[field];
    const path = `${t.path}.${field}`;
    if (!Number.isInteger(value) || value < CAPACITY_MIN || value > CAPACITY_MAX) {
      out.error(
        path,
        `${field} of ${owner} is ${String(value)}: use a whole number from ${CAPACITY_MIN} to ${CAPACITY_MAX}`,
      );
    } else if (value > CAPACITY_DEFAULT_QUOTA) {
      out.warn(
        `${path}: ${value} exceeds DynamoDB's default per-table quota of ${CAPACITY_DEFAULT_QUOTA}; AWS refuses it unless the account's quota was raised`,
      );
    }
  }
}

export function checkCapacity(model: TableModel): Findings {
  const out = new Findings();
  const mode = model.billingMode ?? 'PAY_PER_REQUEST';
  const field = capacityFieldName(model);
  if (!(BILLING_MODES as readonly string[]).includes(mode)) {
    out.error(
      model.billingModePath,
      `billing mode ${show(String(mode))} is not valid: use PAY_PER_REQUEST or PROVISIONED`,
    );
    return out;
  }
  if (mode === 'PROVISIONED') {
    if (model.provisionedThroughput) {
      checkUnits(model.provisionedThroughput, 'the table', out);
    } else {
      out.error(
        model.provisionedThroughputPath,
        `billingMode PROVISIONED needs the table's capacity: add ${field} {readCapacityUnits, writeCapacityUnits} (each ≥ 1), or use billingMode PAY_PER_REQUEST`,
      );
    }
    for (const index of model.globalSecondaryIndexes) {
      if (index.provisionedThroughput) {
        checkUnits(index.provisionedThroughput, `index ${show(index.indexName)}`, out);
      } else {
        out.error(
          indexCapacityPath(model, index),
          `billingMode PROVISIONED needs capacity on every global secondary index: add ${field} {readCapacityUnits, writeCapacityUnits} to index ${show(index.indexName)}`,
        );
      }
    }
  } else {
    // A warning, not an error: the seed's documented cost cut (`kubectl patch … billingMode PAY_PER_REQUEST`)
    // leaves the PROVISIONED capacity in the object. The planner and the create request send no capacity
    // under PAY_PER_REQUEST, so the values are inert; refusing them would refuse that patch and every later one.
    // Kept under the 120 characters Kubernetes asks of a warning: the path says which capacity.
    const ignored = (path: string): string => `${path}: not sent under ${mode}; remove it or use PROVISIONED`;
    if (model.provisionedThroughput) out.warn(ignored(model.provisionedThroughput.path));
    for (const index of model.globalSecondaryIndexes) {
      if (index.provisionedThroughput) out.warn(ignored(index.provisionedThroughput.path));
    }
  }
  return out;
}
