// AWSProvider: where and as whom the operator talks to AWS. Credentials never appear in the object
// itself, only references to Secrets in the provider's namespace.
import * as z from 'zod';
import { conditionsSchema, K8S_NAME_PATTERN, SECRET_KEY_PATTERN, tagsSchema } from './common.ts';

export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-[0-9]+$/;
export const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::[0-9]{12}:role\/[\w+=,.@/-]{1,512}$/;

const secretKeyRef = (what: string) =>
  z
    .strictObject({
      name: z
        .string()
        .min(1)
        .max(253)
        .regex(K8S_NAME_PATTERN)
        .describe("Name of the Secret (in the AWSProvider's namespace)."),
      key: z.string().min(1).max(253).regex(SECRET_KEY_PATTERN).describe(`Key in the Secret that holds the ${what}.`),
    })
    .describe(`Secret key holding the ${what}. Give accessKeyIDRef and secretAccessKeyRef together, or neither.`);

export const awsProviderSpecSchema = z
  .strictObject({
    region: z.string().regex(REGION_PATTERN).max(32).describe('AWS region of the tables, e.g. us-east-1.'),
    endpoint: z
      .string()
      .max(2048)
      .regex(/^https?:\/\/\S+$/)
      .optional()
      .describe(
        'Custom DynamoDB endpoint URL (http:// or https://), for emulators such as LocalStack, moto or dynalite. ' +
          'Leave empty for AWS.',
      ),
    roleARN: z
      .string()
      .regex(ROLE_ARN_PATTERN)
      .optional()
      .describe(
        'IAM role for IRSA (IAM Roles for Service Accounts): the operator uses the web identity token of its ' +
          'ServiceAccount to act as this role, e.g. arn:aws:iam::123456789012:role/infra-operator-role.',
      ),
    assumeRoleARN: z
      .string()
      .regex(ROLE_ARN_PATTERN)
      .optional()
      .describe(
        'IAM role to assume with STS on top of the base credentials (static, IRSA or the default chain), ' +
          'e.g. for cross-account access.',
      ),
    externalID: z
      .string()
      .min(2)
      .max(1224)
      .regex(/^[\w+=,.@:/-]+$/)
      .optional()
      .describe('External ID passed to STS AssumeRole with assumeRoleARN, when the role requires one.'),
    accessKeyIDRef: secretKeyRef('AWS access key ID').optional(),
    secretAccessKeyRef: secretKeyRef('AWS secret access key').optional(),
    credentialsSecret: z
      .strictObject({
        name: z
          .string()
          .min(1)
          .max(253)
          .regex(K8S_NAME_PATTERN)
          .describe("Name of the Secret (in the AWSProvider's namespace)."),
      })
      .optional()
      .describe(
        'A Secret holding static credentials under the keys access-key-id and secret-access-key (and ' +
          'optionally session-token). Alternative to accessKeyIDRef/secretAccessKeyRef; not both.',
      ),
    defaultTags: tagsSchema(
      "Tags added to every table that uses this provider. A table's own tags win over these; these win over " +
        "the operator's default tags.",
    ).optional(),
  })
  .describe(
    'Region, endpoint and credentials for AWS. Credentials come from, in this order: static credentials ' +
      '(accessKeyIDRef + secretAccessKeyRef, or credentialsSecret), roleARN (IRSA), or the default chain of the ' +
      'operator pod; assumeRoleARN is then assumed on top.',
  );

export const awsProviderStatusSchema = z
  .object({
    ready: z.boolean().optional().describe('true when the credentials work (STS GetCallerIdentity succeeded).'),
    accountId: z.string().optional().describe('AWS account ID the credentials belong to.'),
    observedGeneration: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('metadata.generation the status was computed from.'),
    lastCheckedTime: z.string().optional().describe('When the credentials were last checked (RFC 3339).'),
    conditions: conditionsSchema.optional(),
  })
  .describe('Observed state of the provider.');

export type AWSProviderSpec = z.infer<typeof awsProviderSpecSchema>;
export type AWSProviderStatus = z.infer<typeof awsProviderStatusSchema>;
