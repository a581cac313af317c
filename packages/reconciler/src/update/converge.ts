// The issue-7 converger for an existing, owned, ACTIVE table: observe → plan → execute ONE step →
// report. Plugs into the table reconciler's seam (ConvergeContext → ConvergeResult, see
// controller/converge.ts). Errors from AWS propagate to the reconciler, which classifies them; a
// TTL change AWS would refuse within the hour becomes a deferred result, never a hot retry.
import { describeStep, driftOf, plan, stepText } from '@dynamodb-operator/api';
import { chooseStep, pruneSent } from './choose.ts';
import type { HoldPolicy } from './choose.ts';
import type { ConvergeContext, ConvergeResult, SteadyReadContext, SteadyReadResult } from '../controller/converge.ts';
import type { KubeObject } from '../kube/resources.ts';
import { executeStep, StepBlockedError } from './execute.ts';
import { ConvergeMemory, isSteady } from './memory.ts';
import type { TableMemo } from './memory.ts';
import { observeWith } from './observe.ts';
import { planOptionsFor } from './plan-options.ts';
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

export function createPlanConverger(opts: PlanConvergerOptions = {}): PlanConverger {
  const periods: RotationPeriods = {
    resyncMs: opts.resyncMs ?? 10 * 60_000,
    driftCheckMs: opts.deepCheckIntervalMs ?? 60 * 60_000,
  };
  const pollMs = opts.pollMs ?? 1_000;
  const clock = opts.now ?? (() => new Date());
  const memory = opts.memory ?? new ConvergeMemory();
  const hold: HoldPolicy = {
    limit: opts.noEffectLimit ?? 2,
    backoffMs: opts.noEffectBackoffMs ?? 60_000,
    maxMs: 30 * 60_000,
  };

  const memoOf = (object: KubeObject) =>
    memory.get(object.metadata.uid ?? `${object.metadata.namespace}/${object.metadata.name}`);

  const converge = async (ctx: ConvergeContext): Promise<ConvergeResult> => {
    const now = clock();
    const { model, object } = ctx;
    const gen = object.metadata.generation;
    const m = memoOf(object);
    const specChanged = m.generation !== gen;
    // Only DescribeTable when the read rotation says so, and only in steady state.
    const deep = ctx.firstSync || ctx.reads !== 'describe' || !isSteady(m, gen);

    const observed = await observeWith(ctx.dynamodb, ctx.described, {
      ttl: deep,
      backups: deep,
      tags: deep,
      signal: ctx.signal(),
    });
    markRead(m.readAt, deep ? 'all' : 'describe', now.getTime());

    const opts = planOptionsFor(m, object, ctx.desiredTags, now);
    const steps = plan(model, observed, opts);
    const work = steps.filter((s) => s.kind !== 'wait');

    // Drift: we had this generation in sync, nobody changed the spec, and now AWS differs.
    if (work.length > 0 && m.synced && !specChanged && !m.inProgress) {
      const drift = driftOf(model, observed, opts);
      ctx.events.emit(object, 'Warning', 'DriftDetected', `changed outside Kubernetes, repairing: ${drift.join('; ')}`);
      ctx.log.info({ table: model.tableName, drift }, 'drift detected');
    }
    m.generation = gen;

    pruneSent(m.sent, steps);
    const choice = chooseStep(steps, now, m.sent, hold);

    if (choice.kind === 'inSync') {
      if (m.inProgress) ctx.events.emit(object, 'Normal', 'Updated', `table ${model.tableName} matches the spec`);
      Object.assign(m, { inProgress: false, done: 0, synced: true });
      m.sent.clear();
      return { synced: true, reason: 'InSync', message: `table ${model.tableName} matches the spec` };
    }
    m.synced = false;
    if (!m.inProgress) m.done = 0;
    m.inProgress = true;
    const total = m.done + work.length;

    if (choice.kind === 'wait') {
      const next = work[0];
      const message = next
        ? `${describeStep(choice.step, m.done + 1, total)}; next: ${describeStep(next, m.done + 1, total)}`
        : describeStep(choice.step, m.done, total);
      return { synced: false, reason: 'Updating', message, requeueAfterMs: pollMs };
    }
    if (choice.kind === 'idle') {
      const requeueAfterMs = Math.max(1_000, choice.until - now.getTime());
      const ttl = choice.blocked[0];
      if (ttl) {
        return {
          synced: false,
          reason: 'TimeToLiveChangeDeferred',
          message: describeStep(ttl, m.done + 1, total),
          requeueAfterMs,
        };
      }
      // Only steps AWS accepted again and again without a visible effect are left. AWS took them; the
      // emulator (or an eventually consistent read) does not show them: in sync as far as the API
      // lets us know, said plainly in the condition, and tried again with backoff.
      const what = choice.held.map((s) => `"${stepText(s)}"`).join(', ');
      const message = `AWS accepted ${what} ${hold.limit} or more times but DescribeTable does not show it; retrying in ${Math.ceil(requeueAfterMs / 1000)} s`;
      m.inProgress = false;
      return { synced: true, reason: 'AcceptedNotVisible', message, requeueAfterMs };
    }

    const step = choice.step;
    const text = describeStep(step, m.done + 1, total);
    try {
      const r = await executeStep(ctx.dynamodb, model.tableName, step, {
        now,
        signal: ctx.signal(),
        ...(observed.tableArn ? { tableArn: observed.tableArn } : {}),
      });
      if (step.kind === 'updateTtl') m.lastTtlChangeAt = r.at;
    } catch (err) {
      if (err instanceof StepBlockedError) {
        if (step.kind === 'updateTtl') m.lastTtlChangeAt = m.lastTtlChangeAt ?? now;
        return {
          synced: false,
          reason: 'TimeToLiveChangeDeferred',
          message: err.message,
          requeueAfterMs: err.retryAfterMs,
        };
      }
      throw err;
    }
    const e = m.sent.get(choice.key) ?? { count: 0, at: 0 };
    m.sent.set(choice.key, { count: e.count + 1, at: now.getTime() });
    if (e.count + 1 >= hold.limit) {
      const msg = `AWS accepted "${stepText(step)}" ${e.count + 1} times without a visible effect`;
      ctx.events.emit(object, 'Warning', 'UpdateHasNoEffect', msg);
      ctx.log.warn({ table: model.tableName, step: step.kind, sent: e.count + 1 }, msg);
    } else m.done++;
    ctx.events.emit(object, 'Normal', 'Updating', text);
    ctx.log.info({ table: model.tableName, step: step.kind, progress: `${m.done}/${total}` }, text);
    return { synced: false, reason: 'Updating', message: text, requeueAfterMs: pollMs };
  };

  return {
    converge,
    steadyRead: (ctx) => steadyRead(ctx, memoOf(ctx.object), clock(), periods),
  };
}

export type { TableMemo };
