// What one reconcile step found, and the one pure function that turns it into the object's next status
// (Ready/Synced/Terminal, plus kstatus's Reconciling/Stalled derived by nextStatus) and the Event to
// emit. The steps say what happened; none of them builds conditions or an Event by hand. The I/O side
// is report.ts.
import type { EventType } from './events.ts';
import { getCondition } from './conditions.ts';
import { RetryableError, TerminalError } from './errors.ts';
import { conds, nextStatus } from './table-status.ts';
import type { ConditionSet, TableStatus } from './table-status.ts';

/** An Event to emit, given explicitly (most outcomes imply theirs). */
export interface EventSpec {
  type: EventType;
  reason: string;
  message: string;
  /**
   * always (the default): on every report — the recorder drops repeats within its window;
   * written: only when the status changed; newMessage: only when the Synced message changed
   * (once per change of what a condition says, not once per resync).
   */
  when?: 'always' | 'written' | 'newMessage';
}

/** The Event the shell emits: before the status write (always) or only after a write (written). */
export interface PlannedEvent {
  type: EventType;
  reason: string;
  message: string;
  when: 'always' | 'written';
}

interface Common {
  /** Observed or bookkeeping fields merged into the status (undefined removes a field). */
  patch?: Partial<TableStatus>;
  /** The Event, instead of the one the kind implies; null: none. */
  event?: EventSpec | null;
}

export type Outcome = Common &
  (
    | {
        /** Needs a human (the spec, the provider, the policy): Terminal=True, kstatus Stalled. Warning Event. */
        kind: 'terminal';
        reason: string;
        message: string;
      }
    | {
        /**
         * Cannot go on now, and will look again (a missing or unusable provider, a finalizer the API
         * server refused): Ready=False, Synced=False, not Terminal. Warning Event with the message;
         * `fix`, when given, is added to Ready's message.
         */
        kind: 'blocked';
        reason: string;
        message: string;
        fix?: string;
        /** Synced's reason when it is more precise than `reason` (e.g. the provider error's own). */
        syncedReason?: string;
      }
    | {
        /** Work in flight (creating, deleting, importing, not ACTIVE yet). No Event unless given. */
        kind: 'progressing';
        reason: string;
        message: string;
        syncedReason?: string;
        syncedMessage?: string;
      }
    | {
        /**
         * A retryable failure: Synced=False with its reason; a Ready table stays Ready (a passing error),
         * unless the object is being deleted. Warning Event.
         */
        kind: 'retrying';
        reason: string;
        message: string;
        deleting: boolean;
      }
    | {
        /** One converger step on an existing table: its verdict. The Ready Event when it becomes Ready. */
        kind: 'converged';
        ready: Verdict;
        synced: Verdict;
      }
    | {
        /** Conditions a pure module computed (paused, observe-only). No Event unless given. */
        kind: 'conditions';
        set: ConditionSet;
      }
  );

export interface Verdict {
  ok: boolean;
  reason: string;
  message: string;
}

export interface Settled {
  status: TableStatus;
  event?: PlannedEvent;
}

/** The next status and the Event of an outcome, pure (now: the Kubernetes timestamp of this write). */
export function settle(
  prev: TableStatus | undefined,
  outcome: Outcome,
  generation: number | undefined,
  now: string,
): Settled {
  const set = conditionsOf(prev, outcome, generation);
  const status = nextStatus(prev, outcome.patch ?? {}, set, now);
  const spec = outcome.event === undefined ? impliedEvent(prev, outcome) : outcome.event;
  const event = spec ? planEvent(spec, prev, status) : undefined;
  return event ? { status, event } : { status };
}

function conditionsOf(prev: TableStatus | undefined, o: Outcome, gen: number | undefined): ConditionSet {
  switch (o.kind) {
    case 'terminal':
      return conds(gen, [false, o.reason, o.message], [false, o.reason, o.message], [true, o.reason, o.message]);
    case 'blocked':
      return conds(
        gen,
        [false, o.reason, o.fix ? `${o.message}; ${o.fix}` : o.message],
        [false, o.syncedReason ?? o.reason, o.message],
      );
    case 'progressing':
      return conds(
        gen,
        [false, o.reason, o.message],
        [false, o.syncedReason ?? o.reason, o.syncedMessage ?? o.message],
      );
    case 'retrying': {
      const wasReady = getCondition(prev?.conditions, 'Ready');
      const keepReady = wasReady?.status === 'True' && !o.deleting;
      return conds(gen, keepReady ? [true, wasReady.reason, wasReady.message] : [false, o.reason, o.message], [
        false,
        o.reason,
        o.message,
      ]);
    }
    case 'converged':
      return conds(
        gen,
        [o.ready.ok, o.ready.reason, o.ready.message],
        [o.synced.ok, o.synced.reason, o.synced.message],
      );
    case 'conditions':
      return o.set;
  }
}

function impliedEvent(prev: TableStatus | undefined, o: Outcome): EventSpec | undefined {
  switch (o.kind) {
    case 'terminal':
    case 'blocked':
    case 'retrying':
      return { type: 'Warning', reason: o.reason, message: o.message };
    case 'converged':
      // Once, when it becomes Ready.
      return o.ready.ok && prev?.ready !== true
        ? { type: 'Normal', reason: 'Ready', message: o.ready.message, when: 'written' }
        : undefined;
    default:
      return undefined;
  }
}

function planEvent(spec: EventSpec, prev: TableStatus | undefined, next: TableStatus): PlannedEvent | undefined {
  const base = { type: spec.type, reason: spec.reason, message: spec.message };
  if (spec.when === 'written') return { ...base, when: 'written' };
  if (spec.when === 'newMessage') {
    const before = getCondition(prev?.conditions, 'Synced')?.message;
    if (before === getCondition(next.conditions, 'Synced')?.message) return undefined;
  }
  return { ...base, when: 'always' };
}

/** A typed reconcile error as an outcome; undefined for any other error (retried as it is). */
export function outcomeOfError(err: unknown, deleting: boolean): Outcome | undefined {
  if (err instanceof TerminalError) return { kind: 'terminal', reason: err.reason, message: err.message };
  if (err instanceof RetryableError) return { kind: 'retrying', reason: err.reason, message: err.message, deleting };
  return undefined;
}
