// On-demand caps and warm throughput of a live table and its GSIs against the spec: the update steps
// and the drift lines. Pure. A field the spec leaves out is not managed (AWS keeps whatever it has).
// - On-demand caps: planned only when the spec's billing mode is PAY_PER_REQUEST; -1 and "no cap in
//   AWS" (none reported, 0 or -1) are the same thing. One UpdateTable for the table and its GSIs.
// - Warm throughput: only ever raised. A live value at or above the spec is in sync (DynamoDB raises
//   warm throughput by itself as traffic grows); an owner whose warm throughput is still UPDATING is
//   left alone until it is ACTIVE, so the same raise is never sent twice.
import type { SecondaryIndex, TableModel } from '../model.ts';
import { desiredBilling } from './normal.ts';
import type { ObservedIndex, ObservedOnDemand, ObservedTable, ObservedWarm } from './observed.ts';
import type {
  StepOnDemandThroughput,
  StepWarmThroughput,
  UpdateOnDemandThroughputStep,
  UpdateWarmThroughputStep,
} from './steps.ts';

type Caps = { maxReadRequestUnits?: number; maxWriteRequestUnits?: number };
type Warm = { readUnitsPerSecond?: number; writeUnitsPerSecond?: number };

const CAP_FIELDS = ['maxReadRequestUnits', 'maxWriteRequestUnits'] as const;
const WARM_FIELDS = ['readUnitsPerSecond', 'writeUnitsPerSecond'] as const;

const capOf = (v: number | undefined): number => (v === undefined || v < 1 ? -1 : v);

/** The caps to send so that AWS matches `want`; undefined when it already does. */
export function onDemandChange(
  want: Caps | undefined,
  have: ObservedOnDemand | undefined,
): StepOnDemandThroughput | undefined {
  if (!want) return undefined;
  const out: StepOnDemandThroughput = {};
  for (const f of CAP_FIELDS) {
    const w = want[f];
    if (w !== undefined && capOf(w) !== capOf(have?.[f])) out[f] = capOf(w);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The warm throughput to send when the spec asks for more than AWS has; undefined otherwise. */
export function warmChange(want: Warm | undefined, have: ObservedWarm | undefined): StepWarmThroughput | undefined {
  if (!want || (have?.status !== undefined && have.status !== 'ACTIVE')) return undefined;
  const out: StepWarmThroughput = {};
  let raise = false;
  for (const f of WARM_FIELDS) {
    const w = want[f];
    const h = have?.[f];
    if (w !== undefined && (h === undefined || h < w)) {
      out[f] = w;
      raise = true;
    } else if (h !== undefined) {
      out[f] = h;
    }
  }
  return raise ? out : undefined;
}

/** GSIs in both the spec and AWS (not DELETING), paired. */
function pairs(d: TableModel, o: ObservedTable): [SecondaryIndex, ObservedIndex][] {
  const live = new Map(o.globalSecondaryIndexes.filter((g) => g.status !== 'DELETING').map((g) => [g.indexName, g]));
  return d.globalSecondaryIndexes.flatMap((g): [SecondaryIndex, ObservedIndex][] => {
    const have = live.get(g.indexName);
    return have ? [[g, have]] : [];
  });
}

export function onDemandSteps(d: TableModel, o: ObservedTable): UpdateOnDemandThroughputStep[] {
  if (desiredBilling(d) !== 'PAY_PER_REQUEST') return [];
  const table = onDemandChange(d.onDemandThroughput, o.onDemandThroughput);
  const indexes = pairs(d, o).flatMap(([w, h]) => {
    const change = onDemandChange(w.onDemandThroughput, h.onDemandThroughput);
    return change ? [{ indexName: w.indexName, onDemandThroughput: change }] : [];
  });
  if (!table && indexes.length === 0) return [];
  const step: UpdateOnDemandThroughputStep = { kind: 'updateOnDemandThroughput', indexes };
  if (table) step.table = table;
  return [step];
}

export function warmSteps(d: TableModel, o: ObservedTable): UpdateWarmThroughputStep[] {
  const table = warmChange(d.warmThroughput, o.warmThroughput);
  const indexes = pairs(d, o).flatMap(([w, h]) => {
    const change = warmChange(w.warmThroughput, h.warmThroughput);
    return change ? [{ indexName: w.indexName, warmThroughput: change }] : [];
  });
  if (!table && indexes.length === 0) return [];
  const step: UpdateWarmThroughputStep = { kind: 'updateWarmThroughput', indexes };
  if (table) step.table = table;
  return [step];
}

const capText = (v: number | undefined): string => (capOf(v) === -1 ? 'no limit' : String(v));

/** Drift lines, e.g. "table on-demand maxReadRequestUnits is no limit in AWS, the spec says 100". */
export function throughputDrift(d: TableModel, o: ObservedTable): string[] {
  const out: string[] = [];
  const onDemand = desiredBilling(d) === 'PAY_PER_REQUEST';
  const owners: [string, Caps | undefined, ObservedOnDemand | undefined, Warm | undefined, ObservedWarm | undefined][] =
    [
      ['table', d.onDemandThroughput, o.onDemandThroughput, d.warmThroughput, o.warmThroughput],
      ...pairs(d, o).map(
        ([w, h]): [
          string,
          Caps | undefined,
          ObservedOnDemand | undefined,
          Warm | undefined,
          ObservedWarm | undefined,
        ] => [`GSI ${w.indexName}`, w.onDemandThroughput, h.onDemandThroughput, w.warmThroughput, h.warmThroughput],
      ),
    ];
  for (const [name, wantCaps, haveCaps, wantWarm, haveWarm] of owners) {
    const caps = onDemand ? onDemandChange(wantCaps, haveCaps) : undefined;
    for (const f of CAP_FIELDS) {
      if (caps?.[f] !== undefined)
        out.push(`${name} on-demand ${f} is ${capText(haveCaps?.[f])} in AWS, the spec says ${capText(wantCaps?.[f])}`);
    }
    const warm = warmChange(wantWarm, haveWarm);
    for (const f of WARM_FIELDS) {
      const w = wantWarm?.[f];
      const h = haveWarm?.[f];
      if (warm && w !== undefined && (h === undefined || h < w))
        out.push(`${name} warm ${f} is ${h ?? 'unknown'} in AWS, the spec says ${w}`);
    }
  }
  return out;
}

/** What a new GSI is created with: its caps (PAY_PER_REQUEST only, no -1) and warm throughput. */
export function gsiCreateLimits(
  d: TableModel,
  g: SecondaryIndex,
): { onDemandThroughput?: StepOnDemandThroughput; warmThroughput?: StepWarmThroughput } {
  const out: { onDemandThroughput?: StepOnDemandThroughput; warmThroughput?: StepWarmThroughput } = {};
  if (desiredBilling(d) === 'PAY_PER_REQUEST' && g.onDemandThroughput) {
    const caps: StepOnDemandThroughput = {};
    for (const f of CAP_FIELDS) {
      const v = g.onDemandThroughput[f];
      if (v !== undefined && v >= 1) caps[f] = v;
    }
    if (Object.keys(caps).length > 0) out.onDemandThroughput = caps;
  }
  if (g.warmThroughput) {
    const warm: StepWarmThroughput = {};
    for (const f of WARM_FIELDS) {
      const v = g.warmThroughput[f];
      if (v !== undefined) warm[f] = v;
    }
    if (Object.keys(warm).length > 0) out.warmThroughput = warm;
  }
  return out;
}

const fields = (v: object): string =>
  Object.entries(v)
    .map(([k, n]) => `${k} ${n === -1 ? 'no limit' : String(n)}`)
    .join(', ');

/** "raising warm throughput: table readUnitsPerSecond 15000, …; GSI by-g …", for status and Events. */
export function throughputStepText(step: UpdateOnDemandThroughputStep | UpdateWarmThroughputStep): string {
  const parts: string[] = [];
  if (step.table) parts.push(`table ${fields(step.table)}`);
  for (const g of step.indexes)
    parts.push(`GSI ${g.indexName} ${fields('warmThroughput' in g ? g.warmThroughput : g.onDemandThroughput)}`);
  const what =
    step.kind === 'updateWarmThroughput' ? 'raising warm throughput' : 'setting on-demand maximum throughput';
  return `${what}: ${parts.join('; ')}`;
}
