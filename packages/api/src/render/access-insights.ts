// Request shapes for a table's resource policy (PutResourcePolicy, DeleteResourcePolicy) and contributor
// insights (UpdateContributorInsights: one call per table or GSI).
import type { TableModel } from '../model.ts';

export interface PutResourcePolicyRequest {
  ResourceArn: string;
  Policy: string;
}

export interface UpdateContributorInsightsRequest {
  TableName: string;
  IndexName?: string;
  ContributorInsightsAction: 'ENABLE' | 'DISABLE';
}

export function renderPutResourcePolicy(model: TableModel, tableArn: string): PutResourcePolicyRequest | undefined {
  return model.resourcePolicy ? { ResourceArn: tableArn, Policy: model.resourcePolicy.document } : undefined;
}

/** Where contributor insights can be set: the table (no index name) and each GSI, with the spec's wish. */
export function contributorInsightsTargets(model: TableModel): { indexName?: string; enabled: boolean | undefined }[] {
  return [
    { enabled: model.contributorInsights?.enabled },
    ...model.globalSecondaryIndexes.map((g) => ({ indexName: g.indexName, enabled: g.contributorInsights?.enabled })),
  ];
}

export function updateContributorInsightsRequest(
  tableName: string,
  indexName: string | undefined,
  enable: boolean,
): UpdateContributorInsightsRequest {
  const out: UpdateContributorInsightsRequest = {
    TableName: tableName,
    ContributorInsightsAction: enable ? 'ENABLE' : 'DISABLE',
  };
  if (indexName !== undefined) out.IndexName = indexName;
  return out;
}

/** What a new table is sent after it is ACTIVE: ENABLE for every owner the spec enables. */
export function renderContributorInsightsRequests(model: TableModel): UpdateContributorInsightsRequest[] {
  return contributorInsightsTargets(model)
    .filter((t) => t.enabled === true)
    .map((t) => updateContributorInsightsRequest(model.tableName, t.indexName, true));
}
