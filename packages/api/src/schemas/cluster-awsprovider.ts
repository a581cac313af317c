// ClusterAWSProvider: an AWSProvider owned by the cluster admin (cluster-scoped: a namespace editor
// cannot create or change one) that serves the namespaces it selects. Same fields as AWSProvider, but
// its credential Secrets name their namespace (an admin's namespace, never the tenant's), as
// Crossplane's ClusterProviderConfig does.
import * as z from 'zod';
import { K8S_NAME_PATTERN, SECRET_KEY_PATTERN } from './common.ts';
import { awsProviderSpecSchema, awsProviderStatusSchema } from './awsprovider.ts';

const secretName = z.string().min(1).max(253).regex(K8S_NAME_PATTERN).describe('Name of the Secret.');
const secretNamespace = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
  .describe(
    "Namespace of the Secret: an admin's namespace (e.g. the operator's), never a tenant's. The reconciler " +
      'must be allowed to read Secrets there (chart value reconciler.rbac.secrets).',
  );

const clusterSecretKeyRef = (what: string) =>
  z
    .strictObject({
      name: secretName,
      namespace: secretNamespace,
      key: z.string().min(1).max(253).regex(SECRET_KEY_PATTERN).describe(`Key in the Secret that holds the ${what}.`),
    })
    .describe(`Secret key holding the ${what}. Give accessKeyIDRef and secretAccessKeyRef together, or neither.`);

const labelKey = z.string().min(1).max(317);

export const labelSelectorSchema = z
  .strictObject({
    matchLabels: z
      .record(labelKey, z.string().max(63))
      .optional()
      .describe('Labels a namespace must carry, all of them (key: value).'),
    matchExpressions: z
      .array(
        z.strictObject({
          key: labelKey.describe('The label key.'),
          operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']).describe('In, NotIn, Exists or DoesNotExist.'),
          values: z
            .array(z.string().max(63))
            .max(64)
            .optional()
            .describe('Values for In and NotIn (non-empty there); empty for Exists and DoesNotExist.'),
        }),
      )
      .max(32)
      .optional()
      .describe('Requirements on the namespace labels, all of which must hold.'),
  })
  .describe('A Kubernetes label selector on namespace labels; {} selects every namespace.');

export const NAMESPACE_GLOB_PATTERN = /^[a-z0-9*]([-a-z0-9*]*[a-z0-9*])?$/;

export const clusterAWSProviderSpecSchema = awsProviderSpecSchema
  .extend({
    accessKeyIDRef: clusterSecretKeyRef('AWS access key ID').optional(),
    secretAccessKeyRef: clusterSecretKeyRef('AWS secret access key').optional(),
    credentialsSecret: z
      .strictObject({ name: secretName, namespace: secretNamespace })
      .optional()
      .describe(
        'A Secret holding static credentials under the keys access-key-id and secret-access-key (and ' +
          'optionally session-token). Alternative to accessKeyIDRef/secretAccessKeyRef; not both.',
      ),
    namespaces: z
      .array(z.string().min(1).max(63).regex(NAMESPACE_GLOB_PATTERN))
      .max(256)
      .optional()
      .describe(
        'Namespaces whose tables may use this provider, as names or globs (`*` = any run of characters, e.g. ' +
          'team-*). A namespace is served when it matches one of these OR namespaceSelector. Neither set: none.',
      ),
    namespaceSelector: labelSelectorSchema
      .optional()
      .describe(
        'Namespaces whose tables may use this provider, by their labels (metav1.LabelSelector; {} selects every ' +
          'namespace). A namespace is served when it matches this OR one of namespaces. Neither set: none.',
      ),
  })
  .describe(
    'Region, endpoint and credentials for AWS, shared by the tables of the namespaces it selects ' +
      '(spec.namespaces, spec.namespaceSelector); a table uses it with providerRef {kind: ClusterAWSProvider, name}. ' +
      'Credentials as for AWSProvider, with Secrets in a namespace the admin names.',
  );

export const clusterAWSProviderStatusSchema = awsProviderStatusSchema;

export type ClusterAWSProviderSpec = z.infer<typeof clusterAWSProviderSpecSchema>;
export type ClusterAWSProviderStatus = z.infer<typeof clusterAWSProviderStatusSchema>;
