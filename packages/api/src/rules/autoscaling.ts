// Auto scaling (Application Auto Scaling) of provisioned capacity: only under PROVISIONED (it scales
// provisioned capacity; AWS has nothing to scale under PAY_PER_REQUEST), minCapacity ≤ maxCapacity
// (RegisterScalableTarget refuses the opposite), and the spec's own capacity inside [min, max]: it is
// what CreateTable sends, and a starting capacity outside the range would be moved by the scaler at once,
// so the spec would say one thing and the table another from the first minute. Number ranges
// (min ≥ 1, target utilisation 20–90) are in the schema.
import type { AutoScaling, TableModel, Throughput } from '../model.ts';
import { Findings, show } from './result.ts';

const DIMENSIONS = [
  ['read', 'readCapacityUnits'],
  ['write', 'writeCapacityUnits'],
] as const;

function checkOne(
  a: AutoScaling,
  capacity: Throughput | undefined,
  owner: string,
  provisioned: boolean,
  mode: string,
  out: Findings,
): void {
  if (!provisioned) {
    out.error(
      a.path,
      `autoScaling of ${owner} scales provisioned capacity, and billingMode is ${mode}: set billingMode PROVISIONED (with capacity) or remove autoScaling`,
    );
    return;
  }
  for (const [dim, field] of DIMENSIONS) {
    const d = a[dim];
    if (!d) continue;
    if (d.minCapacity > d.maxCapacity) {
      out.error(
        `${d.path}.minCapacity`,
        `minCapacity ${d.minCapacity} of ${owner}'s ${dim} auto scaling is above maxCapacity ${d.maxCapacity}: make minCapacity ≤ maxCapacity`,
      );
      continue;
    }
    const value = capacity?.[field];
    if (value !== undefined && (value < d.minCapacity || value > d.maxCapacity)) {
      out.error(
        `${capacity?.path}.${field}`,
        `${field} ${value} of ${owner} lies outside its auto scaling range [${d.minCapacity}, ${d.maxCapacity}]: set it within the range (it is the capacity at create; the scaler moves it afterwards)`,
      );
    }
  }
}

export function checkAutoScaling(model: TableModel): Findings {
  const out = new Findings();
  const mode = model.billingMode ?? 'PAY_PER_REQUEST';
  const provisioned = mode === 'PROVISIONED';
  if (model.autoScaling) checkOne(model.autoScaling, model.provisionedThroughput, 'the table', provisioned, mode, out);
  for (const g of model.globalSecondaryIndexes) {
    if (g.autoScaling)
      checkOne(g.autoScaling, g.provisionedThroughput, `index ${show(g.indexName)}`, provisioned, mode, out);
  }
  return out;
}
