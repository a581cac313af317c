// The resource policy's turn of the steady-state read rotation: one GetResourcePolicy, compared with
// the spec (whitespace and key order do not count). A difference asks for a full observation, in which
// controller/table-access-insights.ts puts the spec's policy back (with its DriftDetected Event).
import { planResourcePolicy } from '@dynamodb-operator/api';
import { getResourcePolicy } from '../aws/access-insights.ts';
import { awsErrorName } from '../aws/errors.ts';
import type { SteadyReadContext, SteadyReadResult } from '../controller/converge.ts';
import type { TableMemo } from './memory.ts';
import { markRead } from './rotation.ts';

export async function policyRead(ctx: SteadyReadContext, m: TableMemo, now: Date): Promise<SteadyReadResult> {
  let live: string | undefined;
  try {
    live = (await getResourcePolicy(ctx.dynamodb, ctx.tableArn, ctx.signal()))?.policy;
  } catch (err) {
    if (awsErrorName(err) === 'ResourceNotFoundException') return 'all';
    throw err;
  }
  markRead(m.readAt, 'policy', now.getTime());
  if (planResourcePolicy(ctx.model, live, true).op === 'none') return 'inSync';
  ctx.log.info({ table: ctx.model.tableName, read: 'policy' }, 'steady-state read found a difference');
  return 'all';
}
