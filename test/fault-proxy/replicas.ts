// Global table replicas (version 2019.11.21) as AWS handles them, where moto 5.2.5 has nothing
// (measured: moto's UpdateTable ignores ReplicaUpdates without a word and DescribeTable shows no
// Replicas). Modelled from the AWS API reference (UpdateTable ReplicaUpdates, ReplicaDescription,
// TableDescription.GlobalTableVersion) and the global tables guide, not emulated:
// - a replica goes CREATING → ACTIVE, UPDATING → ACTIVE (a ReplicaUpdates Update: its KMS key, table
//   class and read overrides, per table and per GSI, take the new values), and DELETING → gone, over
//   the model's timings; meanwhile the
//   table reads UPDATING, so every other UpdateTable gets ResourceInUseException (the proxy's
//   lifecycle check does that from the decorated description);
// - one replica action per UpdateTable, and nothing else in that call (ValidationException);
// - creating needs streams with NEW_AND_OLD_IMAGES, a region that is neither the table's own nor a
//   replica already; deleting needs an existing replica (ValidationException);
// - streams cannot be disabled or changed while replicas exist (ValidationException);
// - DescribeTable lists Replicas (status, percent progress while creating, KMS key, table class, read
//   overrides of the replica and of its GSIs) and
//   GlobalTableVersion 2019.11.21 while any replica exists.
// - a replica's own table in its region (the request's region is the SigV4 credential scope): its
//   DescribeTable shows the replica's status and DeletionProtectionEnabled, UpdateTable takes
//   DeletionProtectionEnabled alone, Describe/UpdateContinuousBackups its point-in-time recovery; only
//   while the replica is ACTIVE (ResourceInUseException otherwise). Nothing else of a regional table is
//   modelled (no items, no other UpdateTable fields: ValidationException).
// The messages are the proxy's wording of AWS's rules (AWS's exact text is not in the reference).
// Pure state; the proxy calls it around the emulator.

type Json = Record<string, unknown>;

export type ReplicaRefusal = { error: 'ValidationException' | 'ResourceInUseException'; message: string } | undefined;

export interface ReplicaTimings {
  createMs: number;
  updateMs: number;
  deleteMs: number;
}

export const DEFAULT_REPLICA_TIMINGS: ReplicaTimings = { createMs: 600, updateMs: 400, deleteMs: 300 };

interface ReplicaState {
  status: 'CREATING' | 'UPDATING' | 'ACTIVE' | 'DELETING';
  since: number;
  until: number;
  kms?: string;
  tableClass?: string;
  /** ProvisionedThroughputOverride / OnDemandThroughputOverride as sent. */
  provisioned?: Json;
  onDemand?: Json;
  /** Settings of the replica's own table in its region. */
  deletionProtection?: boolean;
  pitr?: boolean;
  /** GlobalSecondaryIndexes overrides as sent, by index name. */
  gsis?: Map<string, { provisioned?: Json; onDemand?: Json }>;
}

/** Takes the settings of a Create or Update action into a replica's state. */
function applySettings(r: ReplicaState, action: Json): ReplicaState {
  const out: ReplicaState = { ...r, gsis: new Map(r.gsis ?? []) };
  if (typeof action.KMSMasterKeyId === 'string') out.kms = action.KMSMasterKeyId;
  if (typeof action.TableClassOverride === 'string') out.tableClass = action.TableClassOverride;
  if (obj(action.ProvisionedThroughputOverride)) out.provisioned = obj(action.ProvisionedThroughputOverride);
  if (obj(action.OnDemandThroughputOverride)) out.onDemand = obj(action.OnDemandThroughputOverride);
  for (const g of list(action.GlobalSecondaryIndexes)) {
    const name = String(g.IndexName ?? '');
    const was = out.gsis?.get(name) ?? {};
    const next = { ...was };
    if (obj(g.ProvisionedThroughputOverride)) next.provisioned = obj(g.ProvisionedThroughputOverride);
    if (obj(g.OnDemandThroughputOverride)) next.onDemand = obj(g.OnDemandThroughputOverride);
    out.gsis?.set(name, next);
  }
  return out;
}

const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' ? (v as Json) : undefined);
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v.filter((x) => obj(x)) as Json[]) : []);
const invalid = (message: string): ReplicaRefusal => ({
  error: 'ValidationException',
  message: `One or more parameter values were invalid: ${message}`,
});

/** The region of a SigV4-signed request: the credential scope, Credential=KEY/DATE/REGION/SERVICE/aws4_request. */
export const regionOfAuthorization = (header: unknown): string | undefined =>
  typeof header === 'string' ? /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(header)?.[1] : undefined;

/** The region in a table ARN (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME). */
export const regionOfArn = (arn: unknown): string | undefined =>
  typeof arn === 'string' ? arn.split(':')[3] : undefined;

/** UpdateTable fields that are a change of their own (TableName and AttributeDefinitions are not). */
const OTHER_CHANGES = [
  'BillingMode',
  'ProvisionedThroughput',
  'GlobalSecondaryIndexUpdates',
  'StreamSpecification',
  'SSESpecification',
  'TableClass',
  'DeletionProtectionEnabled',
  'OnDemandThroughput',
  'WarmThroughput',
];

export class ReplicaModel {
  private readonly tables = new Map<string, Map<string, ReplicaState>>();
  readonly timings: ReplicaTimings;

  constructor(timings: Partial<ReplicaTimings> = {}) {
    this.timings = { ...DEFAULT_REPLICA_TIMINGS, ...timings };
  }

  /** The replicas of a table at `now`: finished transitions applied, deleted ones gone. */
  private replicas(table: string, now: number): Map<string, ReplicaState> {
    const m = this.tables.get(table) ?? new Map<string, ReplicaState>();
    for (const [region, r] of m) {
      if (now < r.until) continue;
      if (r.status === 'DELETING') m.delete(region);
      else if (r.status === 'CREATING' || r.status === 'UPDATING') m.set(region, { ...r, status: 'ACTIVE' });
    }
    if (m.size > 0) this.tables.set(table, m);
    else this.tables.delete(table);
    return m;
  }

  /** A refusal for an UpdateTable, given the table as DescribeTable shows it, or undefined. */
  checkUpdate(table: string, input: Json, current: Json | undefined, now: number): ReplicaRefusal {
    const have = this.replicas(table, now);
    const updates = list(input.ReplicaUpdates);
    const stream = obj(current?.StreamSpecification);
    if (updates.length === 0) {
      const next = obj(input.StreamSpecification);
      if (next && have.size > 0)
        return invalid(
          `Table ${table} has replicas: its stream cannot be disabled or changed; remove the replicas first`,
        );
      return undefined;
    }
    if (updates.length > 1)
      return invalid('Only one replica can be created, updated or deleted per UpdateTable request');
    const others = OTHER_CHANGES.filter((k) => input[k] !== undefined);
    if (others.length > 0)
      return invalid(`ReplicaUpdates cannot be combined with other changes in one request (${others.join(', ')})`);
    const busy = [...have].filter(([, r]) => r.status !== 'ACTIVE');
    if (busy.length > 0)
      return {
        error: 'ResourceInUseException',
        message: `Attempt to change a resource which is still in use: replica ${busy.map(([k, r]) => `${k} is ${r.status}`).join(', ')}: ${table}`,
      };
    const u = updates[0] ?? {};
    const create = obj(u.Create);
    const del = obj(u.Delete);
    const update = obj(u.Update);
    if ([create, del, update].filter(Boolean).length !== 1)
      return invalid('A ReplicationGroupUpdate takes exactly one of Create, Update or Delete');
    const region = String((create ?? del ?? update)?.RegionName ?? '');
    if (!region) return invalid('RegionName is required');
    if (create) {
      if (stream?.StreamEnabled !== true || stream.StreamViewType !== 'NEW_AND_OLD_IMAGES')
        return invalid(
          `Table ${table} must have DynamoDB Streams enabled with StreamViewType NEW_AND_OLD_IMAGES to add a replica`,
        );
      if (region === regionOfArn(current?.TableArn))
        return invalid(`${region} is the table's own region; a replica must be in another region`);
      if (have.has(region)) return invalid(`Table ${table} already has a replica in ${region}`);
      return undefined;
    }
    if (!have.has(region)) return invalid(`Table ${table} has no replica in ${region}`);
    return undefined;
  }

  /** After the emulator accepted an UpdateTable that checkUpdate let through. */
  acceptedUpdate(table: string, input: Json, now: number): void {
    const u = list(input.ReplicaUpdates)[0];
    if (!u) return;
    const m = this.replicas(table, now);
    const create = obj(u.Create);
    const update = obj(u.Update);
    const del = obj(u.Delete);
    if (create) {
      const r: ReplicaState = { status: 'CREATING', since: now, until: now + this.timings.createMs };
      m.set(String(create.RegionName), applySettings(r, create));
    } else if (update) {
      const region = String(update.RegionName);
      const was = m.get(region);
      if (was)
        m.set(
          region,
          applySettings({ ...was, status: 'UPDATING', since: now, until: now + this.timings.updateMs }, update),
        );
    } else if (del) {
      const region = String(del.RegionName);
      const was = m.get(region);
      if (was) m.set(region, { ...was, status: 'DELETING', since: now, until: now + this.timings.deleteMs });
    }
    this.tables.set(table, m);
  }

  /** Applies the transitions finished by `now` (what any call at `now` would see). */
  advanceTo(table: string, now: number): void {
    this.replicas(table, now);
  }

  /**
   * A call to the replica's own table in `region`: the answer, a refusal, or undefined when `region`
   * holds no replica of `table` (the call goes to the emulator).
   */
  regional(
    table: string,
    region: string | undefined,
    operation: string,
    input: Json,
    now: number,
  ): { body: Json } | NonNullable<ReplicaRefusal> | undefined {
    if (!region) return undefined;
    const m = this.replicas(table, now);
    const r = m.get(region);
    if (!r) return undefined;
    const pitr = (): Json => ({
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: r.pitr ? 'ENABLED' : 'DISABLED' },
      },
    });
    const busy = {
      error: 'ResourceInUseException' as const,
      message: `Attempt to change a resource which is still in use: replica ${region} is ${r.status}: ${table}`,
    };
    if (operation === 'DescribeTable')
      return {
        body: {
          Table: {
            TableName: table,
            TableStatus: r.status,
            DeletionProtectionEnabled: r.deletionProtection === true,
            ...(r.tableClass ? { TableClassSummary: { TableClass: r.tableClass } } : {}),
          },
        },
      };
    if (operation === 'DescribeContinuousBackups') return { body: pitr() };
    if (operation === 'UpdateContinuousBackups') {
      if (r.status !== 'ACTIVE') return busy;
      const spec = obj(input.PointInTimeRecoverySpecification);
      if (typeof spec?.PointInTimeRecoveryEnabled !== 'boolean')
        return invalid('PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled is required');
      r.pitr = spec.PointInTimeRecoveryEnabled;
      return { body: pitr() };
    }
    if (operation === 'UpdateTable') {
      if (r.status !== 'ACTIVE') return busy;
      const other = Object.keys(input).filter((k) => k !== 'TableName' && k !== 'DeletionProtectionEnabled');
      if (typeof input.DeletionProtectionEnabled !== 'boolean' || other.length > 0)
        return invalid(
          `the proxy models only DeletionProtectionEnabled on the replica in ${region} (got ${other.join(', ') || 'nothing'})`,
        );
      r.deletionProtection = input.DeletionProtectionEnabled;
      return {
        body: {
          TableDescription: {
            TableName: table,
            TableStatus: 'ACTIVE',
            DeletionProtectionEnabled: r.deletionProtection,
          },
        },
      };
    }
    return undefined;
  }

  deletedTable(table: string): void {
    this.tables.delete(table);
  }

  /** Adds Replicas and GlobalTableVersion to a DescribeTable's Table; UPDATING while a replica changes. */
  decorate(table: string, description: Json, now: number): void {
    const m = this.replicas(table, now);
    if (m.size === 0) return;
    description.GlobalTableVersion = '2019.11.21';
    description.Replicas = [...m].map(([region, r]) => {
      const out: Json = { RegionName: region, ReplicaStatus: r.status };
      if (r.status === 'CREATING') {
        const span = Math.max(1, r.until - r.since);
        out.ReplicaStatusPercentProgress = String(Math.min(99, Math.floor(((now - r.since) / span) * 100)));
      }
      if (r.kms) out.KMSMasterKeyId = r.kms;
      if (r.tableClass) out.ReplicaTableClassSummary = { TableClass: r.tableClass };
      if (r.provisioned) out.ProvisionedThroughputOverride = r.provisioned;
      if (r.onDemand) out.OnDemandThroughputOverride = r.onDemand;
      if (r.gsis?.size)
        out.GlobalSecondaryIndexes = [...r.gsis].map(([name, g]) => {
          const gsi: Json = { IndexName: name };
          if (g.provisioned) gsi.ProvisionedThroughputOverride = g.provisioned;
          if (g.onDemand) gsi.OnDemandThroughputOverride = g.onDemand;
          return gsi;
        });
      return out;
    });
    if ([...m.values()].some((r) => r.status !== 'ACTIVE') && description.TableStatus === 'ACTIVE')
      description.TableStatus = 'UPDATING';
  }
}
