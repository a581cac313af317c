// On-demand maximum throughput and warm throughput, on the table and on each GSI (AWS API reference:
// OnDemandThroughput, WarmThroughput, CreateTable, UpdateTable):
// - onDemandThroughput caps a PAY_PER_REQUEST table or index; under PROVISIONED the capacity is the cap
//   and AWS refuses it. Each value is ≥ 1, or -1 for "no cap"; at least one of the two is set.
// - warmThroughput is at least 12,000 read / 4,000 write units per second under PAY_PER_REQUEST, and at
//   least the provisioned capacity under PROVISIONED; at least one of the two is set.
// - on UPDATE, warm throughput only rises: DynamoDB has no way to lower it.
import type { OnDemandThroughput, SecondaryIndex, TableModel, WarmThroughput } from '../model.ts';
import { ON_DEMAND_NO_LIMIT, WARM_READ_MIN_ON_DEMAND, WARM_WRITE_MIN_ON_DEMAND } from './limits.ts';
import { Findings, show } from './result.ts';

interface Owner {
  /** "the table" or `index "by-email"`, for messages. */
  name: string;
  onDemand?: OnDemandThroughput;
  warm?: WarmThroughput;
  capacity?: { readCapacityUnits: number; writeCapacityUnits: number };
}

const owners = (model: TableModel): Owner[] => [
  {
    name: 'the table',
    ...(model.onDemandThroughput ? { onDemand: model.onDemandThroughput } : {}),
    ...(model.warmThroughput ? { warm: model.warmThroughput } : {}),
    ...(model.provisionedThroughput ? { capacity: model.provisionedThroughput } : {}),
  },
  ...model.globalSecondaryIndexes.map(indexOwner),
];

function indexOwner(index: SecondaryIndex): Owner {
  return {
    name: `index ${show(index.indexName)}`,
    ...(index.onDemandThroughput ? { onDemand: index.onDemandThroughput } : {}),
    ...(index.warmThroughput ? { warm: index.warmThroughput } : {}),
    ...(index.provisionedThroughput ? { capacity: index.provisionedThroughput } : {}),
  };
}

function checkOnDemand(owner: Owner, provisioned: boolean, out: Findings): void {
  const od = owner.onDemand;
  if (!od) return;
  if (provisioned) {
    out.error(
      od.path,
      `onDemandThroughput of ${owner.name} caps on-demand throughput, and DynamoDB refuses it under billingMode PROVISIONED (the capacity is the cap there): remove onDemandThroughput, or use billingMode PAY_PER_REQUEST`,
    );
    return;
  }
  if (od.maxReadRequestUnits === undefined && od.maxWriteRequestUnits === undefined) {
    out.error(
      od.path,
      `onDemandThroughput of ${owner.name} sets no maximum: set maxReadRequestUnits, maxWriteRequestUnits or both (-1 for no limit), or remove onDemandThroughput`,
    );
  }
  for (const field of ['maxReadRequestUnits', 'maxWriteRequestUnits'] as const) {
    const value = od[field];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || (value < 1 && value !== ON_DEMAND_NO_LIMIT)) {
      out.error(
        `${od.path}.${field}`,
        `${field} of ${owner.name} is ${String(value)}: use a whole number ≥ 1, or -1 for no limit`,
      );
    }
  }
}

function checkWarm(owner: Owner, provisioned: boolean, out: Findings): void {
  const warm = owner.warm;
  if (!warm) return;
  if (warm.readUnitsPerSecond === undefined && warm.writeUnitsPerSecond === undefined) {
    out.error(
      warm.path,
      `warmThroughput of ${owner.name} sets nothing: set readUnitsPerSecond, writeUnitsPerSecond or both, or remove warmThroughput`,
    );
    return;
  }
  const fields = [
    ['readUnitsPerSecond', WARM_READ_MIN_ON_DEMAND, owner.capacity?.readCapacityUnits, 'read'],
    ['writeUnitsPerSecond', WARM_WRITE_MIN_ON_DEMAND, owner.capacity?.writeCapacityUnits, 'write'],
  ] as const;
  for (const [field, onDemandMin, capacity, which] of fields) {
    const value = warm[field];
    if (value === undefined) continue;
    const path = `${warm.path}.${field}`;
    if (!Number.isInteger(value) || value < 1) {
      out.error(path, `${field} of ${owner.name} is ${String(value)}: use a whole number`);
    } else if (!provisioned && value < onDemandMin) {
      out.error(
        path,
        `${field} of ${owner.name} is ${value}: an on-demand ${owner.name === 'the table' ? 'table' : 'index'} starts at ${onDemandMin} ${which} units per second and DynamoDB refuses less; use ${onDemandMin} or more, or remove ${field}`,
      );
    } else if (provisioned && capacity !== undefined && value < capacity) {
      out.error(
        path,
        `${field} of ${owner.name} is ${value}, below its provisioned ${which} capacity ${capacity}: DynamoDB refuses a warm throughput under the capacity; use ${capacity} or more, or remove ${field}`,
      );
    }
  }
}

export function checkThroughputLimits(model: TableModel): Findings {
  const out = new Findings();
  const provisioned = model.billingMode === 'PROVISIONED';
  for (const owner of owners(model)) {
    checkOnDemand(owner, provisioned, out);
    checkWarm(owner, provisioned, out);
  }
  return out;
}

const keyText = (index: SecondaryIndex): string => index.keySchema.map((k) => `${k.attributeName} ${k.keyType}`).join();

/**
 * UPDATE: a warm throughput value lower than the stored object's is an error (DynamoDB cannot lower warm
 * throughput). Removing a value is allowed (the operator stops managing it) with a warning, since AWS
 * keeps what it has: warm throughput cannot go down, and a cap stays until it is set to -1. A GSI whose
 * keys change is re-created, so its settings start over and are not compared.
 */
export function checkThroughputUpdate(model: TableModel, old: TableModel): Findings {
  const out = new Findings();
  const removed = (path: string, now: object | undefined, before: object | undefined, what: string): void => {
    if (before && !now) out.warn(`${path} removed: ${what}`);
  };
  const keepsCaps = 'AWS keeps the caps; set them to -1 to remove them';
  const keepsWarm = 'AWS keeps the warm throughput (it cannot be lowered)';
  const compare = (name: string, now: WarmThroughput | undefined, before: WarmThroughput | undefined): void => {
    if (!now || !before) return;
    for (const field of ['readUnitsPerSecond', 'writeUnitsPerSecond'] as const) {
      const was = before[field];
      const value = now[field];
      if (was === undefined || value === undefined || value >= was) continue;
      out.error(
        `${now.path}.${field}`,
        `warm throughput only rises: ${field} of ${name} was ${was} and DynamoDB cannot lower it; keep ${was} or more, or remove ${field} to stop managing it`,
      );
    }
  };
  compare('the table', model.warmThroughput, old.warmThroughput);
  removed('spec.onDemandThroughput', model.onDemandThroughput, old.onDemandThroughput, keepsCaps);
  removed('spec.warmThroughput', model.warmThroughput, old.warmThroughput, keepsWarm);
  const before = new Map(old.globalSecondaryIndexes.map((g) => [g.indexName, g]));
  for (const index of model.globalSecondaryIndexes) {
    const was = before.get(index.indexName);
    if (!was || keyText(was) !== keyText(index)) continue;
    compare(`index ${show(index.indexName)}`, index.warmThroughput, was.warmThroughput);
    removed(`${index.path}.onDemandThroughput`, index.onDemandThroughput, was.onDemandThroughput, keepsCaps);
    removed(`${index.path}.warmThroughput`, index.warmThroughput, was.warmThroughput, keepsWarm);
  }
  return out;
}
