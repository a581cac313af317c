// On-demand maximum throughput and warm throughput as AWS handles them, where moto 5.2.5 does not
// (measured: moto drops OnDemandThroughput without a word, accepts it on a PROVISIONED table, lets
// UpdateTable lower WarmThroughput, and replaces the whole WarmThroughput with what one UpdateTable
// sends, so a value left out is lost). From the AWS API reference (OnDemandThroughput, WarmThroughput,
// CreateTable, UpdateTable):
// - OnDemandThroughput is kept per table and per GSI and shown by DescribeTable; -1 removes a cap; a
//   cap is ≥ 1 or -1, and only an on-demand table takes one (ValidationException otherwise);
// - warm throughput only rises (ValidationException on a lower value), and a value UpdateTable leaves
//   out keeps its current value (the proxy adds it before forwarding, so moto keeps it too).
// A WarmThroughput with one value at CreateTable gets AWS's default for the other (moto would store
// it half empty). moto's own CreateTable check of the warm minimums is left to moto. The messages are the proxy's
// wording of AWS's rule (AWS's exact text is not published in the reference).
// Pure state; the proxy calls it around the emulator.

type Caps = { MaxReadRequestUnits?: number; MaxWriteRequestUnits?: number };
type Warm = { ReadUnitsPerSecond?: number; WriteUnitsPerSecond?: number };
type Json = Record<string, unknown>;

export type ThroughputRefusal = { error: 'ValidationException'; message: string } | undefined;

interface TableCaps {
  table?: Caps;
  indexes: Map<string, Caps>;
}

const CAP_FIELDS = ['MaxReadRequestUnits', 'MaxWriteRequestUnits'] as const;
const WARM_FIELDS = ['ReadUnitsPerSecond', 'WriteUnitsPerSecond'] as const;

const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' ? (v as Json) : undefined);
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v.filter((x) => obj(x)) as Json[]) : []);

function badCap(caps: Json | undefined, where: string): ThroughputRefusal {
  if (!caps) return undefined;
  for (const f of CAP_FIELDS) {
    const v = caps[f];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || (v < 1 && v !== -1))
      return {
        error: 'ValidationException',
        message: `One or more parameter values were invalid: ${f} of OnDemandThroughput for ${where} must be at least 1, or -1 to remove the limit`,
      };
  }
  return undefined;
}

const provisionedRefusal = (where: string): ThroughputRefusal => ({
  error: 'ValidationException',
  message: `One or more parameter values were invalid: OnDemandThroughput for ${where} can only be specified when BillingMode is PAY_PER_REQUEST`,
});

/** `next` applied over `current`: -1 removes a cap. */
function merge(current: Caps | undefined, next: Json): Caps {
  const out: Caps = { ...current };
  for (const f of CAP_FIELDS) {
    const v = next[f];
    if (v === -1) delete out[f];
    else if (typeof v === 'number') out[f] = v;
  }
  return out;
}

const DEFAULT_WARM = { ReadUnitsPerSecond: 12000, WriteUnitsPerSecond: 4000 };

function withDefaults(warm: Json | undefined, onDemand: boolean, capacity: Json | undefined): Warm | undefined {
  if (!warm) return undefined;
  const fallback = {
    ReadUnitsPerSecond: onDemand ? DEFAULT_WARM.ReadUnitsPerSecond : capacity?.ReadCapacityUnits,
    WriteUnitsPerSecond: onDemand ? DEFAULT_WARM.WriteUnitsPerSecond : capacity?.WriteCapacityUnits,
  };
  const out: Warm = {};
  for (const f of WARM_FIELDS) {
    const v = warm[f] ?? fallback[f];
    if (typeof v === 'number') out[f] = v;
  }
  return out;
}

export class ThroughputModel {
  private readonly tables = new Map<string, TableCaps>();

  private state(table: string): TableCaps {
    let s = this.tables.get(table);
    if (!s) {
      s = { indexes: new Map() };
      this.tables.set(table, s);
    }
    return s;
  }

  /** CreateTable: caps only with PAY_PER_REQUEST, each ≥ 1 or -1. */
  checkCreate(input: Json): ThroughputRefusal {
    const onDemand = input.BillingMode === 'PAY_PER_REQUEST';
    const owners: [string, Json | undefined][] = [
      ['table', obj(input.OnDemandThroughput)],
      ...list(input.GlobalSecondaryIndexes).map((g): [string, Json | undefined] => [
        `index ${String(g.IndexName)}`,
        obj(g.OnDemandThroughput),
      ]),
    ];
    for (const [where, caps] of owners) {
      if (caps && !onDemand) return provisionedRefusal(where);
      const bad = badCap(caps, where);
      if (bad) return bad;
    }
    return undefined;
  }

  /**
   * CreateTable with each partial WarmThroughput completed by AWS's default for the value left out: the
   * on-demand starting point (12000 read, 4000 write) or, when provisioned, the capacity.
   */
  completeCreate(input: Json): Json {
    const onDemand = input.BillingMode === 'PAY_PER_REQUEST';
    const out: Json = { ...input };
    const warm = withDefaults(obj(input.WarmThroughput), onDemand, obj(input.ProvisionedThroughput));
    if (warm) out.WarmThroughput = warm;
    if (Array.isArray(input.GlobalSecondaryIndexes))
      out.GlobalSecondaryIndexes = list(input.GlobalSecondaryIndexes).map((g) => {
        const w = withDefaults(obj(g.WarmThroughput), onDemand, obj(g.ProvisionedThroughput));
        return w ? { ...g, WarmThroughput: w } : g;
      });
    return out;
  }

  acceptedCreate(table: string, input: Json): void {
    this.tables.delete(table);
    const s = this.state(table);
    const caps = obj(input.OnDemandThroughput);
    if (caps) s.table = merge(undefined, caps);
    for (const g of list(input.GlobalSecondaryIndexes)) {
      const c = obj(g.OnDemandThroughput);
      if (c) s.indexes.set(String(g.IndexName), merge(undefined, c));
    }
  }

  /**
   * UpdateTable against the table as DescribeTable shows it now: caps need the table to be (or become)
   * PAY_PER_REQUEST; warm throughput may not go down.
   */
  checkUpdate(input: Json, current: Json | undefined): ThroughputRefusal {
    const billing =
      obj(current?.BillingModeSummary)?.BillingMode === 'PAY_PER_REQUEST' ? 'PAY_PER_REQUEST' : 'PROVISIONED';
    const onDemand = (input.BillingMode ?? billing) === 'PAY_PER_REQUEST';
    const indexes = new Map(list(current?.GlobalSecondaryIndexes).map((g) => [String(g.IndexName), g]));
    const owners: [string, Json | undefined, Json | undefined][] = [
      ['table', input, current],
      ...list(input.GlobalSecondaryIndexUpdates).flatMap((u): [string, Json | undefined, Json | undefined][] => {
        const g = obj(u.Update) ?? obj(u.Create);
        return g ? [[`index ${String(g.IndexName)}`, g, indexes.get(String(g.IndexName))]] : [];
      }),
    ];
    for (const [where, asked, now] of owners) {
      const caps = obj(asked?.OnDemandThroughput);
      if (caps && !onDemand) return provisionedRefusal(where);
      const bad = badCap(caps, where);
      if (bad) return bad;
      const warm = obj(asked?.WarmThroughput);
      const have = obj(now?.WarmThroughput);
      for (const f of WARM_FIELDS) {
        const v = warm?.[f];
        const h = have?.[f];
        if (typeof v === 'number' && typeof h === 'number' && v < h)
          return {
            error: 'ValidationException',
            message: `One or more parameter values were invalid: Requested ${f} for WarmThroughput for ${where} is lower than the current value ${h}; warm throughput can only be increased`,
          };
      }
    }
    return undefined;
  }

  /** The UpdateTable input with each WarmThroughput completed from the current values (AWS keeps those). */
  completeWarm(input: Json, current: Json | undefined): Json {
    const fill = (warm: Json | undefined, have: Json | undefined): Warm | undefined => {
      if (!warm) return undefined;
      const out: Warm = {};
      for (const f of WARM_FIELDS) {
        const v = warm[f] ?? have?.[f];
        if (typeof v === 'number') out[f] = v;
      }
      return out;
    };
    const indexes = new Map(list(current?.GlobalSecondaryIndexes).map((g) => [String(g.IndexName), g]));
    const out: Json = { ...input };
    const tableWarm = fill(obj(input.WarmThroughput), obj(current?.WarmThroughput));
    if (tableWarm) out.WarmThroughput = tableWarm;
    if (Array.isArray(input.GlobalSecondaryIndexUpdates))
      out.GlobalSecondaryIndexUpdates = list(input.GlobalSecondaryIndexUpdates).map((u) => {
        const up = obj(u.Update);
        const warm = up && fill(obj(up.WarmThroughput), obj(indexes.get(String(up.IndexName))?.WarmThroughput));
        return up && warm ? { ...u, Update: { ...up, WarmThroughput: warm } } : u;
      });
    return out;
  }

  acceptedUpdate(table: string, input: Json): void {
    const s = this.state(table);
    if (input.BillingMode === 'PROVISIONED') {
      // A provisioned table has no on-demand caps: its capacity is the cap.
      s.table = undefined;
      s.indexes.clear();
    }
    const caps = obj(input.OnDemandThroughput);
    if (caps) s.table = merge(s.table, caps);
    for (const u of list(input.GlobalSecondaryIndexUpdates)) {
      const del = obj(u.Delete);
      if (del) s.indexes.delete(String(del.IndexName));
      const g = obj(u.Update) ?? obj(u.Create);
      const c = obj(g?.OnDemandThroughput);
      if (g && c) s.indexes.set(String(g.IndexName), merge(s.indexes.get(String(g.IndexName)), c));
    }
  }

  deletedTable(table: string): void {
    this.tables.delete(table);
  }

  /** DescribeTable's Table, with the caps AWS would show (only where one is set). */
  decorate(table: string, description: Json): void {
    const s = this.tables.get(table);
    if (!s) return;
    const show = (caps: Caps | undefined): Caps | undefined =>
      caps && Object.keys(caps).length > 0 ? { ...caps } : undefined;
    const t = show(s.table);
    if (t) description.OnDemandThroughput = t;
    for (const g of list(description.GlobalSecondaryIndexes)) {
      const c = show(s.indexes.get(String(g.IndexName)));
      if (c) g.OnDemandThroughput = c;
    }
  }
}
