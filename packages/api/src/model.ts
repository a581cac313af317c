// The one internal table model. Both table kinds (DynamoDBTable, DynamoDB) normalise into it, and
// everything downstream — rules, defaults, AWS request builders, planning — works on it alone.
//
// Every element remembers `path`: where it came from in the user's own kind (e.g.
// `spec.keySchema[1].keyType` or `spec.rangeKey.name`), so that a rule that fails on the model can
// still name the field the user has to change.

export const API_GROUP = 'aws-infra-operator.runner.codes';
export const API_VERSION = 'v1alpha1';
export const GROUP_VERSION = `${API_GROUP}/${API_VERSION}`;

export const TABLE_KINDS = ['DynamoDBTable', 'DynamoDB'] as const;
export type TableKind = (typeof TABLE_KINDS)[number];
export type Kind = TableKind | ProviderKind;
export const PROVIDER_KINDS = ['AWSProvider', 'ClusterAWSProvider'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export const ATTRIBUTE_TYPES = ['S', 'N', 'B'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

export const KEY_TYPES = ['HASH', 'RANGE'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

export const BILLING_MODES = ['PAY_PER_REQUEST', 'PROVISIONED'] as const;
export type BillingMode = (typeof BILLING_MODES)[number];

export const PROJECTION_TYPES = ['ALL', 'KEYS_ONLY', 'INCLUDE'] as const;
export type ProjectionType = (typeof PROJECTION_TYPES)[number];

export const STREAM_VIEW_TYPES = ['NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES', 'KEYS_ONLY'] as const;
export type StreamViewType = (typeof STREAM_VIEW_TYPES)[number];

export const SSE_TYPES = ['AWS_OWNED', 'AWS_MANAGED', 'CUSTOMER_MANAGED'] as const;
export type SseType = (typeof SSE_TYPES)[number];

export const DELETION_POLICIES = ['Delete', 'Retain', 'Orphan'] as const;
export type DeletionPolicy = (typeof DELETION_POLICIES)[number];

export const TABLE_CLASSES = ['STANDARD', 'STANDARD_INFREQUENT_ACCESS'] as const;
export type TableClass = (typeof TABLE_CLASSES)[number];

/** A field path in the user's manifest, e.g. `spec.globalSecondaryIndexes[0].keys[1].keyType`. */
export type FieldPath = string;

export interface Throughput {
  readCapacityUnits: number;
  writeCapacityUnits: number;
  path: FieldPath;
}

/** OnDemandThroughput: per-second request-unit caps under PAY_PER_REQUEST; -1 = no cap. */
export interface OnDemandThroughput {
  maxReadRequestUnits?: number;
  maxWriteRequestUnits?: number;
  path: FieldPath;
}

/** WarmThroughput: units per second served instantly; DynamoDB only ever raises it. */
export interface WarmThroughput {
  readUnitsPerSecond?: number;
  writeUnitsPerSecond?: number;
  path: FieldPath;
}

/** Auto scaling of one capacity dimension (read or write) of the table or a GSI. */
export interface ScalingDimension {
  minCapacity: number;
  maxCapacity: number;
  /** Percent, 20 to 90. */
  targetUtilization: number;
  scaleInCooldown?: number;
  scaleOutCooldown?: number;
  disableScaleIn?: boolean;
  path: FieldPath;
}

/** Auto scaling of the table's or a GSI's provisioned capacity (Application Auto Scaling). */
export interface AutoScaling {
  read?: ScalingDimension;
  write?: ScalingDimension;
  path: FieldPath;
}

/** A resource-based policy document, as the spec's JSON text (AWS measures that text). */
export interface ResourcePolicy {
  document: string;
  path: FieldPath;
}

/** CloudWatch Contributor Insights of the table or a GSI; undefined in the spec = not managed. */
export interface ContributorInsights {
  enabled: boolean;
  path: FieldPath;
}

/** A read override of a replica or of one of its GSIs (ProvisionedThroughputOverride / OnDemandThroughputOverride). */
export interface ReplicaReadOverrides {
  provisionedThroughputOverride?: { readCapacityUnits: number };
  onDemandThroughputOverride?: { maxReadRequestUnits: number };
}

/** One replica of a global table (2019.11.21) in another region. */
export interface Replica extends ReplicaReadOverrides {
  regionName: string;
  kmsMasterKeyId?: string;
  tableClassOverride?: TableClass;
  /** Set on the replica's own table in its region; undefined = not managed. */
  deletionProtectionEnabled?: boolean;
  pointInTimeRecovery?: boolean;
  globalSecondaryIndexes: (ReplicaReadOverrides & { indexName: string; path: FieldPath })[];
  path: FieldPath;
}

export interface AttributeDefinition {
  name: string;
  type: AttributeType;
  path: FieldPath;
}

export interface KeyElement {
  attributeName: string;
  keyType: KeyType;
  path: FieldPath;
}

export interface Projection {
  type: ProjectionType;
  nonKeyAttributes: string[];
  path: FieldPath;
}

export interface SecondaryIndex {
  indexName: string;
  keySchema: KeyElement[];
  projection: Projection;
  /** GSIs only; undefined when the spec gives none. */
  provisionedThroughput?: Throughput;
  /** GSIs only. */
  autoScaling?: AutoScaling;
  /** GSIs only. */
  onDemandThroughput?: OnDemandThroughput;
  /** GSIs only. */
  warmThroughput?: WarmThroughput;
  /** GSIs only. */
  contributorInsights?: ContributorInsights;
  path: FieldPath;
}

export interface TableModel {
  kind: TableKind;
  /** metadata.namespace/name of the object this model came from. */
  namespace: string;
  name: string;
  tableName: string;
  /** kind: absent for an AWSProvider (the seed's form), or ClusterAWSProvider. */
  providerRef: { name: string; namespace?: string; kind?: 'ClusterAWSProvider'; path: FieldPath };
  /** undefined until defaulted (the webhook defaults it to PAY_PER_REQUEST). */
  billingMode?: BillingMode;
  billingModePath: FieldPath;
  provisionedThroughput?: Throughput;
  /** Where table capacity lives in this kind, for "add capacity at …" messages. */
  provisionedThroughputPath: FieldPath;
  autoScaling?: AutoScaling;
  onDemandThroughput?: OnDemandThroughput;
  warmThroughput?: WarmThroughput;
  resourcePolicy?: ResourcePolicy;
  contributorInsights?: ContributorInsights;
  attributeDefinitions: AttributeDefinition[];
  attributeDefinitionsPath: FieldPath;
  keySchema: KeyElement[];
  keySchemaPath: FieldPath;
  globalSecondaryIndexes: SecondaryIndex[];
  globalSecondaryIndexesPath: FieldPath;
  localSecondaryIndexes: SecondaryIndex[];
  localSecondaryIndexesPath: FieldPath;
  stream: { enabled: boolean; viewType?: StreamViewType; path: FieldPath; viewTypePath: FieldPath };
  pointInTimeRecovery: { enabled: boolean; recoveryPeriodInDays?: number; path: FieldPath };
  encryption: { enabled: boolean; type?: SseType; kmsKeyArn?: string; path: FieldPath };
  timeToLive: { enabled: boolean; attributeName?: string; path: FieldPath };
  tags: Record<string, string>;
  tagsPath: FieldPath;
  deletionPolicy?: DeletionPolicy;
  deletionPolicyPath: FieldPath;
  deletionProtectionEnabled: boolean;
  deletionProtectionPath: FieldPath;
  tableClass?: TableClass;
  tableClassPath: FieldPath;
  /** Create the table from data (create-time only, immutable): a restore or an S3 import. */
  restore?: RestoreSource;
  import?: ImportSource;
  /** Global table replicas; undefined when the spec has no `replicas`. */
  replicas?: Replica[];
}

/** Restore source of a table created by RestoreTableToPointInTime or RestoreTableFromBackup. */
export interface RestoreSource {
  sourceTableName?: string;
  sourceTableArn?: string;
  useLatestRestorableTime?: boolean;
  /** RFC 3339, as written in the spec. */
  restoreDateTime?: string;
  backupArn?: string;
  path: FieldPath;
}

/** S3 source of a table created by ImportTable. */
export interface ImportSource {
  bucket: string;
  keyPrefix?: string;
  bucketOwner?: string;
  inputFormat: 'CSV' | 'DYNAMODB_JSON' | 'ION';
  inputCompressionType?: 'GZIP' | 'ZSTD' | 'NONE';
  csv?: { delimiter?: string; headerList?: string[] };
  path: FieldPath;
}

/** One problem with a spec: the field to change and what to change it to. */
export interface FieldError {
  path: FieldPath;
  message: string;
}

export interface ValidationResult {
  errors: FieldError[];
  warnings: string[];
}
