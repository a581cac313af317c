// What AWS says about a live table, in one plain shape. The api package does not depend on the AWS
// SDK, so the `Aws*` input shapes below mirror just the SDK output fields we read; every field is
// optional there (as in the SDK) so that an SDK output object is assignable to them as it is.
import type { BillingMode, ProjectionType, SseType, StreamViewType, TableClass } from '../model.ts';

export interface AwsKeyElement {
  AttributeName?: string;
  KeyType?: string;
}
export interface AwsThroughput {
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}
export interface AwsOnDemandThroughputOut {
  MaxReadRequestUnits?: number;
  MaxWriteRequestUnits?: number;
}
export interface AwsWarmThroughputOut {
  ReadUnitsPerSecond?: number;
  WriteUnitsPerSecond?: number;
  Status?: string;
}
export interface AwsIndexDescription {
  IndexName?: string;
  KeySchema?: AwsKeyElement[];
  Projection?: { ProjectionType?: string; NonKeyAttributes?: string[] };
  IndexStatus?: string;
  Backfilling?: boolean;
  ProvisionedThroughput?: AwsThroughput;
  OnDemandThroughput?: AwsOnDemandThroughputOut;
  WarmThroughput?: AwsWarmThroughputOut;
}
/** DescribeTableOutput.Table */
export interface AwsTableDescription {
  TableName?: string;
  TableArn?: string;
  TableStatus?: string;
  BillingModeSummary?: { BillingMode?: string };
  ProvisionedThroughput?: AwsThroughput;
  OnDemandThroughput?: AwsOnDemandThroughputOut;
  WarmThroughput?: AwsWarmThroughputOut;
  AttributeDefinitions?: { AttributeName?: string; AttributeType?: string }[];
  KeySchema?: AwsKeyElement[];
  GlobalSecondaryIndexes?: AwsIndexDescription[];
  LocalSecondaryIndexes?: AwsIndexDescription[];
  StreamSpecification?: { StreamEnabled?: boolean; StreamViewType?: string };
  LatestStreamArn?: string;
  SSEDescription?: { Status?: string; SSEType?: string; KMSMasterKeyArn?: string };
  TableClassSummary?: { TableClass?: string };
  DeletionProtectionEnabled?: boolean;
  ItemCount?: number;
  TableSizeBytes?: number;
  Replicas?: AwsReplicaDescription[];
  GlobalTableVersion?: string;
}
/** TableDescription.Replicas[] (global tables 2019.11.21). */
export interface AwsReplicaDescription {
  RegionName?: string;
  ReplicaStatus?: string;
  ReplicaStatusDescription?: string;
  ReplicaStatusPercentProgress?: string;
  KMSMasterKeyId?: string;
  ReplicaTableClassSummary?: { TableClass?: string };
  ProvisionedThroughputOverride?: { ReadCapacityUnits?: number };
  OnDemandThroughputOverride?: { MaxReadRequestUnits?: number };
  GlobalSecondaryIndexes?: {
    IndexName?: string;
    ProvisionedThroughputOverride?: { ReadCapacityUnits?: number };
    OnDemandThroughputOverride?: { MaxReadRequestUnits?: number };
  }[];
}
/** DescribeTimeToLiveOutput.TimeToLiveDescription */
export interface AwsTimeToLiveDescription {
  TimeToLiveStatus?: string;
  AttributeName?: string;
}
/** DescribeContinuousBackupsOutput.ContinuousBackupsDescription */
export interface AwsContinuousBackupsDescription {
  ContinuousBackupsStatus?: string;
  PointInTimeRecoveryDescription?: { PointInTimeRecoveryStatus?: string; RecoveryPeriodInDays?: number };
}
export interface AwsTagOut {
  Key?: string;
  Value?: string;
}

export type ResourceStatus = 'CREATING' | 'UPDATING' | 'DELETING' | 'ACTIVE' | string;
export type TtlStatus = 'ENABLING' | 'DISABLING' | 'ENABLED' | 'DISABLED';

export interface ObservedKey {
  attributeName: string;
  keyType: 'HASH' | 'RANGE';
}
export interface ObservedThroughput {
  readCapacityUnits: number;
  writeCapacityUnits: number;
}
/** On-demand caps as AWS reports them; undefined = no cap (AWS reports none, 0 or -1). */
export interface ObservedOnDemand {
  maxReadRequestUnits?: number;
  maxWriteRequestUnits?: number;
}
export interface ObservedWarm {
  readUnitsPerSecond?: number;
  writeUnitsPerSecond?: number;
  status?: string;
}
export interface ObservedIndex {
  indexName: string;
  status: ResourceStatus;
  backfilling: boolean;
  keySchema: ObservedKey[];
  projection: { type: ProjectionType; nonKeyAttributes: string[] };
  /** Absent (or zero) under PAY_PER_REQUEST. */
  provisionedThroughput?: ObservedThroughput;
  onDemandThroughput?: ObservedOnDemand;
  warmThroughput?: ObservedWarm;
}

/**
 * The observed state of one table. `ttl`, `pointInTimeRecovery` and `tags` are undefined when they
 * were not read (the caller may skip those reads on a cheap resync): planning then leaves that
 * aspect alone instead of guessing.
 */
export interface ObservedTable {
  tableName: string;
  tableArn?: string;
  status: ResourceStatus;
  billingMode: BillingMode;
  provisionedThroughput?: ObservedThroughput;
  onDemandThroughput?: ObservedOnDemand;
  warmThroughput?: ObservedWarm;
  attributeDefinitions: { name: string; type: string }[];
  keySchema: ObservedKey[];
  globalSecondaryIndexes: ObservedIndex[];
  localSecondaryIndexes: ObservedIndex[];
  stream: { enabled: boolean; viewType?: StreamViewType; streamArn?: string };
  /** AWS_OWNED when AWS reports no SSE description or SSE disabled. */
  encryption: { type: SseType; kmsKeyArn?: string; status?: string };
  tableClass: TableClass;
  deletionProtectionEnabled: boolean;
  itemCount?: number;
  tableSizeBytes?: number;
  ttl?: { status: TtlStatus; attributeName?: string };
  pointInTimeRecovery?: { enabled: boolean; recoveryPeriodInDays?: number };
  tags?: Record<string, string>;
  /** Replicas in other regions (empty when DescribeTable lists none). */
  replicas?: ObservedReplica[];
}

export interface ObservedReplica {
  regionName: string;
  /** CREATING, CREATION_FAILED, UPDATING, DELETING, ACTIVE, REGION_DISABLED, … */
  status: string;
  statusDescription?: string;
  percentProgress?: string;
  /** ReplicaTableClassSummary; AWS leaves it out when the replica has the table's class. */
  tableClass?: string;
  /** The replica's read overrides and its GSIs' (global tables 2019.11.21), as AWS reports them. */
  readCapacityUnits?: number;
  maxReadRequestUnits?: number;
  globalSecondaryIndexes?: { indexName: string; readCapacityUnits?: number; maxReadRequestUnits?: number }[];
}

function keys(list: AwsKeyElement[] | undefined): ObservedKey[] {
  return (list ?? []).map((k) => ({
    attributeName: k.AttributeName ?? '',
    keyType: k.KeyType === 'RANGE' ? 'RANGE' : 'HASH',
  }));
}

function throughput(t: AwsThroughput | undefined): ObservedThroughput | undefined {
  if (!t) return undefined;
  return { readCapacityUnits: t.ReadCapacityUnits ?? 0, writeCapacityUnits: t.WriteCapacityUnits ?? 0 };
}

function index(i: AwsIndexDescription): ObservedIndex {
  const type = (i.Projection?.ProjectionType ?? 'ALL') as ProjectionType;
  const out: ObservedIndex = {
    indexName: i.IndexName ?? '',
    // LSIs carry no IndexStatus: they live and die with the table.
    status: i.IndexStatus ?? 'ACTIVE',
    backfilling: i.Backfilling === true,
    keySchema: keys(i.KeySchema),
    projection: { type, nonKeyAttributes: [...(i.Projection?.NonKeyAttributes ?? [])] },
  };
  const t = throughput(i.ProvisionedThroughput);
  if (t) out.provisionedThroughput = t;
  Object.assign(out, observedLimits(i));
  return out;
}

/** OnDemandThroughput / WarmThroughput of a table or index description. */
function observedLimits(d: { OnDemandThroughput?: AwsOnDemandThroughputOut; WarmThroughput?: AwsWarmThroughputOut }): {
  onDemandThroughput?: ObservedOnDemand;
  warmThroughput?: ObservedWarm;
} {
  const out: { onDemandThroughput?: ObservedOnDemand; warmThroughput?: ObservedWarm } = {};
  const cap = (v: number | undefined): number | undefined => (v !== undefined && v >= 1 ? v : undefined);
  const od = d.OnDemandThroughput;
  if (od) {
    const caps: ObservedOnDemand = {};
    const read = cap(od.MaxReadRequestUnits);
    const write = cap(od.MaxWriteRequestUnits);
    if (read !== undefined) caps.maxReadRequestUnits = read;
    if (write !== undefined) caps.maxWriteRequestUnits = write;
    out.onDemandThroughput = caps;
  }
  const w = d.WarmThroughput;
  if (w) {
    const warm: ObservedWarm = {};
    if (w.ReadUnitsPerSecond !== undefined) warm.readUnitsPerSecond = w.ReadUnitsPerSecond;
    if (w.WriteUnitsPerSecond !== undefined) warm.writeUnitsPerSecond = w.WriteUnitsPerSecond;
    if (w.Status !== undefined) warm.status = w.Status;
    out.warmThroughput = warm;
  }
  return out;
}

function observedReplicas(list: AwsReplicaDescription[] | undefined): ObservedReplica[] {
  return (list ?? []).map((r) => {
    const out: ObservedReplica = { regionName: r.RegionName ?? '', status: r.ReplicaStatus ?? 'ACTIVE' };
    if (r.ReplicaStatusDescription) out.statusDescription = r.ReplicaStatusDescription;
    if (r.ReplicaStatusPercentProgress) out.percentProgress = r.ReplicaStatusPercentProgress;
    if (r.ReplicaTableClassSummary?.TableClass) out.tableClass = r.ReplicaTableClassSummary.TableClass;
    const rcu = r.ProvisionedThroughputOverride?.ReadCapacityUnits;
    const mrru = r.OnDemandThroughputOverride?.MaxReadRequestUnits;
    if (rcu !== undefined) out.readCapacityUnits = rcu;
    if (mrru !== undefined) out.maxReadRequestUnits = mrru;
    if (r.GlobalSecondaryIndexes?.length)
      out.globalSecondaryIndexes = r.GlobalSecondaryIndexes.map((g) => {
        const gsi: NonNullable<ObservedReplica['globalSecondaryIndexes']>[number] = { indexName: g.IndexName ?? '' };
        const grcu = g.ProvisionedThroughputOverride?.ReadCapacityUnits;
        const gmrru = g.OnDemandThroughputOverride?.MaxReadRequestUnits;
        if (grcu !== undefined) gsi.readCapacityUnits = grcu;
        if (gmrru !== undefined) gsi.maxReadRequestUnits = gmrru;
        return gsi;
      });
    return out;
  });
}

function encryption(sse: AwsTableDescription['SSEDescription']): ObservedTable['encryption'] {
  // No description, or a disabled one, means the AWS owned key (the default, free, not in KMS).
  if (!sse || sse.Status === 'DISABLED' || sse.Status === 'DISABLING' || sse.SSEType !== 'KMS') {
    return sse?.Status ? { type: 'AWS_OWNED', status: sse.Status } : { type: 'AWS_OWNED' };
  }
  // DescribeTable does not say whether a KMS key is the AWS managed `aws/dynamodb` key or a customer's
  // own key; we report CUSTOMER_MANAGED only when it is the key the spec names (see normal.ts).
  const out: ObservedTable['encryption'] = { type: 'AWS_MANAGED' };
  if (sse.KMSMasterKeyArn) out.kmsKeyArn = sse.KMSMasterKeyArn;
  if (sse.Status) out.status = sse.Status;
  return out;
}

function ttl(d: AwsTimeToLiveDescription | undefined): ObservedTable['ttl'] {
  if (!d) return undefined;
  const status = (['ENABLING', 'DISABLING', 'ENABLED', 'DISABLED'] as const).find((s) => s === d.TimeToLiveStatus);
  const out: NonNullable<ObservedTable['ttl']> = { status: status ?? 'DISABLED' };
  if (d.AttributeName) out.attributeName = d.AttributeName;
  return out;
}

function pitr(d: AwsContinuousBackupsDescription | undefined): ObservedTable['pointInTimeRecovery'] {
  if (!d) return undefined;
  const p = d.PointInTimeRecoveryDescription;
  const out: NonNullable<ObservedTable['pointInTimeRecovery']> = {
    enabled: p?.PointInTimeRecoveryStatus === 'ENABLED',
  };
  if (out.enabled && p?.RecoveryPeriodInDays !== undefined) out.recoveryPeriodInDays = p.RecoveryPeriodInDays;
  return out;
}

/** DescribeTable + DescribeTimeToLive + DescribeContinuousBackups + ListTagsOfResource → ObservedTable. */
export function observedFromAws(
  describe: AwsTableDescription,
  ttlDescription?: AwsTimeToLiveDescription,
  backups?: AwsContinuousBackupsDescription,
  tags?: AwsTagOut[],
): ObservedTable {
  // Tables created before on-demand existed carry no BillingModeSummary: they are PROVISIONED.
  const billingMode: BillingMode =
    describe.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST' ? 'PAY_PER_REQUEST' : 'PROVISIONED';
  const stream = describe.StreamSpecification;
  const out: ObservedTable = {
    tableName: describe.TableName ?? '',
    status: describe.TableStatus ?? 'ACTIVE',
    billingMode,
    attributeDefinitions: (describe.AttributeDefinitions ?? []).map((a) => ({
      name: a.AttributeName ?? '',
      type: a.AttributeType ?? 'S',
    })),
    keySchema: keys(describe.KeySchema),
    globalSecondaryIndexes: (describe.GlobalSecondaryIndexes ?? []).map(index),
    localSecondaryIndexes: (describe.LocalSecondaryIndexes ?? []).map(index),
    stream: { enabled: stream?.StreamEnabled === true },
    encryption: encryption(describe.SSEDescription),
    tableClass:
      describe.TableClassSummary?.TableClass === 'STANDARD_INFREQUENT_ACCESS'
        ? 'STANDARD_INFREQUENT_ACCESS'
        : 'STANDARD',
    deletionProtectionEnabled: describe.DeletionProtectionEnabled === true,
  };
  if (describe.TableArn) out.tableArn = describe.TableArn;
  out.replicas = observedReplicas(describe.Replicas);
  const t = throughput(describe.ProvisionedThroughput);
  if (t) out.provisionedThroughput = t;
  Object.assign(out, observedLimits(describe));
  if (out.stream.enabled && stream?.StreamViewType) out.stream.viewType = stream.StreamViewType as StreamViewType;
  if (describe.LatestStreamArn) out.stream.streamArn = describe.LatestStreamArn;
  if (describe.ItemCount !== undefined) out.itemCount = describe.ItemCount;
  if (describe.TableSizeBytes !== undefined) out.tableSizeBytes = describe.TableSizeBytes;
  const tt = ttl(ttlDescription);
  if (tt) out.ttl = tt;
  const p = pitr(backups);
  if (p) out.pointInTimeRecovery = p;
  if (tags) out.tags = Object.fromEntries(tags.filter((x) => x.Key !== undefined).map((x) => [x.Key, x.Value ?? '']));
  return out;
}
