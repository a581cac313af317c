// What the converger reports on a turn that sends nothing: pure, from the chosen step and progress.
import { describeStep, stepText } from '@dynamodb-operator/api';
import type { PlanStep, WaitStep } from '@dynamodb-operator/api';
import type { Choice } from './choose.ts';
import type { ConvergeResult } from '../controller/converge.ts';

/** Progress of a change sequence: steps done so far, and done + left. */
export interface Progress {
  done: number;
  total: number;
}

export const inSyncResult = (tableName: string): ConvergeResult => ({
  synced: true,
  reason: 'InSync',
  message: `table ${tableName} matches the spec`,
});

/** AWS is applying a change: say what we wait for and what comes next, and poll. */
export function waitingResult(step: WaitStep, next: PlanStep | undefined, p: Progress, pollMs: number): ConvergeResult {
  const message = next
    ? `${describeStep(step, p.done + 1, p.total)}; next: ${describeStep(next, p.done + 1, p.total)}`
    : describeStep(step, p.done, p.total);
  return { synced: false, reason: 'Updating', message, requeueAfterMs: pollMs };
}

/**
 * Nothing can run now: a TTL change waits for AWS's hour, or only steps AWS accepted `holdLimit`
 * times without a visible effect are left. Those AWS took; the emulator (or an eventually
 * consistent read) does not show them: in sync as far as the API lets us know, said plainly in the
 * condition, and tried again with backoff.
 */
export function idleResult(
  choice: Extract<Choice, { kind: 'idle' }>,
  p: Progress,
  now: Date,
  holdLimit: number,
): ConvergeResult {
  const requeueAfterMs = Math.max(1_000, choice.until - now.getTime());
  const ttl = choice.blocked[0];
  if (ttl) {
    const message = describeStep(ttl, p.done + 1, p.total);
    return { synced: false, reason: 'TimeToLiveChangeDeferred', message, requeueAfterMs };
  }
  const what = choice.held.map((s) => `"${stepText(s)}"`).join(', ');
  const message = `AWS accepted ${what} ${holdLimit} or more times but DescribeTable does not show it; retrying in ${Math.ceil(requeueAfterMs / 1000)} s`;
  return { synced: true, reason: 'AcceptedNotVisible', message, requeueAfterMs };
}
