// The steady-state read of one resync, made instead of DescribeTable when the rotation
// (rotation.ts) picks TTL, PITR or tags: one read, compared with the spec. A difference is drift:
// the caller then reads everything and the converger repairs it (with its DriftDetected Event).
import { DescribeContinuousBackupsCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { observedFromAws, plan } from '@dynamodb-operator/api';
import type {
  AwsContinuousBackupsDescription,
  AwsTagOut,
  AwsTimeToLiveDescription,
  PlanOptions,
  PlanStep,
  PlanStepKind,
  TableModel,
} from '@dynamodb-operator/api';
import { awsErrorName } from '../aws/errors.ts';
import { listTags } from './observe.ts';
import type { SteadyReadContext, SteadyReadResult } from '../controller/converge.ts';
import { isSteady } from './memory.ts';
import { policyRead } from './policy-read.ts';
import type { TableMemo } from './memory.ts';
import { planOptionsFor } from './plan-options.ts';
import { markRead, nextRead } from './rotation.ts';
import type { DeepRead, RotationPeriods } from './rotation.ts';

export type AspectReading =
  | { aspect: 'ttl'; value: AwsTimeToLiveDescription }
  | { aspect: 'pitr'; value: AwsContinuousBackupsDescription }
  | { aspect: 'tags'; value: AwsTagOut[] };

const KINDS: Record<DeepRead, readonly PlanStepKind[]> = {
  ttl: ['updateTtl'],
  pitr: ['updatePitr'],
  tags: ['untagResource', 'tagResource'],
};

/**
 * The plan steps one aspect needs, pure. plan()'s TTL, PITR and tag steps depend only on the model,
 * the options and that aspect's own observation, so planning over a bare ACTIVE table and keeping
 * the aspect's steps gives exactly the steps a full observation would.
 */
export function aspectSteps(model: TableModel, r: AspectReading, opts: PlanOptions): PlanStep[] {
  const bare = { TableName: model.tableName, TableStatus: 'ACTIVE' };
  const observed = observedFromAws(
    bare,
    r.aspect === 'ttl' ? r.value : undefined,
    r.aspect === 'pitr' ? r.value : undefined,
    r.aspect === 'tags' ? r.value : undefined,
  );
  return plan(model, observed, opts).filter((s) => KINDS[r.aspect].includes(s.kind));
}

async function readAspect(ctx: SteadyReadContext, aspect: DeepRead): Promise<AspectReading> {
  const abortSignal = ctx.signal();
  const TableName = ctx.model.tableName;
  if (aspect === 'ttl') {
    const out = await ctx.dynamodb.send(new DescribeTimeToLiveCommand({ TableName }), { abortSignal });
    return { aspect, value: out.TimeToLiveDescription ?? {} };
  }
  if (aspect === 'pitr') {
    const out = await ctx.dynamodb.send(new DescribeContinuousBackupsCommand({ TableName }), { abortSignal });
    return { aspect, value: out.ContinuousBackupsDescription ?? {} };
  }
  return { aspect, value: await listTags(ctx.dynamodb, ctx.tableArn, abortSignal) };
}

export async function steadyRead(
  ctx: SteadyReadContext,
  m: TableMemo,
  now: Date,
  periods: RotationPeriods,
): Promise<SteadyReadResult> {
  const extra = ctx.model.resourcePolicy ? (['policy'] as const) : [];
  const read = nextRead(isSteady(m, ctx.object.metadata.generation), m.readAt, now.getTime(), periods, extra);
  if (read === 'all' || read === 'describe') return read;
  if (read === 'policy') return policyRead(ctx, m, now);
  let reading: AspectReading;
  try {
    reading = await readAspect(ctx, read);
  } catch (err) {
    // Gone outside Kubernetes: DescribeTable (the full path) is what says so, with its condition.
    if (awsErrorName(err) === 'ResourceNotFoundException') return 'all';
    throw err;
  }
  markRead(m.readAt, read, now.getTime());
  const steps = aspectSteps(ctx.model, reading, planOptionsFor(m, ctx.object, ctx.desiredTags, now));
  if (steps.length === 0) return 'inSync';
  ctx.log.info(
    { table: ctx.model.tableName, read, steps: steps.map((s) => s.kind) },
    'steady-state read found a difference',
  );
  return 'all';
}
