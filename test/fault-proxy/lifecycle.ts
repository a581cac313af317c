// What the emulators do not model, as pure state: after an UpdateTable the table is UPDATING and a new
// index CREATING (backfilling) or an old one DELETING for a while; UpdateTable is refused meanwhile;
// one GSI create/delete per call; one TTL change per hour per table. Time comes from the caller.

export interface LifecycleTimings {
  /** How long a table stays UPDATING after an accepted UpdateTable. */
  updateMs: number;
  /** How long a new GSI stays CREATING (backfilling). */
  gsiCreateMs: number;
  /** How long a deleted GSI stays visible as DELETING. */
  gsiDeleteMs: number;
  /** How long a new table stays CREATING. */
  createMs: number;
  /** Minimum time between two TTL changes of one table (AWS: one hour). */
  ttlIntervalMs: number;
}

export const DEFAULT_TIMINGS: LifecycleTimings = {
  updateMs: 200,
  gsiCreateMs: 400,
  gsiDeleteMs: 200,
  createMs: 0,
  ttlIntervalMs: 60 * 60 * 1000,
};

interface IndexState {
  status: 'CREATING' | 'UPDATING' | 'DELETING';
  until: number;
  /** For DELETING: the index as DescribeTable showed it before the delete (the emulator drops it at once). */
  snapshot?: Record<string, unknown>;
}

interface TableState {
  status?: 'CREATING' | 'UPDATING';
  until: number;
  indexes: Map<string, IndexState>;
  lastTtlChange?: number;
}

export interface GsiAction {
  Create?: { IndexName?: string };
  Delete?: { IndexName?: string };
  Update?: { IndexName?: string };
}

export type Refusal = { error: string; message: string } | undefined;

export class Lifecycle {
  readonly timings: LifecycleTimings;
  private readonly tables = new Map<string, TableState>();

  constructor(timings: Partial<LifecycleTimings> = {}) {
    this.timings = { ...DEFAULT_TIMINGS, ...timings };
  }

  private state(table: string): TableState {
    let s = this.tables.get(table);
    if (!s) {
      s = { until: 0, indexes: new Map() };
      this.tables.set(table, s);
    }
    return s;
  }

  /** Drop what has finished by `now`. */
  private expire(s: TableState, now: number): void {
    if (s.status && s.until <= now) s.status = undefined;
    for (const [name, i] of s.indexes) if (i.until <= now) s.indexes.delete(name);
  }

  /** Why AWS would refuse this UpdateTable now, or undefined. */
  checkUpdateTable(table: string, actions: GsiAction[], now: number): Refusal {
    const creates = actions.filter((a) => a.Create || a.Delete).length;
    if (creates > 1) {
      return {
        error: 'LimitExceededException',
        message: 'Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table',
      };
    }
    const s = this.tables.get(table);
    if (!s) return undefined;
    this.expire(s, now);
    if (s.status)
      return {
        error: 'ResourceInUseException',
        message: `Attempt to change a resource which is still in use: Table is being ${s.status === 'CREATING' ? 'created' : 'updated'}: ${table}`,
      };
    for (const [name, i] of s.indexes) {
      return {
        error: 'ResourceInUseException',
        message: `Attempt to change a resource which is still in use: Index ${name} is ${i.status.toLowerCase()} on table ${table}`,
      };
    }
    return undefined;
  }

  /** Record an UpdateTable that the emulator accepted. */
  acceptedUpdateTable(
    table: string,
    actions: GsiAction[],
    now: number,
    snapshots: Map<string, Record<string, unknown>> = new Map(),
  ): void {
    const s = this.state(table);
    s.status = 'UPDATING';
    s.until = now + this.timings.updateMs;
    for (const a of actions) {
      const create = a.Create?.IndexName;
      const del = a.Delete?.IndexName;
      const upd = a.Update?.IndexName;
      if (create) s.indexes.set(create, { status: 'CREATING', until: now + this.timings.gsiCreateMs });
      if (del)
        s.indexes.set(del, { status: 'DELETING', until: now + this.timings.gsiDeleteMs, snapshot: snapshots.get(del) });
      if (upd) s.indexes.set(upd, { status: 'UPDATING', until: now + this.timings.updateMs });
    }
  }

  acceptedCreateTable(table: string, now: number): void {
    if (this.timings.createMs <= 0) return;
    const s = this.state(table);
    s.status = 'CREATING';
    s.until = now + this.timings.createMs;
  }

  deletedTable(table: string): void {
    this.tables.delete(table);
  }

  checkTtl(table: string, now: number): Refusal {
    const last = this.tables.get(table)?.lastTtlChange;
    if (last !== undefined && now - last < this.timings.ttlIntervalMs) {
      return {
        error: 'ValidationException',
        message: 'Time to live has been modified multiple times within a fixed interval',
      };
    }
    return undefined;
  }

  acceptedTtl(table: string, now: number): void {
    this.state(table).lastTtlChange = now;
  }

  /** Rewrite a DescribeTable `Table` in place so that it shows the transitional states. */
  decorateDescription(table: Record<string, unknown>, now: number): void {
    const name = String(table.TableName ?? '');
    const s = this.tables.get(name);
    if (!s) return;
    this.expire(s, now);
    if (s.status) table.TableStatus = s.status;
    const gsis = (Array.isArray(table.GlobalSecondaryIndexes) ? table.GlobalSecondaryIndexes : []) as Record<
      string,
      unknown
    >[];
    for (const g of gsis) {
      const i = s.indexes.get(String(g.IndexName));
      if (!i || i.status === 'DELETING') continue;
      g.IndexStatus = i.status;
      if (i.status === 'CREATING') g.Backfilling = true;
    }
    for (const [indexName, i] of s.indexes) {
      if (i.status !== 'DELETING' || gsis.some((g) => g.IndexName === indexName)) continue;
      gsis.push({ ...(i.snapshot ?? { IndexName: indexName }), IndexName: indexName, IndexStatus: 'DELETING' });
    }
    if (gsis.length > 0) table.GlobalSecondaryIndexes = gsis;
  }
}
