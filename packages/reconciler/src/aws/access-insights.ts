// The AWS calls for a table's resource policy and contributor insights. Thin I/O: what to send is
// decided in api (planResourcePolicy, planContributorInsights).
import {
  DeleteResourcePolicyCommand,
  DescribeContributorInsightsCommand,
  GetResourcePolicyCommand,
  PutResourcePolicyCommand,
  UpdateContributorInsightsCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ObservedInsights, UpdateContributorInsightsRequest } from '@dynamodb-operator/api';
import { awsErrorName } from './errors.ts';

export interface LivePolicy {
  policy: string;
  revisionId?: string;
}

/** The table's policy, or undefined when it has none (PolicyNotFoundException). */
export async function getResourcePolicy(
  client: DynamoDBClient,
  tableArn: string,
  abortSignal?: AbortSignal,
): Promise<LivePolicy | undefined> {
  try {
    const out = await client.send(new GetResourcePolicyCommand({ ResourceArn: tableArn }), { abortSignal });
    if (out.Policy === undefined) return undefined;
    return out.RevisionId === undefined ? { policy: out.Policy } : { policy: out.Policy, revisionId: out.RevisionId };
  } catch (err) {
    if (awsErrorName(err) === 'PolicyNotFoundException') return undefined;
    throw err;
  }
}

/** PutResourcePolicy; the new RevisionId. */
export async function putResourcePolicy(
  client: DynamoDBClient,
  tableArn: string,
  policy: string,
  abortSignal?: AbortSignal,
): Promise<string | undefined> {
  const out = await client.send(new PutResourcePolicyCommand({ ResourceArn: tableArn, Policy: policy }), {
    abortSignal,
  });
  return out.RevisionId;
}

export async function deleteResourcePolicy(
  client: DynamoDBClient,
  tableArn: string,
  abortSignal?: AbortSignal,
): Promise<void> {
  try {
    await client.send(new DeleteResourcePolicyCommand({ ResourceArn: tableArn }), { abortSignal });
  } catch (err) {
    // Already gone: the wish is met.
    if (awsErrorName(err) !== 'PolicyNotFoundException') throw err;
  }
}

/** DescribeContributorInsights of the table (indexName undefined) or one GSI. */
export async function describeInsights(
  client: DynamoDBClient,
  tableName: string,
  indexName: string | undefined,
  abortSignal?: AbortSignal,
): Promise<ObservedInsights> {
  const out = await client.send(
    new DescribeContributorInsightsCommand({ TableName: tableName, ...(indexName ? { IndexName: indexName } : {}) }),
    { abortSignal },
  );
  const seen: ObservedInsights = { status: out.ContributorInsightsStatus ?? 'DISABLED' };
  if (indexName !== undefined) seen.indexName = indexName;
  const f = out.FailureException;
  if (f?.ExceptionName || f?.ExceptionDescription)
    seen.failure = [f.ExceptionName, f.ExceptionDescription].filter(Boolean).join(': ');
  return seen;
}

/** UpdateContributorInsights; the status it answers with (ENABLING or DISABLING). */
export async function updateInsights(
  client: DynamoDBClient,
  request: UpdateContributorInsightsRequest,
  abortSignal?: AbortSignal,
): Promise<string | undefined> {
  const out = await client.send(new UpdateContributorInsightsCommand(request), { abortSignal });
  return out.ContributorInsightsStatus;
}
