// TableModel with `restore` or `import` → the request that creates the table instead of CreateTable:
// RestoreTableToPointInTime, RestoreTableFromBackup or ImportTable. What the restore request can set
// (billing mode, capacity, on-demand caps, index sets, SSE) is sent as its *Override; the rest of the
// spec (tags, streams, TTL, PITR, deletion protection, table class, warm throughput) cannot be part of
// it and is applied after the table exists, by the create follow-ups and the update planner.
import type { TableModel } from '../model.ts';
import { renderCreateTableInput } from './create-table.ts';
import type { AwsThroughput, CreateTableRequest } from './types.ts';
import type { AwsOnDemandThroughput } from './throughput.ts';

type Gsi = Omit<NonNullable<CreateTableRequest['GlobalSecondaryIndexes']>[number], 'WarmThroughput'>;
type Sse = NonNullable<CreateTableRequest['SSESpecification']>;

interface RestoreOverrides {
  TargetTableName: string;
  BillingModeOverride?: 'PAY_PER_REQUEST' | 'PROVISIONED';
  ProvisionedThroughputOverride?: AwsThroughput;
  OnDemandThroughputOverride?: AwsOnDemandThroughput;
  GlobalSecondaryIndexOverride?: Gsi[];
  LocalSecondaryIndexOverride?: NonNullable<CreateTableRequest['LocalSecondaryIndexes']>;
  SSESpecificationOverride?: Sse;
}

export interface RestoreTableToPointInTimeRequest extends RestoreOverrides {
  SourceTableName?: string;
  SourceTableArn?: string;
  UseLatestRestorableTime?: boolean;
  RestoreDateTime?: Date;
}

export interface RestoreTableFromBackupRequest extends RestoreOverrides {
  BackupArn: string;
}

export interface ImportTableRequest {
  /** Idempotency: a retried ImportTable with the same token (within 8 hours) starts no second import. */
  ClientToken?: string;
  S3BucketSource: { S3Bucket: string; S3KeyPrefix?: string; S3BucketOwner?: string };
  InputFormat: 'CSV' | 'DYNAMODB_JSON' | 'ION';
  InputCompressionType?: 'GZIP' | 'ZSTD' | 'NONE';
  InputFormatOptions?: { Csv: { Delimiter?: string; HeaderList?: string[] } };
  TableCreationParameters: {
    TableName: string;
    AttributeDefinitions: CreateTableRequest['AttributeDefinitions'];
    KeySchema: CreateTableRequest['KeySchema'];
    BillingMode: CreateTableRequest['BillingMode'];
    ProvisionedThroughput?: AwsThroughput;
    OnDemandThroughput?: AwsOnDemandThroughput;
    SSESpecification?: Sse;
    GlobalSecondaryIndexes?: Gsi[];
  };
}

export type CreateFromRequest =
  | { command: 'RestoreTableToPointInTime'; input: RestoreTableToPointInTimeRequest }
  | { command: 'RestoreTableFromBackup'; input: RestoreTableFromBackupRequest }
  | { command: 'ImportTable'; input: ImportTableRequest };

/** Warm throughput is not part of these requests: the update planner raises it afterwards. */
const gsis = (create: CreateTableRequest): Gsi[] | undefined =>
  create.GlobalSecondaryIndexes?.map(({ WarmThroughput: _warm, ...gsi }) => gsi);

function overrides(create: CreateTableRequest): RestoreOverrides {
  const out: RestoreOverrides = { TargetTableName: create.TableName, BillingModeOverride: create.BillingMode };
  if (create.ProvisionedThroughput) out.ProvisionedThroughputOverride = create.ProvisionedThroughput;
  if (create.OnDemandThroughput) out.OnDemandThroughputOverride = create.OnDemandThroughput;
  // Only when the spec has indexes: without an override the restored table has the source's indexes.
  const g = gsis(create);
  if (g) out.GlobalSecondaryIndexOverride = g;
  if (create.LocalSecondaryIndexes) out.LocalSecondaryIndexOverride = create.LocalSecondaryIndexes;
  if (create.SSESpecification) out.SSESpecificationOverride = create.SSESpecification;
  return out;
}

/** The create-from request, or undefined when the spec creates an empty table (CreateTable). */
export function renderCreateFromInput(model: TableModel, clientToken?: string): CreateFromRequest | undefined {
  if (!model.restore && !model.import) return undefined;
  const create = renderCreateTableInput(model);
  const r = model.restore;
  if (r?.backupArn !== undefined) {
    return { command: 'RestoreTableFromBackup', input: { BackupArn: r.backupArn, ...overrides(create) } };
  }
  if (r) {
    const input: RestoreTableToPointInTimeRequest = { ...overrides(create) };
    if (r.sourceTableArn !== undefined) input.SourceTableArn = r.sourceTableArn;
    else if (r.sourceTableName !== undefined) input.SourceTableName = r.sourceTableName;
    if (r.restoreDateTime !== undefined) input.RestoreDateTime = new Date(r.restoreDateTime);
    else input.UseLatestRestorableTime = true;
    return { command: 'RestoreTableToPointInTime', input };
  }
  const i = model.import;
  if (!i) return undefined;
  const params: ImportTableRequest['TableCreationParameters'] = {
    TableName: create.TableName,
    AttributeDefinitions: create.AttributeDefinitions,
    KeySchema: create.KeySchema,
    BillingMode: create.BillingMode,
  };
  if (create.ProvisionedThroughput) params.ProvisionedThroughput = create.ProvisionedThroughput;
  if (create.OnDemandThroughput) params.OnDemandThroughput = create.OnDemandThroughput;
  if (create.SSESpecification) params.SSESpecification = create.SSESpecification;
  const g = gsis(create);
  if (g) params.GlobalSecondaryIndexes = g;
  const source: ImportTableRequest['S3BucketSource'] = { S3Bucket: i.bucket };
  if (i.keyPrefix !== undefined) source.S3KeyPrefix = i.keyPrefix;
  if (i.bucketOwner !== undefined) source.S3BucketOwner = i.bucketOwner;
  const input: ImportTableRequest = {
    S3BucketSource: source,
    InputFormat: i.inputFormat,
    InputCompressionType: i.inputCompressionType ?? 'NONE',
    TableCreationParameters: params,
  };
  if (clientToken !== undefined) input.ClientToken = clientToken;
  if (i.inputFormat === 'CSV' && i.csv && (i.csv.delimiter !== undefined || i.csv.headerList !== undefined)) {
    const csv: { Delimiter?: string; HeaderList?: string[] } = {};
    if (i.csv.delimiter !== undefined) csv.Delimiter = i.csv.delimiter;
    if (i.csv.headerList !== undefined) csv.HeaderList = [...i.csv.headerList];
    input.InputFormatOptions = { Csv: csv };
  }
  return { command: 'ImportTable', input };
}
