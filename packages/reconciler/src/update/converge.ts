// The converger for an existing, owned, ACTIVE table: observe → plan → execute ONE step → report.
// Plugs into the table reconciler's seam (ConvergeContext → ConvergeResult, see
// controller/converge.ts). Errors from AWS propagate to the reconciler, which classifies them; a
// TTL change AWS would refuse within the hour becomes a deferred result, never a hot retry.
import { describeStep, driftOf, plan, stepText } from '@dynamodb-operator/api';
import type { PlanStep } from '@dynamodb-operator/api';
import { chooseStep, pruneSent } from './choose.ts';
import type { Choice, HoldPolicy } from './choose.ts';
import type { ConvergeContext, ConvergeResult, SteadyReadContext, SteadyReadResult } from '../controller/converge.ts';
import type { KubeObject } from '@dynamodb-operator/kube';
import { executeStep, StepBlockedError } from './execute.ts';
import { ConvergeMemory, isSteady } from './memory.ts';
import type { TableMemo } from './memory.ts';
import { observeWith } from './observe.ts';
import { planOptionsFor } from './plan-options.ts';
import { idleResult, inSyncResult, waitingResult } from './report.ts';
import type { Progress } from './report.ts';
import { markRead } from './rotation.ts';
import type { RotationPeriods } from './rotation.ts';
import { steadyRead } from './steady-read.ts';

export interface PlanConvergerOptions {
  /**
   * TTL, PITR and tags need three more reads than DescribeTable. They are all read when the spec
   * changed, during a change sequence and on first sync; in steady state each is one turn of the
   * read rotation (rotation.ts), due once per this interval (--drift-check-period). Default 60 minutes.
   */
  deepCheckIntervalMs?: number;
  /** --resync-period: in steady state DescribeTable is due once per period. Default 10 minutes. */
  resyncMs?: number;
  /** Requeue after this long while AWS is applying a change. Default 1 s. */
  pollMs?: number;
  now?: () => Date;
  memory?: ConvergeMemory;
  /**
   * A step AWS accepted this many times while the plan still contains it is held back, with
   * exponential backoff from `noEffectBackoffMs` (default 60 s, at most 30 min), and the rest of
   * the plan goes on: no hammering when AWS (or an emulator) silently ignores a change. Default 2.
   */
  noEffectLimit?: number;
  noEffectBackoffMs?: number;
}

/** The converger and its steady-state read, sharing one memory per table. */
export interface PlanConverger {
  converge(ctx: ConvergeContext): Promise<ConvergeResult>;
  steadyRead(ctx: SteadyReadContext): Promise<SteadyReadResult>;
}

/** The options with their defaults filled in. */
interface Settings {
  periods: RotationPeriods;
  pollMs: number;
  clock: () => Date;
  memory: ConvergeMemory;
  hold: HoldPolicy;
}

const settingsOf = (opts: PlanConvergerOptions): Settings => ({
  periods: { resyncMs: opts.resyncMs ?? 10 * 60_000, driftCheckMs: opts.deepCheckIntervalMs ?? 60 * 60_000 },
  pollMs: opts.pollMs ?? 1_000,
  clock: opts.now ?? (() => new Date()),
  memory: opts.memory ?? new ConvergeMemory(),
  hold: { limit: opts.noEffectLimit ?? 2, backoffMs: opts.noEffectBackoffMs ?? 60_000, maxMs: 30 * 60_000 },
});

export function createPlanConverger(opts: PlanConvergerOptions = {}): PlanConverger {
  const s = settingsOf(opts);
  const memoOf = (object: KubeObject) =>
    s.memory.get(object.metadata.uid ?? `${object.metadata.namespace}/${object.metadata.name}`);
  return {
    converge: (ctx) => convergeOnce(ctx, memoOf(ctx.object), s),
    steadyRead: (ctx) => steadyRead(ctx, memoOf(ctx.object), s.clock(), s.periods),
  };
}

/** One turn: observe, plan, report drift, then run (or wait for) the one step that is due. */
async function convergeOnce(ctx: ConvergeContext, m: TableMemo, s: Settings): Promise<ConvergeResult> {
  const now = s.clock();
  const { model, object } = ctx;
  const gen = object.metadata.generation;
  const specChanged = m.generation !== gen;
  const observed = await observe(ctx, m, now);
  const opts = planOptionsFor(m, object, ctx.desiredTags, now);
  const steps = plan(model, observed, opts);
  const work = steps.filter((step) => step.kind !== 'wait');

  // Drift: we had this generation in sync, nobody changed the spec, and now AWS differs.
  if (work.length > 0 && m.synced && !specChanged && !m.inProgress) reportDrift(ctx, driftOf(model, observed, opts));
  m.generation = gen;

  pruneSent(m.sent, steps);
  const choice = chooseStep(steps, now, m.sent, s.hold);
  if (choice.kind === 'inSync') return finishSequence(ctx, m);
  const progress = continueSequence(m, work.length);
  if (choice.kind === 'wait') return waitingResult(choice.step, work[0], progress, s.pollMs);
  if (choice.kind === 'idle') {
    const result = idleResult(choice, progress, now, s.hold.limit);
    // Only steps AWS accepted but does not show are left: nothing is in progress any more.
    if (result.synced) m.inProgress = false;
    return result;
  }
  return sendStep(ctx, m, choice, { now, progress, tableArn: observed.tableArn, settings: s });
}

/** DescribeTable (already read) plus, unless this is a steady-state describe-only turn, the deep reads. */
async function observe(ctx: ConvergeContext, m: TableMemo, now: Date) {
  const deep = ctx.firstSync || ctx.reads !== 'describe' || !isSteady(m, ctx.object.metadata.generation);
  const observed = await observeWith(ctx.dynamodb, ctx.described, {
    ttl: deep,
    backups: deep,
    tags: deep,
    knownTags: ctx.knownTags,
    knownTtl: ctx.knownTtl,
    knownBackups: ctx.knownBackups,
    signal: ctx.signal(),
  });
  markRead(m.readAt, deep ? 'all' : 'describe', now.getTime());
  return observed;
}

function reportDrift(ctx: ConvergeContext, drift: string[]): void {
  const { model, object } = ctx;
  ctx.events.emit(object, 'Warning', 'DriftDetected', `changed outside Kubernetes, repairing: ${drift.join('; ')}`);
  ctx.log.info({ table: model.tableName, drift }, 'drift detected');
}

/** The plan is empty: a change sequence (if one ran) is over. */
function finishSequence(ctx: ConvergeContext, m: TableMemo): ConvergeResult {
  const result = inSyncResult(ctx.model.tableName);
  if (m.inProgress) ctx.events.emit(ctx.object, 'Normal', 'Updated', result.message);
  Object.assign(m, { inProgress: false, done: 0, synced: true });
  m.sent.clear();
  return result;
}

/** Work is left: start counting a new change sequence, or go on with the running one. */
function continueSequence(m: TableMemo, left: number): Progress {
  m.synced = false;
  if (!m.inProgress) m.done = 0;
  m.inProgress = true;
  return { done: m.done, total: m.done + left };
}

interface SendContext {
  now: Date;
  progress: Progress;
  tableArn: string | undefined;
  settings: Settings;
}

/** Send the chosen step, count the send, and say so (or warn that AWS keeps ignoring it). */
async function sendStep(
  ctx: ConvergeContext,
  m: TableMemo,
  choice: Extract<Choice, { kind: 'execute' }>,
  { now, progress, tableArn, settings }: SendContext,
): Promise<ConvergeResult> {
  const { step } = choice;
  const text = describeStep(step, progress.done + 1, progress.total);
  const deferred = await execute(ctx, m, step, now, tableArn);
  if (deferred) return deferred;
  const sent = (m.sent.get(choice.key)?.count ?? 0) + 1;
  m.sent.set(choice.key, { count: sent, at: now.getTime() });
  if (sent >= settings.hold.limit) warnNoEffect(ctx, step, sent);
  else m.done++;
  ctx.events.emit(ctx.object, 'Normal', 'Updating', text);
  ctx.log.info({ table: ctx.model.tableName, step: step.kind, progress: `${m.done}/${progress.total}` }, text);
  return { synced: false, reason: 'Updating', message: text, requeueAfterMs: settings.pollMs };
}

/** The AWS call; a TTL change AWS would refuse within the hour comes back as a deferred result. */
async function execute(
  ctx: ConvergeContext,
  m: TableMemo,
  step: PlanStep,
  now: Date,
  tableArn: string | undefined,
): Promise<ConvergeResult | undefined> {
  try {
    const r = await executeStep(ctx.dynamodb, ctx.model.tableName, step, {
      now,
      signal: ctx.signal(),
      ...(tableArn ? { tableArn } : {}),
    });
    if (step.kind === 'updateTtl') m.lastTtlChangeAt = r.at;
    return undefined;
  } catch (err) {
    if (!(err instanceof StepBlockedError)) throw err;
    if (step.kind === 'updateTtl') m.lastTtlChangeAt = m.lastTtlChangeAt ?? now;
    return {
      synced: false,
      reason: 'TimeToLiveChangeDeferred',
      message: err.message,
      requeueAfterMs: err.retryAfterMs,
    };
  }
}

function warnNoEffect(ctx: ConvergeContext, step: PlanStep, sent: number): void {
  const msg = `AWS accepted "${stepText(step)}" ${sent} times without a visible effect`;
  ctx.events.emit(ctx.object, 'Warning', 'UpdateHasNoEffect', msg);
  ctx.log.warn({ table: ctx.model.tableName, step: step.kind, sent }, msg);
}

export type { TableMemo };
