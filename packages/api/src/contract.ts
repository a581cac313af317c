// TEMPORARY: the agreed signatures of the api package, so that the webhook, reconciler and CLI can be
// written in parallel with it. The real modules (schemas/, normalise/, defaults/, render/, crd/) are
// re-exported here as they land; what is left below are stubs.
import type { FieldPath, TableModel } from './model.ts';
import type { KnownObject } from './schemas/objects.ts';

export { parseObject } from './schemas/parse.ts';
export type { ParseResult } from './schemas/parse.ts';
export type { Condition, KnownObject, ObjectMeta } from './schemas/objects.ts';
export { toTableModel } from './normalise/index.ts';

const notYet = (what: string): never => {
  throw new Error(`${what}: not implemented yet (foundation issue)`);
};

export interface DefaultsConfig {
  /** Operator-wide default tags (webhook flag). Lowest precedence. */
  operatorTags: Record<string, string>;
  /** The referenced AWSProvider's spec.defaultTags. Middle precedence; the user's own tags win. */
  providerTags?: Record<string, string>;
}

/** Defaults filled into the user's own kind (not the model), with the paths that changed. */
export function applyDefaults(
  _obj: KnownObject,
  _cfg: DefaultsConfig,
): { object: KnownObject; changedPaths: FieldPath[] } {
  return notYet('applyDefaults');
}

// AWS request shapes, written here (the api package does not depend on the AWS SDK) and kept
// structurally assignable to @aws-sdk/client-dynamodb's command inputs.
export interface AwsTag {
  Key: string;
  Value: string;
}
export interface CreateTableRequest {
  TableName: string;
  AttributeDefinitions: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
  KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  BillingMode: 'PAY_PER_REQUEST' | 'PROVISIONED';
  ProvisionedThroughput?: { ReadCapacityUnits: number; WriteCapacityUnits: number };
  GlobalSecondaryIndexes?: {
    IndexName: string;
    KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
    Projection: { ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] };
    ProvisionedThroughput?: { ReadCapacityUnits: number; WriteCapacityUnits: number };
  }[];
  LocalSecondaryIndexes?: {
    IndexName: string;
    KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
    Projection: { ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] };
  }[];
  StreamSpecification?: {
    StreamEnabled: boolean;
    StreamViewType?: 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY';
  };
  SSESpecification?: { Enabled: boolean; SSEType?: 'AES256' | 'KMS'; KMSMasterKeyId?: string };
  TableClass?: 'STANDARD' | 'STANDARD_INFREQUENT_ACCESS';
  DeletionProtectionEnabled?: boolean;
  Tags?: AwsTag[];
}

/** model → CreateTableInput; unused attribute definitions are left out (DynamoDB rejects them). */
export function renderCreateTableInput(_model: TableModel, _extraTags: AwsTag[] = []): CreateTableRequest {
  return notYet('renderCreateTableInput');
}
/** UpdateTimeToLive input, or undefined when TTL is off in the spec. */
export function renderTimeToLiveInput(
  _model: TableModel,
): { TableName: string; TimeToLiveSpecification: { Enabled: boolean; AttributeName: string } } | undefined {
  return notYet('renderTimeToLiveInput');
}
/** UpdateContinuousBackups input. */
export function renderContinuousBackupsInput(_model: TableModel): {
  TableName: string;
  PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: boolean; RecoveryPeriodInDays?: number };
} {
  return notYet('renderContinuousBackupsInput');
}
/** The generated CustomResourceDefinitions, one per kind. */
export function customResourceDefinitions(): Record<string, unknown>[] {
  return notYet('customResourceDefinitions');
}
