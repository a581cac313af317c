// Who owns a live table, pure. Every table the reconciler creates carries two tags naming the object
// (kind/namespace/name) and its uid; only those tags make a table ours. The adoption annotation lets
// a user hand an existing, unmarked table over.
import type { AwsTag } from '@dynamodb-operator/api';

export const OWNER_TAG = 'aws-infra-operator.runner.codes/owner';
export const OWNER_UID_TAG = 'aws-infra-operator.runner.codes/owner-uid';
export const ADOPT_ANNOTATION = 'aws-infra-operator.runner.codes/adopt';
/** A table this object created was deleted outside Kubernetes: create it again only with this set to "true". */
export const RECREATE_ANNOTATION = 'aws-infra-operator.runner.codes/recreate';
export const FINALIZER = 'dynamodb.aws-infra-operator.runner.codes/finalizer';
/**
 * Written (status.pendingCreate) just before CreateTable. Real DynamoDB stores the ownership tags
 * atomically with CreateTable; some emulators (dynalite) drop the Tags parameter, and a crash between
 * CreateTable and TagResource would then leave our own table unrecognisable. A table with no
 * ownership tags, created after our recorded intent, is recognised as ours.
 */
export const INTENT_SKEW_MS = 5_000;

export interface OwnerRef {
  kind: string;
  namespace: string;
  name: string;
  uid: string;
}

export function ownershipTags(o: OwnerRef): AwsTag[] {
  return [
    { Key: OWNER_TAG, Value: `${o.kind}/${o.namespace}/${o.name}` },
    { Key: OWNER_UID_TAG, Value: o.uid },
  ];
}

export type Ownership =
  | { kind: 'ours' }
  | { kind: 'ours-untagged' } // created by us (intent matches) but the tags are missing
  | { kind: 'adoptable' }
  | { kind: 'other-object'; owner: string }
  | { kind: 'foreign' };

export interface OwnershipInput {
  tags: { Key?: string; Value?: string }[];
  uid: string;
  adoptAnnotation: string | undefined;
  /** status.pendingCreate of the object, if any. */
  intent?: { tableName: string; requestedAt: string } | undefined;
  tableName: string;
  tableCreatedAt?: Date | undefined;
}

export function decideOwnership(i: OwnershipInput): Ownership {
  const uidTag = i.tags.find((t) => t.Key === OWNER_UID_TAG)?.Value;
  if (uidTag === i.uid) return { kind: 'ours' };
  if (uidTag) {
    const owner = i.tags.find((t) => t.Key === OWNER_TAG)?.Value ?? `uid ${uidTag}`;
    return { kind: 'other-object', owner };
  }
  if (
    i.intent &&
    i.intent.tableName === i.tableName &&
    i.tableCreatedAt &&
    i.tableCreatedAt.getTime() >= Date.parse(i.intent.requestedAt) - INTENT_SKEW_MS &&
    i.tags.length === 0
  ) {
    return { kind: 'ours-untagged' };
  }
  if (i.adoptAnnotation === 'true') return { kind: 'adoptable' };
  return { kind: 'foreign' };
}

export function notOwnedMessage(tableName: string, kind: string, o: Ownership): string {
  if (o.kind === 'other-object') {
    return `table "${tableName}" already exists and belongs to ${o.owner}; choose another spec.tableName`;
  }
  return (
    `table "${tableName}" already exists and was not created by this operator; it is left untouched. ` +
    `To manage it, annotate this ${kind} with ${ADOPT_ANNOTATION}="true" ` +
    `(kubectl annotate ... ${ADOPT_ANNOTATION}=true), or choose another spec.tableName`
  );
}
