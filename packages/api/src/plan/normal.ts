// Normalised views of desired (TableModel) and observed (ObservedTable) values, so that equal
// meaning compares equal: lists as sets, PAY_PER_REQUEST has no capacity, defaults filled in.
import type { BillingMode, SecondaryIndex, StreamViewType, TableClass, TableModel } from '../model.ts';
import type { ObservedIndex, ObservedTable, ObservedThroughput } from './observed.ts';

/** Used when a PROVISIONED spec gives no capacity (validation normally prevents it): AWS's console default. */
export const FALLBACK_THROUGHPUT: ObservedThroughput = { readCapacityUnits: 5, writeCapacityUnits: 5 };
export const DEFAULT_STREAM_VIEW_TYPE: StreamViewType = 'NEW_AND_OLD_IMAGES';
export const DEFAULT_PITR_RECOVERY_DAYS = 35;
/** AWS refuses a second UpdateTimeToLive for the same table within this long. */
export const TTL_CHANGE_INTERVAL_MS = 60 * 60 * 1000;

export const desiredBilling = (d: TableModel): BillingMode => d.billingMode ?? 'PAY_PER_REQUEST';
export const desiredTableClass = (d: TableModel): TableClass => d.tableClass ?? 'STANDARD';

export function desiredThroughput(d: TableModel): ObservedThroughput | undefined {
  if (desiredBilling(d) !== 'PROVISIONED') return undefined;
  const t = d.provisionedThroughput;
  return t ? { readCapacityUnits: t.readCapacityUnits, writeCapacityUnits: t.writeCapacityUnits } : FALLBACK_THROUGHPUT;
}

/** A GSI without its own capacity inherits the table's (as the create request does). */
export function desiredGsiThroughput(d: TableModel, g: SecondaryIndex): ObservedThroughput | undefined {
  if (desiredBilling(d) !== 'PROVISIONED') return undefined;
  const t = g.provisionedThroughput;
  return t
    ? { readCapacityUnits: t.readCapacityUnits, writeCapacityUnits: t.writeCapacityUnits }
    : desiredThroughput(d);
}

export function sameThroughput(a: ObservedThroughput | undefined, b: ObservedThroughput | undefined): boolean {
  return (
    (a?.readCapacityUnits ?? 0) === (b?.readCapacityUnits ?? 0) &&
    (a?.writeCapacityUnits ?? 0) === (b?.writeCapacityUnits ?? 0)
  );
}

export const fmtThroughput = (t: ObservedThroughput | undefined): string =>
  t ? `${t.readCapacityUnits} read / ${t.writeCapacityUnits} write` : 'none';

/**
 * A GSI's identity for "must it be re-created?": key attributes with their types, projection type,
 * and the non-key attributes as a sorted set (only INCLUDE has them).
 */
export interface IndexShape {
  hash: string;
  range: string;
  projection: string;
  nonKey: string[];
}

export function desiredIndexShape(d: TableModel, g: SecondaryIndex): IndexShape {
  const typeOf = (n: string): string => d.attributeDefinitions.find((a) => a.name === n)?.type ?? '?';
  const key = (t: 'HASH' | 'RANGE'): string => {
    const k = g.keySchema.find((e) => e.keyType === t);
    return k ? `${k.attributeName}:${typeOf(k.attributeName)}` : '';
  };
  return shape(key('HASH'), key('RANGE'), g.projection.type, g.projection.nonKeyAttributes);
}

export function observedIndexShape(o: ObservedTable, i: ObservedIndex): IndexShape {
  const typeOf = (n: string): string => o.attributeDefinitions.find((a) => a.name === n)?.type ?? '?';
  const key = (t: 'HASH' | 'RANGE'): string => {
    const k = i.keySchema.find((e) => e.keyType === t);
    return k ? `${k.attributeName}:${typeOf(k.attributeName)}` : '';
  };
  return shape(key('HASH'), key('RANGE'), i.projection.type, i.projection.nonKeyAttributes);
}

function shape(hash: string, range: string, projection: string, nonKey: string[]): IndexShape {
  return { hash, range, projection, nonKey: projection === 'INCLUDE' ? [...new Set(nonKey)].sort() : [] };
}

/** `name:type` keys; an unknown type (`?`: the emulator or AWS did not report it) matches any type. */
export function sameKey(a: string, b: string): boolean {
  if (a === b) return true;
  const [an, at] = a.split(':');
  const [bn, bt] = b.split(':');
  return an === bn && (at === '?' || bt === '?');
}

export function sameShape(a: IndexShape, b: IndexShape): boolean {
  return (
    sameKey(a.hash, b.hash) &&
    sameKey(a.range, b.range) &&
    a.projection === b.projection &&
    a.nonKey.length === b.nonKey.length &&
    a.nonKey.every((x, i) => x === b.nonKey[i])
  );
}

/** Differences between two shapes, in words ("projection ALL → KEYS_ONLY"). */
export function shapeChanges(from: IndexShape, to: IndexShape): string[] {
  const out: string[] = [];
  const key = (label: string, a: string, b: string): void => {
    if (sameKey(a, b)) return;
    const [an = '', at = ''] = a.split(':');
    const [bn = '', bt = ''] = b.split(':');
    if (an === bn) out.push(`${label} ${an} type ${at} → ${bt}`);
    else out.push(`${label} ${an || 'none'} → ${bn || 'none'}`);
  };
  key('partition key', from.hash, to.hash);
  key('sort key', from.range, to.range);
  if (from.projection !== to.projection) out.push(`projection ${from.projection} → ${to.projection}`);
  else if (from.nonKey.join(',') !== to.nonKey.join(','))
    out.push(`projected attributes [${from.nonKey.join(', ')}] → [${to.nonKey.join(', ')}]`);
  return out;
}

export interface StreamTarget {
  enabled: boolean;
  viewType?: StreamViewType;
}
export function desiredStream(d: TableModel): StreamTarget {
  return d.stream.enabled
    ? { enabled: true, viewType: d.stream.viewType ?? DEFAULT_STREAM_VIEW_TYPE }
    : { enabled: false };
}

/** What UpdateTable's SSESpecification must say: disabled = the AWS owned key. */
export interface SseTarget {
  enabled: boolean;
  kmsKeyArn?: string;
}
export function desiredSse(d: TableModel): SseTarget {
  const e = d.encryption;
  if (!e.enabled || e.type === 'AWS_OWNED') return { enabled: false };
  if (e.type === 'CUSTOMER_MANAGED' && e.kmsKeyArn) return { enabled: true, kmsKeyArn: e.kmsKeyArn };
  return { enabled: true };
}

const ALIAS = /(?:^|:)alias\/(.+)$/;
const KEY_ID = /(?:^|:key\/)([^/:]+)$/;
/** `region:account` of an ARN, or undefined for a bare key ID or alias name. */
const arnScope = (s: string): string | undefined =>
  s.startsWith('arn:') ? s.split(':').slice(3, 5).join(':') : undefined;

/**
 * Does the key AWS reports match the key the spec names (key ID, key ARN, alias name or alias ARN)?
 * Key IDs compare by ID. An alias compares by name when the report is an alias too (moto echoes what it
 * was sent); AWS reports the key ARN an alias points to, which this pure function cannot resolve (that
 * takes KMS DescribeKey), so an alias matches any key of the same region and account there.
 */
export function sameKmsKey(observedArn: string | undefined, wanted: string): boolean {
  if (!observedArn) return false;
  if (observedArn === wanted) return true;
  const scopes = [arnScope(observedArn), arnScope(wanted)];
  if (scopes[0] !== undefined && scopes[1] !== undefined && scopes[0] !== scopes[1]) return false;
  const wantedAlias = ALIAS.exec(wanted)?.[1];
  const observedAlias = ALIAS.exec(observedArn)?.[1];
  if (wantedAlias !== undefined) return observedAlias === undefined || observedAlias === wantedAlias;
  if (observedAlias !== undefined) return false;
  return KEY_ID.exec(observedArn)?.[1] === KEY_ID.exec(wanted)?.[1];
}

export function sseMatches(target: SseTarget, o: ObservedTable): boolean {
  if (!target.enabled) return o.encryption.type === 'AWS_OWNED';
  if (o.encryption.type === 'AWS_OWNED') return false;
  // An AWS managed target accepts any KMS key: DescribeTable cannot tell `aws/dynamodb` apart.
  return target.kmsKeyArn === undefined || sameKmsKey(o.encryption.kmsKeyArn, target.kmsKeyArn);
}

export interface TtlTarget {
  enabled: boolean;
  attributeName?: string;
}
export function desiredTtl(d: TableModel): TtlTarget {
  return d.timeToLive.enabled && d.timeToLive.attributeName
    ? { enabled: true, attributeName: d.timeToLive.attributeName }
    : { enabled: false };
}
/** An ENABLING table counts as enabled (the change is under way and cannot be repeated). */
export function observedTtl(o: NonNullable<ObservedTable['ttl']>): TtlTarget {
  const enabled = o.status === 'ENABLED' || o.status === 'ENABLING';
  return enabled ? { enabled, attributeName: o.attributeName ?? '' } : { enabled: false };
}

export interface PitrTarget {
  enabled: boolean;
  recoveryPeriodInDays?: number;
}
export function desiredPitr(d: TableModel): PitrTarget {
  const p = d.pointInTimeRecovery;
  return p.enabled
    ? { enabled: true, recoveryPeriodInDays: p.recoveryPeriodInDays ?? DEFAULT_PITR_RECOVERY_DAYS }
    : { enabled: false };
}
export function pitrMatches(t: PitrTarget, o: NonNullable<ObservedTable['pointInTimeRecovery']>): boolean {
  if (t.enabled !== o.enabled) return false;
  return !t.enabled || (o.recoveryPeriodInDays ?? DEFAULT_PITR_RECOVERY_DAYS) === t.recoveryPeriodInDays;
}

/** Tags AWS reserves: never set, changed or removed by us. */
export const isAwsTag = (key: string): boolean => key.toLowerCase().startsWith('aws:');

export function desiredTags(d: TableModel, extra: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...d.tags, ...extra })) if (!isAwsTag(k)) out[k] = v;
  return out;
}

export const notActive = (status: string): boolean => status !== 'ACTIVE';
