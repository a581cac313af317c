// Which plan step to run now: pure. Passes over TTL steps blocked by AWS's hour rule, and steps AWS
// already accepted `limit` times in a row without a visible effect (held back with exponential
// backoff), so the rest of the plan still converges and nothing is hammered.
import { isBlocked } from '@dynamodb-operator/api';
import type { PlanStep, UpdateTtlStep, WaitStep } from '@dynamodb-operator/api';

/** How often (and when last) each step was sent: keyed by the step's JSON. */
export type SentSteps = Map<string, { count: number; at: number }>;

export interface HoldPolicy {
  /** Sends without effect before a step is held back. */
  limit: number;
  /** First hold; doubles per further send, capped at maxMs. */
  backoffMs: number;
  maxMs: number;
}

export type Choice =
  | { kind: 'inSync' }
  | { kind: 'wait'; step: WaitStep }
  | { kind: 'execute'; step: PlanStep; key: string }
  /** Nothing can run now: TTL steps wait for the hour, and/or steps are held; retry at `until`. */
  | { kind: 'idle'; until: number; blocked: UpdateTtlStep[]; held: PlanStep[] };

export const stepKey = (s: PlanStep): string => JSON.stringify(s);

export function holdUntil(sent: SentSteps, key: string, p: HoldPolicy): number | undefined {
  const e = sent.get(key);
  if (!e || e.count < p.limit) return undefined;
  return e.at + Math.min(p.backoffMs * 2 ** (e.count - p.limit), p.maxMs);
}

export function chooseStep(steps: readonly PlanStep[], now: Date, sent: SentSteps, p: HoldPolicy): Choice {
  if (steps.length === 0) return { kind: 'inSync' };
  const first = steps[0];
  if (first?.kind === 'wait') return { kind: 'wait', step: first };
  const blocked: UpdateTtlStep[] = [];
  const held: PlanStep[] = [];
  let until = Number.POSITIVE_INFINITY;
  for (const step of steps) {
    if (step.kind === 'updateTtl' && isBlocked(step, now)) {
      blocked.push(step);
      until = Math.min(until, Date.parse(step.blockedUntil ?? ''));
      continue;
    }
    const key = stepKey(step);
    const h = holdUntil(sent, key, p);
    if (h !== undefined && h > now.getTime()) {
      held.push(step);
      until = Math.min(until, h);
      continue;
    }
    return { kind: 'execute', step, key };
  }
  return { kind: 'idle', until, blocked, held };
}

/** Forget sends of steps the plan no longer contains (they took effect). */
export function pruneSent(sent: SentSteps, steps: readonly PlanStep[]): void {
  const live = new Set(steps.map(stepKey));
  for (const k of [...sent.keys()]) if (!live.has(k)) sent.delete(k);
}
