import { setNewest } from '../bounded-map.ts';
import type { SentSteps } from './choose.ts';
import { neverRead } from './rotation.ts';
import type { ReadTimes } from './rotation.ts';

// What the converger remembers per object between reconciles (in memory; lost on restart, which only
// costs one extra full observation). Bounded: the oldest entries go first.

export interface TableMemo {
  generation?: number;
  /** When DescribeTable, TTL, PITR and tags were last read (ms): the steady-state read rotation. */
  readAt: ReadTimes;
  /** A change sequence is under way: keep reading everything until the plan is empty. */
  inProgress: boolean;
  /** Steps executed in the current sequence (for "2 of 3"). */
  done: number;
  /** The last reconcile found the table in sync with this generation. */
  synced: boolean;
  lastTtlChangeAt?: Date;
  /** Tag keys this process has set (or seen desired) on the table. */
  managedTagKeys: Set<string>;
  /** Steps sent while they stay in the plan (by JSON): to spot steps AWS accepts without effect. */
  sent: SentSteps;
}

export class ConvergeMemory {
  private readonly memos = new Map<string, TableMemo>();
  private readonly max: number;

  constructor(max = 50_000) {
    this.max = max;
  }

  get(uid: string): TableMemo {
    const m = this.memos.get(uid) ?? {
      readAt: neverRead(),
      inProgress: false,
      done: 0,
      synced: false,
      managedTagKeys: new Set<string>(),
      sent: new Map(),
    };
    // Re-inserted on every use: Map order is the eviction order.
    setNewest(this.memos, uid, m, this.max);
    return m;
  }

  forget(uid: string): void {
    this.memos.delete(uid);
  }

  get size(): number {
    return this.memos.size;
  }
}

/** Steady state: in sync with this generation at the last reconcile, and no change sequence under way. */
export function isSteady(m: TableMemo, generation: number | undefined): boolean {
  return m.synced && !m.inProgress && m.generation === generation;
}
