// Who owns a live table, pure. Every table the reconciler creates carries two tags naming the object
// (kind/namespace/name) and its uid; only those tags — read from AWS, never the object's status, which
// any user allowed to patch the status subresource can write — make a table ours. The adoption
// annotation lets a user hand over an existing table that is unmarked, or whose owner object is gone.
import { createHash } from 'node:crypto';
import type { AwsTag } from '@dynamodb-operator/api';

export const OWNER_TAG = 'aws-infra-operator.runner.codes/owner';
export const OWNER_UID_TAG = 'aws-infra-operator.runner.codes/owner-uid';
export const ADOPT_ANNOTATION = 'aws-infra-operator.runner.codes/adopt';
/** A table this object created was deleted outside Kubernetes: create it again only with this set to "true". */
export const RECREATE_ANNOTATION = 'aws-infra-operator.runner.codes/recreate';
export const FINALIZER = 'dynamodb.aws-infra-operator.runner.codes/finalizer';
/** AWS tag values are at most 256 characters (the emulators do not enforce it; AWS refuses CreateTable). */
export const TAG_VALUE_MAX = 256;
/**
 * The create intent (annotation `<tableName>@<time>`, written just before CreateTable). Real DynamoDB
 * stores the ownership tags atomically with CreateTable; some emulators (dynalite) drop the Tags
 * parameter, and a crash between CreateTable and TagResource would then leave our own table
 * unrecognisable. The annotation is user-writable, so it is bounded tightly: a table with NO tags at
 * all, created after both the intent and the object itself (creationTimestamp is set by the API
 * server), and within INTENT_WINDOW_MS of the intent.
 */
export const INTENT_SKEW_MS = 5_000;
export const INTENT_WINDOW_MS = 15 * 60_000;

export interface OwnerRef {
  kind: string;
  namespace: string;
  name: string;
  uid: string;
}

/**
 * `Kind/namespace/name`, within the 256-character limit of a tag value: a longer one keeps a prefix
 * of the name and ends with `+` and a hash of the full value (`+` cannot occur in a Kubernetes name,
 * so a shortened value is never mistaken for a real name). The uid tag is the real key.
 */
export function ownerTagValue(o: Omit<OwnerRef, 'uid'>): string {
  const full = `${o.kind}/${o.namespace}/${o.name}`;
  if (full.length <= TAG_VALUE_MAX) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 16);
  return `${full.slice(0, TAG_VALUE_MAX - hash.length - 1)}+${hash}`;
}

/** The owner named by an owner tag; `name` is undefined when the value was shortened (or is not ours). */
export function parseOwnerTag(value: string | undefined): { kind: string; namespace: string; name?: string } {
  const [kind = '', namespace = '', ...rest] = (value ?? '').split('/');
  const name = rest.join('/');
  return name && !name.includes('+') && rest.length === 1 ? { kind, namespace, name } : { kind, namespace };
}

export function ownershipTags(o: OwnerRef): AwsTag[] {
  return [
    { Key: OWNER_TAG, Value: ownerTagValue(o) },
    { Key: OWNER_UID_TAG, Value: o.uid },
  ];
}

export type Ownership =
  | { kind: 'ours' }
  | { kind: 'ours-untagged' } // created by us (intent matches) but the tags are missing
  | { kind: 'adoptable' }
  /** Marked by another object: `ownerTag`/`ownerUid` are for the orphan check, never for messages. */
  | { kind: 'other-object'; ownerKind: string; ownerTag: string | undefined; ownerUid: string }
  | { kind: 'foreign' };

export interface OwnershipInput {
  tags: { Key?: string; Value?: string }[];
  uid: string;
  adoptAnnotation: string | undefined;
  /** The create intent annotation of the object, if any. */
  intent?: { tableName: string; requestedAt: string } | undefined;
  /** metadata.creationTimestamp of the object (set by the API server, not writable by users). */
  objectCreatedAt?: string | undefined;
  tableName: string;
  tableCreatedAt?: Date | undefined;
}

function intentMatches(i: OwnershipInput): boolean {
  if (!i.intent || i.intent.tableName !== i.tableName || !i.tableCreatedAt || i.tags.length > 0) return false;
  const intentAt = Date.parse(i.intent.requestedAt);
  const objectAt = i.objectCreatedAt ? Date.parse(i.objectCreatedAt) : NaN;
  // Without the object's creation time the bound cannot be checked: not ours.
  if (Number.isNaN(intentAt) || Number.isNaN(objectAt)) return false;
  const created = i.tableCreatedAt.getTime();
  return created >= Math.max(intentAt, objectAt) - INTENT_SKEW_MS && created <= intentAt + INTENT_WINDOW_MS;
}

export function decideOwnership(i: OwnershipInput): Ownership {
  const uidTag = i.tags.find((t) => t.Key === OWNER_UID_TAG)?.Value;
  if (uidTag === i.uid) return { kind: 'ours' };
  if (uidTag) {
    const ownerTag = i.tags.find((t) => t.Key === OWNER_TAG)?.Value;
    return { kind: 'other-object', ownerKind: parseOwnerTag(ownerTag).kind, ownerTag, ownerUid: uidTag };
  }
  if (intentMatches(i)) return { kind: 'ours-untagged' };
  if (i.adoptAnnotation === 'true') return { kind: 'adoptable' };
  return { kind: 'foreign' };
}

/** Never names the other object: it may be another tenant's namespace. */
export function notOwnedMessage(tableName: string, kind: string, o: Ownership): string {
  if (o.kind === 'other-object') {
    const what = /^[A-Za-z]{1,63}$/.test(o.ownerKind) ? `another ${o.ownerKind} object` : 'another object';
    return (
      `table "${tableName}" already exists and belongs to ${what}; it is left untouched. Choose another ` +
      `spec.tableName (a table whose owner object was deleted can be adopted with ${ADOPT_ANNOTATION}="true")`
    );
  }
  return (
    `table "${tableName}" already exists and was not created by this operator; it is left untouched. ` +
    `To manage it, annotate this ${kind} with ${ADOPT_ANNOTATION}="true" ` +
    `(kubectl annotate ... ${ADOPT_ANNOTATION}=true), or choose another spec.tableName`
  );
}
