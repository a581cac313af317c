// resourcePolicy and contributor insights → the model. Kind DynamoDB spells contributor insights as
// contributorInsightsSpecification.enabled, kind DynamoDBTable as a boolean `contributorInsights`;
// both become ContributorInsights with the path of the field the user wrote.
import type { ContributorInsights, FieldPath, ResourcePolicy } from '../model.ts';

type Source = {
  resourcePolicy?: string | undefined;
  contributorInsights?: boolean | undefined;
  contributorInsightsSpecification?: { enabled: boolean } | undefined;
};

/** contributorInsights of a table or GSI at `path` (`spec`, `spec.globalSecondaryIndexes[0]`). */
export function contributorInsightsOf(source: Source, path: FieldPath): { contributorInsights?: ContributorInsights } {
  if (source.contributorInsights !== undefined)
    return { contributorInsights: { enabled: source.contributorInsights, path: `${path}.contributorInsights` } };
  if (source.contributorInsightsSpecification)
    return {
      contributorInsights: {
        enabled: source.contributorInsightsSpecification.enabled,
        path: `${path}.contributorInsightsSpecification`,
      },
    };
  return {};
}

/** The table's resourcePolicy and contributor insights. */
export function accessInsightsOf(spec: Source): {
  resourcePolicy?: ResourcePolicy;
  contributorInsights?: ContributorInsights;
} {
  const out: { resourcePolicy?: ResourcePolicy; contributorInsights?: ContributorInsights } = contributorInsightsOf(
    spec,
    'spec',
  );
  if (spec.resourcePolicy !== undefined)
    out.resourcePolicy = { document: spec.resourcePolicy, path: 'spec.resourcePolicy' };
  return out;
}
