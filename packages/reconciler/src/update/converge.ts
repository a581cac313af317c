// The issue-7 converger for an existing, owned, ACTIVE table: observe → plan → execute ONE step →
// report. Plugs into the table reconciler's seam (ConvergeContext → ConvergeResult, see
// controller/converge.ts). Errors from AWS propagate to the reconciler, which classifies them; a
// TTL change AWS would refuse within the hour becomes a deferred result, never a hot retry.
import { describeStep, driftOf, nextStep, plan, stepText } from '@dynamodb-operator/api';
import type { PlanStep } from '@dynamodb-operator/api';
import type { ConvergeContext, ConvergeResult } from '../controller/converge.ts';
import { executeStep, StepBlockedError } from './execute.ts';
import { ConvergeMemory } from './memory.ts';
import type { TableMemo } from './memory.ts';
import { observeWith } from './observe.ts';

export interface PlanConvergerOptions {
  /**
   * TTL, PITR and tags need three more reads than DescribeTable. They are read when the spec changed,
   * during a change sequence, on first sync, and otherwise at most this often per table (drift of
   * those three is repaired within this interval). Default 60 minutes.
   */
  deepCheckIntervalMs?: number;
  /** Requeue after this long while AWS is applying a change. Default 1 s. */
  pollMs?: number;
  now?: () => Date;
  memory?: ConvergeMemory;
  /**
   * A step AWS accepted this many times in a row while the table did not change is held back, with
   * exponential backoff from `noEffectBackoffMs` (default 60 s, at most 30 min): no hammering when
   * AWS (or an emulator) silently ignores a change. Default 2.
   */
  noEffectLimit?: number;
  noEffectBackoffMs?: number;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Tag keys the user declared in the previous `kubectl apply` (so we set them, so we may remove them). */
function lastAppliedTagKeys(annotations: Record<string, string> | undefined): string[] {
  const raw = annotations?.[LAST_APPLIED];
  if (!raw) return [];
  try {
    const tags = (JSON.parse(raw) as { spec?: { tags?: unknown } }).spec?.tags;
    return tags && typeof tags === 'object' && !Array.isArray(tags) ? Object.keys(tags) : [];
  } catch {
    return [];
  }
}

function statusField<T>(status: unknown, key: string, ok: (v: unknown) => v is T): T | undefined {
  const v = status && typeof status === 'object' ? (status as Record<string, unknown>)[key] : undefined;
  return ok(v) ? v : undefined;
}
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isString = (v: unknown): v is string => typeof v === 'string';

export function createPlanConverger(
  opts: PlanConvergerOptions = {},
): (ctx: ConvergeContext) => Promise<ConvergeResult> {
  const deepEvery = opts.deepCheckIntervalMs ?? 60 * 60_000;
  const pollMs = opts.pollMs ?? 1_000;
  const clock = opts.now ?? (() => new Date());
  const memory = opts.memory ?? new ConvergeMemory();
  const noEffectLimit = opts.noEffectLimit ?? 2;
  const noEffectBackoffMs = opts.noEffectBackoffMs ?? 60_000;

  return async (ctx: ConvergeContext): Promise<ConvergeResult> => {
    const now = clock();
    const { model, object } = ctx;
    const uid = object.metadata.uid ?? `${object.metadata.namespace}/${object.metadata.name}`;
    const gen = object.metadata.generation;
    const m = memory.get(uid);
    const specChanged = m.generation !== gen;
    const deep = ctx.firstSync || specChanged || m.inProgress || now.getTime() - m.deepAt >= deepEvery;

    const observed = await observeWith(ctx.dynamodb, ctx.described, {
      ttl: deep,
      backups: deep,
      tags: deep,
      signal: ctx.signal(),
    });
    if (deep) m.deepAt = now.getTime();

    const status = (object as { status?: unknown }).status;
    for (const k of Object.keys(ctx.desiredTags)) m.managedTagKeys.add(k);
    const managedTagKeys = [
      ...m.managedTagKeys,
      ...lastAppliedTagKeys(object.metadata.annotations),
      ...(statusField(status, 'managedTagKeys', isStringArray) ?? []),
    ];
    const statusTtl = statusField(status, 'lastTtlChangeTime', isString);
    const lastTtlChangeAt = m.lastTtlChangeAt ?? (statusTtl ? new Date(statusTtl) : undefined);

    const steps = plan(model, observed, {
      managedTagKeys,
      extraTags: ctx.desiredTags,
      now,
      ...(lastTtlChangeAt ? { lastTtlChangeAt } : {}),
    });
    const work = steps.filter((s) => s.kind !== 'wait');

    // Drift: we had this generation in sync, nobody changed the spec, and now AWS differs.
    if (work.length > 0 && m.synced && !specChanged && !m.inProgress) {
      const drift = driftOf(model, observed, { managedTagKeys, extraTags: ctx.desiredTags });
      ctx.events.emit(object, 'Warning', 'DriftDetected', `changed outside Kubernetes, repairing: ${drift.join('; ')}`);
      ctx.log.info({ table: model.tableName, drift }, 'drift detected');
    }
    m.generation = gen;

    if (steps.length === 0) {
      if (m.inProgress) ctx.events.emit(object, 'Normal', 'Updated', `table ${model.tableName} matches the spec`);
      Object.assign(m, { inProgress: false, done: 0, synced: true, lastStepKey: undefined, sameStepSent: 0 });
      return { synced: true, reason: 'InSync', message: `table ${model.tableName} matches the spec` };
    }
    m.synced = false;
    if (!m.inProgress) m.done = 0;
    m.inProgress = true;
    const total = m.done + work.length;
    const step = nextStep(steps, now);

    if (!step) {
      // Only TTL changes AWS would refuse within the hour are left.
      const blocked = steps.find((s): s is Extract<PlanStep, { kind: 'updateTtl' }> => s.kind === 'updateTtl');
      const until = blocked?.blockedUntil ? Date.parse(blocked.blockedUntil) : now.getTime() + 60_000;
      return {
        synced: false,
        reason: 'TimeToLiveChangeDeferred',
        message: blocked ? describeStep(blocked, m.done + 1, total) : 'waiting for the TTL hour',
        requeueAfterMs: Math.max(1_000, until - now.getTime()),
      };
    }
    if (step.kind === 'wait') {
      const next = work[0];
      const message = next
        ? `${describeStep(step, m.done + 1, total)}; next: ${describeStep(next, m.done + 1, total)}`
        : describeStep(step, m.done, total);
      return { synced: false, reason: 'Updating', message, requeueAfterMs: pollMs };
    }

    const text = describeStep(step, m.done + 1, total);
    const key = JSON.stringify(step);
    if (m.lastStepKey === key && m.sameStepSent >= noEffectLimit) {
      const backoff = Math.min(noEffectBackoffMs * 2 ** (m.sameStepSent - noEffectLimit), 30 * 60_000);
      const wait = m.lastSentAt + backoff - now.getTime();
      if (wait > 0) {
        const message = `AWS accepted "${stepText(step)}" ${m.sameStepSent} times but the table did not change (AWS or the emulator ignores it); next attempt in ${Math.ceil(wait / 1000)} s`;
        ctx.log.warn({ table: model.tableName, step: step.kind, sent: m.sameStepSent }, message);
        return { synced: false, reason: 'UpdateHasNoEffect', message, requeueAfterMs: wait };
      }
    }
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
    m.sameStepSent = m.lastStepKey === key ? m.sameStepSent + 1 : 1;
    m.lastStepKey = key;
    m.lastSentAt = now.getTime();
    if (m.sameStepSent >= noEffectLimit)
      ctx.events.emit(
        object,
        'Warning',
        'UpdateHasNoEffect',
        `AWS accepted "${stepText(step)}" ${m.sameStepSent} times without effect`,
      );
    else m.done++;
    ctx.events.emit(object, 'Normal', 'Updating', text);
    ctx.log.info({ table: model.tableName, step: step.kind, progress: `${m.done}/${total}` }, text);
    return { synced: false, reason: 'Updating', message: text, requeueAfterMs: pollMs };
  };
}

export type { TableMemo };
