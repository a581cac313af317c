// Test helpers for the planner: a TableModel builder and a pure model of what AWS does with each step.
import type { SecondaryIndex, TableModel } from '../src/model.ts';
export { model } from './model.fixture.ts';
import type { ObservedIndex, ObservedTable, PlanStep } from '../src/plan/index.ts';

export const AWS_MANAGED_KEY = 'arn:aws:kms:us-east-1:123456789012:key/aws-managed-dynamodb';

export function gsi(
  indexName: string,
  hash: string,
  range?: string,
  projection: SecondaryIndex['projection']['type'] = 'ALL',
  nonKeyAttributes: string[] = [],
  throughput?: [number, number],
): SecondaryIndex {
  const path = `spec.globalSecondaryIndexes[${indexName}]`;
  const g: SecondaryIndex = {
    indexName,
    keySchema: [
      { attributeName: hash, keyType: 'HASH', path: `${path}.keys[0]` },
      ...(range ? [{ attributeName: range, keyType: 'RANGE' as const, path: `${path}.keys[1]` }] : []),
    ],
    projection: { type: projection, nonKeyAttributes, path: `${path}.projection` },
    path,
  };
  if (throughput)
    g.provisionedThroughput = { readCapacityUnits: throughput[0], writeCapacityUnits: throughput[1], path };
  return g;
}

/** The observed state of a table created exactly from `d` (ACTIVE, all aspects read). */
export function observedFor(d: TableModel): ObservedTable {
  const provisioned = d.billingMode === 'PROVISIONED';
  const tp = (t?: { readCapacityUnits: number; writeCapacityUnits: number }) =>
    provisioned && t ? { readCapacityUnits: t.readCapacityUnits, writeCapacityUnits: t.writeCapacityUnits } : undefined;
  const o: ObservedTable = {
    tableName: d.tableName,
    status: 'ACTIVE',
    billingMode: d.billingMode ?? 'PAY_PER_REQUEST',
    attributeDefinitions: d.attributeDefinitions.map((a) => ({ name: a.name, type: a.type })),
    keySchema: d.keySchema.map((k) => ({ attributeName: k.attributeName, keyType: k.keyType })),
    globalSecondaryIndexes: d.globalSecondaryIndexes.map((g) => {
      const i: ObservedIndex = {
        indexName: g.indexName,
        status: 'ACTIVE',
        backfilling: false,
        keySchema: g.keySchema.map((k) => ({ attributeName: k.attributeName, keyType: k.keyType })),
        projection: { type: g.projection.type, nonKeyAttributes: [...g.projection.nonKeyAttributes] },
      };
      const t = tp(g.provisionedThroughput ?? d.provisionedThroughput);
      if (t) i.provisionedThroughput = t;
      return i;
    }),
    localSecondaryIndexes: [],
    stream: d.stream.enabled
      ? { enabled: true, viewType: d.stream.viewType ?? 'NEW_AND_OLD_IMAGES' }
      : { enabled: false },
    encryption:
      !d.encryption.enabled || d.encryption.type === 'AWS_OWNED'
        ? { type: 'AWS_OWNED' }
        : { type: 'AWS_MANAGED', kmsKeyArn: d.encryption.kmsKeyArn ?? AWS_MANAGED_KEY },
    tableClass: d.tableClass ?? 'STANDARD',
    deletionProtectionEnabled: d.deletionProtectionEnabled,
    ttl: d.timeToLive.enabled
      ? { status: 'ENABLED', attributeName: d.timeToLive.attributeName ?? '' }
      : { status: 'DISABLED' },
    pointInTimeRecovery: d.pointInTimeRecovery.enabled
      ? { enabled: true, recoveryPeriodInDays: d.pointInTimeRecovery.recoveryPeriodInDays ?? 35 }
      : { enabled: false },
    tags: { ...d.tags },
  };
  const t = tp(d.provisionedThroughput);
  if (t) o.provisionedThroughput = t;
  return o;
}

export interface SimulateOptions {
  /** Leave the table/index in the state AWS leaves it right after the call (UPDATING, CREATING…). */
  transitional?: boolean;
}

/** Every table and index ACTIVE, TTL settled: what waiting long enough does. */
export function settle(o: ObservedTable): ObservedTable {
  const out = structuredClone(o);
  out.status = 'ACTIVE';
  out.globalSecondaryIndexes = out.globalSecondaryIndexes
    .filter((g) => g.status !== 'DELETING')
    .map((g) => ({ ...g, status: 'ACTIVE', backfilling: false }));
  if (out.replicas)
    out.replicas = out.replicas.filter((r) => r.status !== 'DELETING').map((r) => ({ ...r, status: 'ACTIVE' }));
  if (out.ttl?.status === 'ENABLING') out.ttl.status = 'ENABLED';
  if (out.ttl?.status === 'DISABLING') out.ttl = { status: 'DISABLED' };
  return out;
}

function usedAttributes(o: ObservedTable): Set<string> {
  const names = new Set<string>();
  for (const k of o.keySchema) names.add(k.attributeName);
  for (const i of [...o.globalSecondaryIndexes, ...o.localSecondaryIndexes])
    for (const k of i.keySchema) names.add(k.attributeName);
  return names;
}

function indexOf(o: ObservedTable, name: string): ObservedIndex {
  const g = o.globalSecondaryIndexes.find((x) => x.indexName === name);
  if (!g) throw new Error(`ResourceNotFoundException: index ${name}`);
  return g;
}

/** A pure model of AWS's reaction to one step (the parts the planner relies on). */
export function simulateApply(step: PlanStep, observed: ObservedTable, opts: SimulateOptions = {}): ObservedTable {
  const o = structuredClone(observed);
  const updating = (): void => {
    if (opts.transitional) o.status = 'UPDATING';
  };
  switch (step.kind) {
    case 'wait':
      return settle(o);
    case 'deleteGsi':
      if (opts.transitional) {
        o.globalSecondaryIndexes = o.globalSecondaryIndexes.map((g) =>
          g.indexName === step.indexName ? { ...g, status: 'DELETING' } : g,
        );
      } else o.globalSecondaryIndexes = o.globalSecondaryIndexes.filter((g) => g.indexName !== step.indexName);
      {
        // AWS drops attribute definitions nothing uses any more.
        const remaining = {
          ...o,
          globalSecondaryIndexes: o.globalSecondaryIndexes.filter((g) => g.indexName !== step.indexName),
        };
        const used = usedAttributes(remaining);
        o.attributeDefinitions = o.attributeDefinitions.filter((a) => used.has(a.name));
      }
      updating();
      return o;
    case 'updateTableSettings':
      if (step.billingMode) o.billingMode = step.billingMode;
      if (o.billingMode === 'PAY_PER_REQUEST') {
        delete o.provisionedThroughput;
        for (const g of o.globalSecondaryIndexes) delete g.provisionedThroughput;
      }
      if (step.provisionedThroughput) o.provisionedThroughput = { ...step.provisionedThroughput };
      for (const u of step.gsiProvisionedThroughput ?? []) {
        const g = o.globalSecondaryIndexes.find((x) => x.indexName === u.indexName);
        if (!g) throw new Error(`ResourceNotFoundException: index ${u.indexName}`);
        g.provisionedThroughput = { ...u.provisionedThroughput };
      }
      if (step.tableClass) o.tableClass = step.tableClass;
      if (step.deletionProtectionEnabled !== undefined) o.deletionProtectionEnabled = step.deletionProtectionEnabled;
      updating();
      return o;
    case 'updateGsiCapacity':
      for (const u of step.indexes) {
        const g = o.globalSecondaryIndexes.find((x) => x.indexName === u.indexName);
        if (!g) throw new Error(`ResourceNotFoundException: index ${u.indexName}`);
        g.provisionedThroughput = { ...u.provisionedThroughput };
        if (opts.transitional) g.status = 'UPDATING';
      }
      updating();
      return o;
    case 'updateOnDemandThroughput':
      // -1 removes a cap: DescribeTable then reports none.
      for (const [owner, caps] of [
        [o, step.table] as const,
        ...step.indexes.map((u) => [indexOf(o, u.indexName), u.onDemandThroughput] as const),
      ]) {
        if (!caps) continue;
        const next = { ...owner.onDemandThroughput };
        for (const [k, v] of Object.entries(caps) as [keyof typeof next, number][])
          if (v === -1) delete next[k];
          else next[k] = v;
        owner.onDemandThroughput = next;
      }
      updating();
      return o;
    case 'updateWarmThroughput':
      for (const [owner, warm] of [
        [o, step.table] as const,
        ...step.indexes.map((u) => [indexOf(o, u.indexName), u.warmThroughput] as const),
      ]) {
        if (!warm) continue;
        for (const [k, v] of Object.entries(warm) as ['readUnitsPerSecond' | 'writeUnitsPerSecond', number][])
          if (v < (owner.warmThroughput?.[k] ?? 0)) throw new Error(`ValidationException: warm ${k} cannot be lowered`);
        owner.warmThroughput = { ...owner.warmThroughput, ...warm, status: 'ACTIVE' };
      }
      updating();
      return o;
    case 'createGsi': {
      if (o.globalSecondaryIndexes.some((g) => g.indexName === step.indexName))
        throw new Error(`ValidationException: index ${step.indexName} already exists`);
      for (const a of step.attributeDefinitions) {
        const have = o.attributeDefinitions.find((x) => x.name === a.name);
        if (have && have.type !== a.type) throw new Error(`ValidationException: conflicting type for ${a.name}`);
        if (!have) o.attributeDefinitions.push({ name: a.name, type: a.type });
      }
      const i: ObservedIndex = {
        indexName: step.indexName,
        status: opts.transitional ? 'CREATING' : 'ACTIVE',
        backfilling: opts.transitional === true,
        keySchema: step.keySchema.map((k) => ({ ...k })),
        projection: { type: step.projection.type, nonKeyAttributes: [...step.projection.nonKeyAttributes] },
      };
      if (o.billingMode === 'PROVISIONED') {
        if (!step.provisionedThroughput) throw new Error('ValidationException: GSI needs ProvisionedThroughput');
        i.provisionedThroughput = { ...step.provisionedThroughput };
      }
      o.globalSecondaryIndexes.push(i);
      updating();
      return o;
    }
    case 'updateStream':
      if (step.enabled && o.stream.enabled) throw new Error('ValidationException: stream already enabled');
      o.stream = step.enabled ? { enabled: true, viewType: step.viewType ?? 'NEW_AND_OLD_IMAGES' } : { enabled: false };
      updating();
      return o;
    case 'updateSse':
      o.encryption = step.enabled
        ? { type: 'AWS_MANAGED', kmsKeyArn: step.kmsKeyArn ?? AWS_MANAGED_KEY }
        : { type: 'AWS_OWNED' };
      updating();
      return o;
    case 'updateTtl':
      if (!o.ttl) throw new Error('TTL not observed');
      if (step.enabled && (o.ttl.status === 'ENABLED' || o.ttl.status === 'ENABLING'))
        throw new Error('ValidationException: TimeToLive is already enabled');
      if (opts.transitional)
        o.ttl = step.enabled
          ? { status: 'ENABLING', attributeName: step.attributeName }
          : { status: 'DISABLING', attributeName: step.attributeName };
      else o.ttl = step.enabled ? { status: 'ENABLED', attributeName: step.attributeName } : { status: 'DISABLED' };
      return o;
    case 'updatePitr':
      o.pointInTimeRecovery = step.enabled
        ? { enabled: true, recoveryPeriodInDays: step.recoveryPeriodInDays ?? 35 }
        : { enabled: false };
      return o;
    case 'tagResource':
      if (Object.keys(step.tags).some((k) => k.startsWith('aws:'))) throw new Error('ValidationException: aws: tag');
      o.tags = { ...o.tags, ...step.tags };
      return o;
    case 'createReplica': {
      const r: NonNullable<ObservedTable['replicas']>[number] = {
        regionName: step.regionName,
        status: opts.transitional ? 'CREATING' : 'ACTIVE',
      };
      if (step.tableClassOverride) r.tableClass = step.tableClassOverride;
      if (step.provisionedThroughputOverride)
        r.readCapacityUnits = step.provisionedThroughputOverride.readCapacityUnits;
      if (step.onDemandThroughputOverride) r.maxReadRequestUnits = step.onDemandThroughputOverride.maxReadRequestUnits;
      if (step.globalSecondaryIndexes)
        r.globalSecondaryIndexes = step.globalSecondaryIndexes.map((g) => ({
          indexName: g.indexName,
          ...(g.provisionedThroughputOverride
            ? { readCapacityUnits: g.provisionedThroughputOverride.readCapacityUnits }
            : {}),
          ...(g.onDemandThroughputOverride
            ? { maxReadRequestUnits: g.onDemandThroughputOverride.maxReadRequestUnits }
            : {}),
        }));
      o.replicas = [...(o.replicas ?? []), r];
      updating();
      return o;
    }
    case 'updateReplica':
      o.replicas = (o.replicas ?? []).map((r) => {
        if (r.regionName !== step.regionName) return r;
        const next = { ...r };
        if (step.tableClassOverride) next.tableClass = step.tableClassOverride;
        if (step.provisionedThroughputOverride)
          next.readCapacityUnits = step.provisionedThroughputOverride.readCapacityUnits;
        if (step.onDemandThroughputOverride)
          next.maxReadRequestUnits = step.onDemandThroughputOverride.maxReadRequestUnits;
        for (const g of step.globalSecondaryIndexes ?? []) {
          const rest = (next.globalSecondaryIndexes ?? []).filter((x) => x.indexName !== g.indexName);
          const gsi: (typeof rest)[number] = { indexName: g.indexName };
          if (g.provisionedThroughputOverride)
            gsi.readCapacityUnits = g.provisionedThroughputOverride.readCapacityUnits;
          if (g.onDemandThroughputOverride) gsi.maxReadRequestUnits = g.onDemandThroughputOverride.maxReadRequestUnits;
          next.globalSecondaryIndexes = [...rest, gsi];
        }
        return next;
      });
      updating();
      return o;
    case 'deleteReplica':
      o.replicas = (o.replicas ?? []).filter((r) => r.regionName !== step.regionName);
      updating();
      return o;
    case 'untagResource': {
      if (step.keys.some((k) => k.startsWith('aws:'))) throw new Error('ValidationException: aws: tag');
      const tags = { ...o.tags };
      for (const k of step.keys) delete tags[k];
      o.tags = tags;
      return o;
    }
  }
}

export function applyAll(steps: readonly PlanStep[], o: ObservedTable): ObservedTable {
  return steps.reduce((acc, s) => simulateApply(s, acc), o);
}
