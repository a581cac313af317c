// AWS request shapes, written here (the api package does not depend on the AWS SDK) and kept
// structurally assignable to @aws-sdk/client-dynamodb's command inputs.
import type { AttributeType, KeyType, ProjectionType, StreamViewType, TableClass } from '../model.ts';
import type { AwsOnDemandThroughput, AwsWarmThroughput } from './throughput.ts';

export interface AwsTag {
  Key: string;
  Value: string;
}

export interface AwsKeyElement {
  AttributeName: string;
  KeyType: KeyType;
}

export interface AwsProjection {
  ProjectionType: ProjectionType;
  NonKeyAttributes?: string[];
}

export interface AwsThroughput {
  ReadCapacityUnits: number;
  WriteCapacityUnits: number;
}

export interface AwsGlobalSecondaryIndex {
  IndexName: string;
  KeySchema: AwsKeyElement[];
  Projection: AwsProjection;
  ProvisionedThroughput?: AwsThroughput;
  OnDemandThroughput?: AwsOnDemandThroughput;
  WarmThroughput?: AwsWarmThroughput;
}

export interface AwsLocalSecondaryIndex {
  IndexName: string;
  KeySchema: AwsKeyElement[];
  Projection: AwsProjection;
}

export interface CreateTableRequest {
  TableName: string;
  AttributeDefinitions: { AttributeName: string; AttributeType: AttributeType }[];
  KeySchema: AwsKeyElement[];
  BillingMode: 'PAY_PER_REQUEST' | 'PROVISIONED';
  ProvisionedThroughput?: AwsThroughput;
  OnDemandThroughput?: AwsOnDemandThroughput;
  WarmThroughput?: AwsWarmThroughput;
  GlobalSecondaryIndexes?: AwsGlobalSecondaryIndex[];
  LocalSecondaryIndexes?: AwsLocalSecondaryIndex[];
  StreamSpecification?: { StreamEnabled: boolean; StreamViewType?: StreamViewType };
  SSESpecification?: { Enabled: boolean; SSEType?: 'AES256' | 'KMS'; KMSMasterKeyId?: string };
  TableClass?: TableClass;
  DeletionProtectionEnabled?: boolean;
  Tags?: AwsTag[];
  /** The resource-based policy document (JSON text), applied with the table. */
  ResourcePolicy?: string;
}

export interface UpdateTimeToLiveRequest {
  TableName: string;
  TimeToLiveSpecification: { Enabled: boolean; AttributeName: string };
}

export interface UpdateContinuousBackupsRequest {
  TableName: string;
  PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: boolean; RecoveryPeriodInDays?: number };
}
