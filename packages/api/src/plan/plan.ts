// plan(desired, observed) → the ordered steps that bring a live table to its spec. Pure.
//
// Order: GSI deletes → table settings (billing, capacity, deletion protection; table class on
// its own) → GSI capacity → on-demand caps → warm throughput (one call each, table and GSIs together) →
// GSI creates, one per call → streams (view-type change = disable, enable) → SSE → TTL → PITR → tags
// (untag, then tag). When the table or an index is not ACTIVE the plan starts with `wait`: AWS refuses
// every UpdateTable until then, so the caller must not send one. The caller executes only the first
// executable step (see nextStep), observes again and plans again; AWS moves
// the table to UPDATING after each UpdateTable, so the next plan starts with `wait` by itself.
import { scaledThroughput } from '../autoscaling/capacity.ts';
import type { TableModel } from '../model.ts';
import type { ObservedIndex, ObservedTable } from './observed.ts';
import {
  desiredBilling,
  desiredGsiThroughput,
  desiredIndexShape,
  desiredPitr,
  desiredSse,
  desiredStream,
  desiredTableClass,
  desiredTags,
  desiredThroughput,
  desiredTtl,
  isAwsTag,
  notActive,
  observedIndexShape,
  observedTtl,
  pitrMatches,
  sameShape,
  sameThroughput,
  shapeChanges,
  sseMatches,
  TTL_CHANGE_INTERVAL_MS,
} from './normal.ts';
import type {
  CreateGsiStep,
  DeleteGsiStep,
  PlanStep,
  UpdateTableSettingsStep,
  UpdateTtlStep,
  WaitStep,
} from './steps.ts';
import { replicaCreates, replicaDeletes, replicaFailures, replicaUpdates, replicaWaitReasons } from './replicas.ts';
import { gsiCreateLimits, onDemandSteps, warmSteps } from './throughput.ts';

export interface PlanOptions {
  /** Tag keys we set on this table before (e.g. from status): only these may be removed. */
  managedTagKeys?: readonly string[];
  /** Tags the operator adds on top of the spec (ownership marks). Never removed by the plan. */
  extraTags?: Record<string, string>;
  /** When this table's TTL was last changed by us (ISO or Date); AWS allows one change per hour. */
  lastTtlChangeAt?: string | Date;
  /** "Now", for the TTL hour rule. Defaults to the real clock. */
  now?: Date;
  /**
   * Capacity is managed elsewhere (an auto scaler, a runbook: the object's `capacity-management: External`
   * annotation): the spec's capacity is sent only where AWS needs one (at create, a new GSI, a switch to
   * PROVISIONED) and a different live capacity is neither a step nor drift — no fight with the scaler.
   */
  externalCapacity?: boolean;
}

/** Reasons the table cannot take an UpdateTable now (empty when everything is ACTIVE). */
export function waitReasons(o: ObservedTable): string[] {
  const out: string[] = [];
  if (notActive(o.status)) out.push(`table is ${o.status}`);
  for (const g of o.globalSecondaryIndexes) {
    if (notActive(g.status)) out.push(`GSI ${g.indexName} is ${g.status}${g.backfilling ? ' (backfilling)' : ''}`);
  }
  out.push(...replicaWaitReasons(o));
  return out;
}

export function plan(desired: TableModel, observed: ObservedTable, opts: PlanOptions = {}): PlanStep[] {
  const steps: PlanStep[] = [
    ...replicaDeletes(desired, observed),
    ...gsiDeletes(desired, observed),
    ...tableSettings(desired, observed, opts),
    ...gsiCapacity(desired, observed, opts),
    ...onDemandSteps(desired, observed),
    ...warmSteps(desired, observed),
    ...gsiCreates(desired, observed),
    ...stream(desired, observed),
    ...sse(desired, observed),
    ...replicaUpdates(desired, observed),
    ...replicaCreates(desired, observed),
    ...ttl(desired, observed, opts),
    ...pitr(desired, observed),
    ...tags(desired, observed, opts),
  ];
  const reasons = [...waitReasons(observed), ...replicaFailures(desired, observed)];
  if (reasons.length === 0) return steps;
  const wait: WaitStep = { kind: 'wait', reasons };
  return [wait, ...steps];
}

/**
 * The step to execute now: the first one, except that a TTL step blocked by the hour rule is passed
 * over so that PITR and tags still converge meanwhile. Undefined when nothing can run now.
 */
export function nextStep(steps: readonly PlanStep[], now: Date = new Date()): PlanStep | undefined {
  return steps.find((s) => s.kind !== 'updateTtl' || !isBlocked(s, now));
}

export function isBlocked(step: UpdateTtlStep, now: Date = new Date()): boolean {
  return step.blockedUntil !== undefined && Date.parse(step.blockedUntil) > now.getTime();
}

/** GSIs in AWS that stay (not DELETING), by name. */
function liveGsis(o: ObservedTable): Map<string, ObservedIndex> {
  return new Map(o.globalSecondaryIndexes.filter((g) => g.status !== 'DELETING').map((g) => [g.indexName, g]));
}

/** Names of observed GSIs that survive the plan: in the spec with the same shape. */
function keptGsis(d: TableModel, o: ObservedTable): ObservedIndex[] {
  const wanted = new Map(d.globalSecondaryIndexes.map((g) => [g.indexName, g]));
  return [...liveGsis(o).values()].filter((g) => {
    const w = wanted.get(g.indexName);
    return w !== undefined && sameShape(desiredIndexShape(d, w), observedIndexShape(o, g));
  });
}

function gsiDeletes(d: TableModel, o: ObservedTable): DeleteGsiStep[] {
  const wanted = new Map(d.globalSecondaryIndexes.map((g) => [g.indexName, g]));
  const out: DeleteGsiStep[] = [];
  for (const g of liveGsis(o).values()) {
    const w = wanted.get(g.indexName);
    if (!w) {
      out.push({ kind: 'deleteGsi', indexName: g.indexName, reason: 'not in the spec' });
      continue;
    }
    const changes = shapeChanges(observedIndexShape(o, g), desiredIndexShape(d, w));
    if (changes.length > 0) {
      out.push({ kind: 'deleteGsi', indexName: g.indexName, reason: `${changes.join(', ')} (re-created next)` });
    }
  }
  // By name: a stable order across reconciles, whatever order DescribeTable lists them in.
  return out.sort((a, b) => (a.indexName < b.indexName ? -1 : 1));
}

function tableSettings(d: TableModel, o: ObservedTable, opts: PlanOptions): PlanStep[] {
  const billing = desiredBilling(d);
  const step: UpdateTableSettingsStep = { kind: 'updateTableSettings' };
  let changed = false;
  if (billing !== o.billingMode) {
    step.billingMode = billing;
    changed = true;
  }
  // Auto scaling owns a scaled dimension's capacity within its range (no fight with the scaler).
  const tp = scaledThroughput(
    desiredThroughput(d),
    billing === o.billingMode ? o.provisionedThroughput : undefined,
    d.autoScaling,
  );
  const capacityDiffers = !opts.externalCapacity && !sameThroughput(tp, o.provisionedThroughput);
  if (tp && (billing !== o.billingMode || capacityDiffers)) {
    step.provisionedThroughput = tp;
    changed = true;
  }
  if (billing === 'PROVISIONED' && o.billingMode !== 'PROVISIONED') {
    // AWS refuses the switch unless every remaining GSI gets capacity in the same call.
    const byName = new Map(d.globalSecondaryIndexes.map((g) => [g.indexName, g]));
    const gsis = keptGsis(d, o).flatMap((g) => {
      const w = byName.get(g.indexName);
      const t = w && desiredGsiThroughput(d, w);
      return t ? [{ indexName: g.indexName, provisionedThroughput: t }] : [];
    });
    if (gsis.length > 0) step.gsiProvisionedThroughput = gsis;
  }
  if (d.deletionProtectionEnabled !== o.deletionProtectionEnabled) {
    step.deletionProtectionEnabled = d.deletionProtectionEnabled;
    changed = true;
  }
  const out: PlanStep[] = changed ? [step] : [];
  // Table class goes alone: AWS does not document it combined with capacity or billing changes.
  const tc = desiredTableClass(d);
  if (tc !== o.tableClass) out.push({ kind: 'updateTableSettings', tableClass: tc });
  return out;
}

function gsiCapacity(d: TableModel, o: ObservedTable, opts: PlanOptions): PlanStep[] {
  // A billing switch to PROVISIONED carries GSI capacity itself (see tableSettings).
  if (desiredBilling(d) !== 'PROVISIONED' || o.billingMode !== 'PROVISIONED' || opts.externalCapacity) return [];
  const byName = new Map(d.globalSecondaryIndexes.map((g) => [g.indexName, g]));
  const indexes = keptGsis(d, o).flatMap((g) => {
    const w = byName.get(g.indexName);
    const t = w && scaledThroughput(desiredGsiThroughput(d, w), g.provisionedThroughput, w.autoScaling);
    return t && !sameThroughput(t, g.provisionedThroughput)
      ? [{ indexName: g.indexName, provisionedThroughput: t }]
      : [];
  });
  return indexes.length > 0 ? [{ kind: 'updateGsiCapacity', indexes }] : [];
}

function gsiCreates(d: TableModel, o: ObservedTable): PlanStep[] {
  const kept = new Set(keptGsis(d, o).map((g) => g.indexName));
  return d.globalSecondaryIndexes
    .filter((g) => !kept.has(g.indexName))
    .map((g): CreateGsiStep => {
      // Definitions for every key attribute in use after this call, not just the new index's: AWS
      // accepts that, and some emulators (moto) replace the table's definitions with what we send.
      const names = new Set([
        ...d.keySchema.map((k) => k.attributeName),
        ...d.localSecondaryIndexes.flatMap((i) => i.keySchema.map((k) => k.attributeName)),
        ...d.globalSecondaryIndexes
          .filter((x) => kept.has(x.indexName))
          .flatMap((i) => i.keySchema.map((k) => k.attributeName)),
        ...g.keySchema.map((k) => k.attributeName),
      ]);
      const step: CreateGsiStep = {
        kind: 'createGsi',
        indexName: g.indexName,
        keySchema: g.keySchema.map((k) => ({ attributeName: k.attributeName, keyType: k.keyType })),
        attributeDefinitions: d.attributeDefinitions
          .filter((a) => names.has(a.name))
          .map((a) => ({ name: a.name, type: a.type })),
        projection: {
          type: g.projection.type,
          nonKeyAttributes: g.projection.type === 'INCLUDE' ? [...g.projection.nonKeyAttributes] : [],
        },
      };
      const t = desiredGsiThroughput(d, g);
      if (t) step.provisionedThroughput = t;
      Object.assign(step, gsiCreateLimits(d, g));
      return step;
    });
}

function stream(d: TableModel, o: ObservedTable): PlanStep[] {
  const want = desiredStream(d);
  if (!want.enabled) return o.stream.enabled ? [{ kind: 'updateStream', enabled: false }] : [];
  const enable: PlanStep = { kind: 'updateStream', enabled: true, viewType: want.viewType };
  if (!o.stream.enabled) return [enable];
  // AWS cannot change a stream's view type in place: disable, then enable with the new one.
  if (o.stream.viewType !== want.viewType) return [{ kind: 'updateStream', enabled: false }, enable];
  return [];
}

function sse(d: TableModel, o: ObservedTable): PlanStep[] {
  const want = desiredSse(d);
  if (sseMatches(want, o)) return [];
  return [
    want.kmsKeyArn
      ? { kind: 'updateSse', enabled: true, kmsKeyArn: want.kmsKeyArn }
      : { kind: 'updateSse', enabled: want.enabled },
  ];
}

function ttl(d: TableModel, o: ObservedTable, opts: PlanOptions): PlanStep[] {
  if (!o.ttl) return [];
  const want = desiredTtl(d);
  const have = observedTtl(o.ttl);
  const changes: { enabled: boolean; attributeName: string }[] = [];
  if (have.enabled && (!want.enabled || have.attributeName !== want.attributeName)) {
    changes.push({ enabled: false, attributeName: have.attributeName ?? '' });
  }
  if (want.enabled && (!have.enabled || have.attributeName !== want.attributeName)) {
    changes.push({ enabled: true, attributeName: want.attributeName ?? '' });
  }
  if (changes.length === 0) return [];
  const now = (opts.now ?? new Date()).getTime();
  const last = opts.lastTtlChangeAt === undefined ? undefined : new Date(opts.lastTtlChangeAt).getTime();
  // A change still in progress counts as "just changed" when we do not know when it started.
  const transitional = o.ttl.status === 'ENABLING' || o.ttl.status === 'DISABLING';
  let earliest = last !== undefined ? last + TTL_CHANGE_INTERVAL_MS : transitional ? now + TTL_CHANGE_INTERVAL_MS : now;
  return changes.map((c) => {
    const step: UpdateTtlStep = { kind: 'updateTtl', ...c };
    if (earliest > now) step.blockedUntil = new Date(earliest).toISOString();
    earliest = Math.max(earliest, now) + TTL_CHANGE_INTERVAL_MS;
    return step;
  });
}

function pitr(d: TableModel, o: ObservedTable): PlanStep[] {
  if (!o.pointInTimeRecovery) return [];
  const want = desiredPitr(d);
  if (pitrMatches(want, o.pointInTimeRecovery)) return [];
  return [
    want.enabled
      ? { kind: 'updatePitr', enabled: true, recoveryPeriodInDays: want.recoveryPeriodInDays }
      : { kind: 'updatePitr', enabled: false },
  ];
}

function tags(d: TableModel, o: ObservedTable, opts: PlanOptions): PlanStep[] {
  if (!o.tags) return [];
  const have = o.tags;
  const want = desiredTags(d, opts.extraTags);
  const managed = new Set(opts.managedTagKeys ?? []);
  const extra = new Set(Object.keys(opts.extraTags ?? {}));
  const remove = Object.keys(have)
    .filter((k) => !(k in want) && managed.has(k) && !extra.has(k) && !isAwsTag(k))
    .sort();
  const set = Object.fromEntries(
    Object.entries(want)
      .filter(([k, v]) => have[k] !== v)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  const out: PlanStep[] = [];
  // Untag first: it frees room under AWS's 50-tags-per-resource limit for the new ones.
  if (remove.length > 0) out.push({ kind: 'untagResource', keys: remove });
  if (Object.keys(set).length > 0) out.push({ kind: 'tagResource', tags: set });
  return out;
}
