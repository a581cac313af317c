// A table's resource-based policy and CloudWatch Contributor Insights, for both table kinds.
// - resourcePolicy is a string holding the JSON policy document, as AWS's API (CreateTable's and
//   PutResourcePolicy's `Policy`), Terraform's aws_dynamodb_resource_policy `policy` and ACK take it: a
//   structural CRD cannot type "string or object" without turning validation off for the field, and the
//   text is what AWS measures against its 20 KB limit. In YAML a block scalar (`resourcePolicy: |`)
//   keeps it readable. That it parses, is a policy and fits is an admission rule (rules/access-insights.ts).
// - Contributor insights: kind DynamoDB uses CloudFormation's ContributorInsightsSpecification
//   ({enabled}) on the table and each GSI; kind DynamoDBTable a boolean, as its pointInTimeRecovery.
import * as z from 'zod';

export const resourcePolicySchema = z
  .string()
  .describe(
    'Resource-based policy of the table: a JSON policy document (with Version and Statement) as a string, at most ' +
      '20 KB counting whitespace. Applied with PutResourcePolicy; removing the field deletes the policy. A change ' +
      'made outside Kubernetes is put back at the next drift check.',
  );

export const contributorInsightsSpecificationSchema = (where: string) =>
  z
    .strictObject({
      enabled: z.boolean().describe(`Enable CloudWatch Contributor Insights (most accessed keys) for the ${where}.`),
    })
    .describe(
      `CloudWatch Contributor Insights of the ${where} (UpdateContributorInsights). Removing it disables what the ` +
        'operator enabled.',
    );

export const contributorInsightsFlagSchema = (where: string) =>
  z
    .boolean()
    .describe(
      `CloudWatch Contributor Insights (most accessed and throttled keys) for the ${where}: true enables it, false ` +
        'disables it; removing the field disables what the operator enabled.',
    );

export const resourcePolicyStatusSchema = z
  .object({
    revisionId: z.string().optional().describe("RevisionId of the table's policy in AWS (GetResourcePolicy)."),
  })
  .describe('The resource policy the operator applied from spec.resourcePolicy.');

export const contributorInsightsStatusSchema = z
  .array(
    z
      .object({
        indexName: z.string().optional().describe('The GSI; absent for the table itself.'),
        contributorInsightsStatus: z
          .string()
          .describe('ENABLING, ENABLED, DISABLING, DISABLED or FAILED (DescribeContributorInsights).'),
        failureException: z.string().optional().describe('Why AWS could not enable it (FAILED).'),
      })
      .describe('Contributor insights of the table or one GSI.'),
  )
  .describe('Contributor insights of the table and the GSIs the spec names.');
