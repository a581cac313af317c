// executeStep: one plan step → exactly one AWS call (or none for `wait`). No retries here: SDK
// retries are off and the work queue retries with backoff, so a step is never sent twice silently.
import {
  DescribeTableCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { isBlocked, TTL_CHANGE_INTERVAL_MS } from '@dynamodb-operator/api';
import type { PlanStep } from '@dynamodb-operator/api';
import { requestFor } from './requests.ts';
import type { StepRequest } from './requests.ts';

export interface StepResult {
  /** The AWS operation called, or undefined when the step made no call (`wait`). */
  operation?: StepRequest['operation'];
  /** When the call returned (for status: e.g. the TTL change time). */
  at: Date;
}

/**
 * Thrown instead of a call when the step may not run yet (a TTL change within the hour), and when
 * AWS itself refuses a TTL change for that reason. Not a ValidationException, so it is retried
 * (after `retryAfterMs`), never reported as Terminal.
 */
export class StepBlockedError extends Error {
  override readonly name = 'StepBlockedError';
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number) {
    super(message);
    this.retryAfterMs = retryAfterMs;
  }
}

export interface ExecuteOptions {
  /** The table's ARN (tag steps need it; when absent one DescribeTable finds it). */
  tableArn?: string;
  now?: Date;
  /** Aborts the call (e.g. when leadership is lost). */
  signal?: AbortSignal;
}

/** AWS's words when UpdateTimeToLive comes too soon after the last change. */
const TTL_TOO_SOON = /modified multiple times within a fixed interval/i;

export async function executeStep(
  client: DynamoDBClient,
  tableName: string,
  step: PlanStep,
  opts: ExecuteOptions = {},
): Promise<StepResult> {
  const now = opts.now ?? new Date();
  if (step.kind === 'updateTtl' && isBlocked(step, now)) {
    throw new StepBlockedError(
      `TTL on table ${tableName} changed less than an hour ago; AWS allows one change per hour (next at ${step.blockedUntil})`,
      Date.parse(step.blockedUntil ?? '') - now.getTime(),
    );
  }
  let arn = opts.tableArn;
  if (!arn && (step.kind === 'tagResource' || step.kind === 'untagResource')) {
    arn = (await client.send(new DescribeTableCommand({ TableName: tableName }), { abortSignal: opts.signal })).Table
      ?.TableArn;
  }
  const req = requestFor(step, tableName, arn);
  if (!req) return { at: now };
  try {
    await send(client, req, opts.signal);
  } catch (err) {
    if (req.operation === 'UpdateTimeToLive' && TTL_TOO_SOON.test((err as Error).message ?? '')) {
      throw new StepBlockedError(
        `AWS refused the TTL change on table ${tableName}: ${(err as Error).message}`,
        TTL_CHANGE_INTERVAL_MS,
      );
    }
    throw err;
  }
  // The caller's clock when it gave one (tests, and TTL bookkeeping that must agree with plan()).
  return { operation: req.operation, at: opts.now ?? new Date() };
}

async function send(client: DynamoDBClient, req: StepRequest, abortSignal?: AbortSignal): Promise<void> {
  const o = { abortSignal };
  switch (req.operation) {
    case 'UpdateTable':
      await client.send(new UpdateTableCommand(req.input), o);
      return;
    case 'UpdateTimeToLive':
      await client.send(new UpdateTimeToLiveCommand(req.input), o);
      return;
    case 'UpdateContinuousBackups':
      await client.send(new UpdateContinuousBackupsCommand(req.input), o);
      return;
    case 'TagResource':
      await client.send(new TagResourceCommand(req.input), o);
      return;
    case 'UntagResource':
      await client.send(new UntagResourceCommand(req.input), o);
      return;
  }
}
