// Building blocks shared by the three kinds. Every field carries `.describe()`: that text is what
// `kubectl explain` prints, because the CRDs are generated from these very schemas (crd/). Structural
// limits (enums, patterns, lengths, item counts) live here so that they reach the CRDs too; the
// semantic rules (keys defined, capacity vs billing mode, …) live in rules/.
import * as z from 'zod';
import {
  ATTRIBUTE_TYPES,
  BILLING_MODES,
  DELETION_POLICIES,
  KEY_TYPES,
  PROJECTION_TYPES,
  SSE_TYPES,
  STREAM_VIEW_TYPES,
  TABLE_CLASSES,
} from '../model.ts';

/** DynamoDB table and index names. */
export const NAME_PATTERN = /^[a-zA-Z0-9_.-]+$/;
/** Kubernetes object names (DNS-1123 subdomain). */
export const K8S_NAME_PATTERN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
/** Keys of a Secret's data. */
export const SECRET_KEY_PATTERN = /^[-._a-zA-Z0-9]+$/;

// Bounds that keep CEL transition rules within the API server's cost budget: every list and string
// compared by an immutability rule must be bounded.
export const MAX_ATTRIBUTE_NAME = 255;
export const MAX_ATTRIBUTES = 100;
export const MAX_GSIS = 20;
export const MAX_LSIS = 5;
export const MAX_NON_KEY_ATTRIBUTES = 20;
/** Far above any real table (AWS rejects more than 10^12), low enough to stay an exact integer. */
export const MAX_CAPACITY = 1_000_000_000_000;

export const tableNameSchema = z
  .string()
  .min(3)
  .max(255)
  .regex(NAME_PATTERN)
  .describe(
    'Name of the DynamoDB table in AWS: 3 to 255 characters of a-z, A-Z, 0-9, "_", "-" and ".". ' +
      'Unique within the account and region; case-sensitive. Immutable: a new name means a new table.',
  );

export const indexNameSchema = z
  .string()
  .min(3)
  .max(255)
  .regex(NAME_PATTERN)
  .describe('Index name, unique within the table: 3 to 255 characters of a-z, A-Z, 0-9, "_", "-" and ".".');

export const attributeNameSchema = z
  .string()
  .min(1)
  .max(MAX_ATTRIBUTE_NAME)
  .describe('Attribute name (1 to 255 bytes).');

const ATTRIBUTE_TYPE_DESCRIPTION = 'Attribute type: S (string), N (number) or B (binary).';

/**
 * S, N or B. kubectl reads YAML 1.1, where an unquoted `N` is the boolean false — and the seed's own
 * manifests write `type: N`. So false is accepted and read as N. The CRD cannot type a field "string or
 * boolean", nor run CEL on an untyped one, so there the field is x-kubernetes-preserve-unknown-fields
 * and the enum is enforced by the webhook (parseObject) and again by the reconciler.
 */
export const attributeTypeSchema = z
  .union([z.enum(ATTRIBUTE_TYPES), z.literal(false).transform(() => 'N' as const)])
  .meta({
    description: `${ATTRIBUTE_TYPE_DESCRIPTION} (An unquoted N, which YAML 1.1 reads as false, means N.)`,
    'x-kubernetes-preserve-unknown-fields': true,
  });

export const keyTypeSchema = z
  .enum(KEY_TYPES)
  .describe('Key type: HASH (partition key, exactly one) or RANGE (sort key, at most one).');

export const billingModeSchema = z
  .enum(BILLING_MODES)
  .describe(
    'Billing model: PAY_PER_REQUEST (on demand, for variable loads) or PROVISIONED (fixed capacity, ' +
      'needs capacity on the table and on every global secondary index). Defaults to PAY_PER_REQUEST, or to PROVISIONED when the spec gives table ' +
      'capacity.',
  );

export const projectionTypeSchema = z
  .enum(PROJECTION_TYPES)
  .describe(
    'Attributes copied into the index: ALL, KEYS_ONLY, or INCLUDE (the keys plus nonKeyAttributes). Defaults to ALL.',
  );

export const nonKeyAttributesSchema = z
  .array(attributeNameSchema)
  .min(1)
  .max(MAX_NON_KEY_ATTRIBUTES)
  .describe('Non-key attributes projected into the index; only with projection type INCLUDE (1 to 20).');

export const streamViewTypeSchema = z
  .enum(STREAM_VIEW_TYPES)
  .describe(
    'What the stream records for each change: NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES or KEYS_ONLY. ' +
      'Defaults to NEW_AND_OLD_IMAGES when streams are enabled.',
  );

export const deletionPolicySchema = z
  .enum(DELETION_POLICIES)
  .describe(
    'What happens to the AWS table when this object is deleted: Delete (the table is deleted), Retain ' +
      '(the table stays, ownership tags stay) or Orphan (the table stays and the operator lets go of it). ' +
      'Defaults to Delete.',
  );

export const tableClassSchema = z
  .enum(TABLE_CLASSES)
  .describe('Table class: STANDARD or STANDARD_INFREQUENT_ACCESS (cheaper storage, dearer requests).');

export const deletionProtectionSchema = z
  .boolean()
  .describe('When true, AWS refuses to delete the table (also when this object is deleted with policy Delete).');

const capacityUnits = (what: string) =>
  z
    .number()
    .int()
    .min(1)
    .max(MAX_CAPACITY)
    .describe(`Provisioned ${what} capacity units per second (at least 1). Only with billingMode PROVISIONED.`);

/** {readCapacityUnits, writeCapacityUnits}: the one capacity shape of both kinds. */
export const capacitySchema = (description: string) =>
  z
    .strictObject({
      readCapacityUnits: capacityUnits('read'),
      writeCapacityUnits: capacityUnits('write'),
    })
    .describe(description);

export const providerRefSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(253)
      .regex(K8S_NAME_PATTERN)
      .describe('Name of the AWSProvider that holds the AWS region and credentials.'),
    namespace: z
      .string()
      .min(1)
      .max(63)
      .optional()
      .describe("Namespace of the AWSProvider; must be this object's own namespace (the default)."),
    kind: z
      .enum(['AWSProvider', 'ClusterAWSProvider'])
      .optional()
      .describe(
        'AWSProvider (the default: a provider in this namespace) or ClusterAWSProvider (a cluster-wide provider ' +
          "the cluster admin owns; it must select this object's namespace).",
      ),
  })
  .describe('Reference to the AWSProvider (or ClusterAWSProvider) that gives access to AWS. Immutable.');

/**
 * The CRD's bound on a tag map: against abuse only, NOT DynamoDB's 50. The API server checks the schema
 * after the mutating webhook merged the AWSProvider's defaultTags and the operator's default tags into
 * spec.tags, and before the validating webhook: a bound of 50 would answer 48 user + 10 default tags with
 * a bare "Too many: 58" instead of the webhook's message naming every source (rules/tags.ts). 150 holds
 * 50 of the user's, 50 of the provider's and 50 operator tags, all distinct.
 */
export const MAX_TAG_MAP = 150;

export const tagsSchema = (description: string) =>
  z.record(z.string(), z.string()).meta({ description, maxProperties: MAX_TAG_MAP });

export const userTagsSchema = tagsSchema(
  'Tags (key-value pairs) for organisation and cost allocation, e.g. Environment: production. At most 48 ' +
    "including the defaults merged in (AWS allows 50 and the operator adds 2 ownership tags; the schema's own " +
    'bound is looser so that the webhook can say which tags count); keys 1 to 128 characters, values up to ' +
    '256, no "aws:" prefix; quote keys and values such as "n", "no", "off" or "yes", which YAML reads as ' +
    "booleans. Merged over the AWSProvider's defaultTags and the operator's default tags: your keys win.",
);

export const timeToLiveSchema = z
  .strictObject({
    enabled: z.boolean().describe('Whether items expire when their TTL attribute (epoch seconds) is in the past.'),
    attributeName: attributeNameSchema
      .optional()
      .describe('Name of the attribute holding the expiry time in epoch seconds; required when enabled.'),
  })
  .describe('Time to live: items expire automatically at the time stored in one of their attributes.');

export const encryptionSchema = z
  .strictObject({
    enabled: z.boolean().describe('Enable encryption at rest with a KMS key (off means the AWS owned key).'),
    type: z
      .enum(SSE_TYPES)
      .optional()
      .describe(
        'Key type: AWS_OWNED (AWS owned key, no cost), AWS_MANAGED (AWS managed KMS key aws/dynamodb) or ' +
          'CUSTOMER_MANAGED (your own KMS key, set kmsKeyArn). Defaults to AWS_MANAGED when enabled.',
      ),
    kmsKeyArn: z
      .string()
      .min(1)
      .max(2048)
      .optional()
      .describe('ARN (or ID or alias) of your KMS key; required when type is CUSTOMER_MANAGED.'),
  })
  .describe('Server-side encryption at rest.');

/** metav1.Condition. */
export const conditionSchema = z
  .object({
    type: z.string().min(1).max(316).describe('Condition type: Ready, Synced or Terminal.'),
    status: z.enum(['True', 'False', 'Unknown']).describe('True, False or Unknown.'),
    reason: z.string().max(1024).describe('Machine-readable reason in CamelCase.'),
    message: z.string().max(32768).describe('Human-readable details.'),
    observedGeneration: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('metadata.generation the condition was computed from.'),
    lastTransitionTime: z.string().describe('When the status last changed (RFC 3339).'),
  })
  .describe('One aspect of the current state (metav1.Condition).');

export const conditionsSchema = z.array(conditionSchema).meta({
  description:
    'Latest observations: Ready (summary), Synced (spec applied to AWS), Terminal (needs a human); ' +
    'Reconciling (work for this generation under way) and Stalled (= Terminal) for kstatus-based tools.',
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
});

/** The parts of metadata we read. Everything else passes through untouched. */
export const objectMetaSchema = z.looseObject({
  name: z.string().min(1).max(253).optional(),
  generateName: z.string().optional(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  generation: z.number().int().optional(),
  resourceVersion: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  finalizers: z.array(z.string()).optional(),
  deletionTimestamp: z.string().optional(),
  // typed Go clients send `creationTimestamp: null` on create
  creationTimestamp: z.string().nullable().optional(),
});
