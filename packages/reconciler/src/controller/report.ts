// The one place a table object's status is written and its Events emitted (the decision is outcome.ts,
// pure). An Event that does not depend on the write goes out first, so it is not lost when the write fails.
import { settle } from './outcome.ts';
import type { Outcome, PlannedEvent } from './outcome.ts';
import type { TableRun } from './table-context.ts';
import { k8sNow } from './table-status.ts';

export interface Reported {
  /** The status changed and was written. */
  written: boolean;
  /** The Event emitted, if any. */
  event?: PlannedEvent;
}

export async function report(run: TableRun, outcome: Outcome): Promise<Reported> {
  const { status, event } = settle(run.status, outcome, run.obj.metadata.generation, k8sNow());
  const emit = (e: PlannedEvent) => run.d.events.emit(run.obj, e.type, e.reason, e.message);
  if (event?.when === 'always') emit(event);
  const written = await run.writeStatus(status);
  if (event?.when === 'written' && written) emit(event);
  return { written, ...(event && (event.when === 'always' || written) ? { event } : {}) };
}
