// Step 3 for an existing table: is it ours? Only AWS can say: the owner-uid tag (or, for an emulator
// that drops tags, our tightly bounded create intent), confirmed once per process and remembered in
// memory (owned-tables.ts) — never status.tableArn, which a user who may patch the status subresource
// can set to another tenant's table. A table of another live object, or of nobody without the
// adoption annotation, is refused and never touched; an adoptable table (unmarked, or whose owner
// object is gone) or our own untagged table gets the ownership tags.
import { UntagResourceCommand } from '@aws-sdk/client-dynamodb';
import type { TableDescription, Tag } from '@aws-sdk/client-dynamodb';
import { TABLE_KINDS } from '@dynamodb-operator/api';
import type { TableKind, TableModel } from '@dynamodb-operator/api';
import type { ProviderClients } from '../aws/clients.ts';
import { KubeApiError, RESOURCES, collectionPath, objectPath } from '@dynamodb-operator/kube';
import type { KubeObject } from '@dynamodb-operator/kube';
import { TABLE_ENDPOINT_ANNOTATION, endpointKey } from './location.ts';
import {
  ADOPT_ANNOTATION,
  OWNER_TAG,
  OWNER_UID_TAG,
  decideOwnership,
  notOwnedMessage,
  parseOwnerTag,
} from './ownership.ts';
import type { Ownership as OwnershipDecision, OwnerRef } from './ownership.ts';
import { report } from './report.ts';
import { CREATE_INTENT_ANNOTATION, freshTables, ownedTables } from './table-context.ts';
import type { TableDeps, TableRun } from './table-context.ts';

export function ownerOf(d: TableDeps, obj: KubeObject): OwnerRef {
  return {
    kind: d.kind,
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name,
    uid: obj.metadata.uid ?? '',
  };
}

export function tagsRecord(tags: { Key: string; Value: string }[]): Record<string, string> {
  return Object.fromEntries(tags.map((t) => [t.Key, t.Value]));
}

function intentOf(run: TableRun, tableName: string): { tableName: string; requestedAt: string } | undefined {
  const at = run.obj.metadata.annotations?.[CREATE_INTENT_ANNOTATION];
  if (!at) return undefined;
  const [name, time] = at.includes('@') ? (at.split('@', 2) as [string, string]) : [tableName, at];
  return { tableName: name, requestedAt: time };
}

/**
 * Is the object named by another object's ownership tags gone? Looked up by kind/namespace/name and
 * compared by uid (a new object under the same name is not the owner). A shortened owner tag names
 * no object: then the namespace's objects of that kind are searched for the uid.
 */
export async function ownerIsGone(d: TableDeps, o: OwnershipDecision & { kind: 'other-object' }): Promise<boolean> {
  const owner = parseOwnerTag(o.ownerTag);
  // Not our tag format: cannot tell, keep refusing.
  if (!(TABLE_KINDS as readonly string[]).includes(owner.kind) || !owner.namespace) return false;
  const resource = RESOURCES[owner.kind as TableKind];
  try {
    if (owner.name) {
      const obj = await d.kube.get<KubeObject>(objectPath(resource, owner.namespace, owner.name));
      return obj.metadata.uid !== o.ownerUid;
    }
    const list = await d.kube.get<{ items?: KubeObject[] }>(collectionPath(resource, owner.namespace));
    return !(list.items ?? []).some((x) => x.metadata.uid === o.ownerUid);
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) return true;
    // Not allowed to look (RBAC scoped to some namespaces): cannot tell, so keep refusing.
    if (err instanceof KubeApiError && err.status === 403) return false;
    throw err;
  }
}

export type Ownership =
  /** Not ours: the object says so; nothing more to do. */
  | { owned: false }
  /** Ours; `tagsRead` = the table's tags when this reconcile read them (the follow-ups and the observation use them). */
  | { owned: true; tagsRead?: Tag[] };

export async function confirmOwnership(
  run: TableRun,
  model: TableModel,
  c: ProviderClients,
  described: TableDescription,
  ownTags: { Key: string; Value: string }[],
): Promise<Ownership> {
  const { d } = run;
  const uid = run.obj.metadata.uid ?? '';
  const owned = ownedTables(d);
  if (owned.owns(uid, described, c.specKey)) return { owned: true };
  // The table this process has just created: ours by its identity, with the tags it was created with.
  const fresh = freshTables(d);
  const sent = fresh.sentTags(uid, described, c.specKey);
  if (sent) return confirmed(run, c, described, sent);
  const arn = described.TableArn ?? '';
  const adopt = run.obj.metadata.annotations?.[ADOPT_ANNOTATION];
  const tags = await run.listTags(c, arn);
  let ownership = decideOwnership({
    tags,
    uid,
    adoptAnnotation: adopt,
    intent: intentOf(run, model.tableName),
    objectCreatedAt: (run.obj.metadata as { creationTimestamp?: string }).creationTimestamp,
    tableName: model.tableName,
    tableCreatedAt: described.CreationDateTime,
  });
  // Orphaned (its owner object was deleted while, e.g., its provider was broken): adoptable on request.
  const orphaned = ownership.kind === 'other-object' && adopt === 'true' && (await ownerIsGone(d, ownership));
  if (orphaned) ownership = { kind: 'adoptable' };
  if (ownership.kind === 'other-object' || ownership.kind === 'foreign') {
    owned.forget(uid);
    const msg = notOwnedMessage(model.tableName, d.kind, ownership);
    // A status.tableArn naming this table (stale, or forged) must not survive as a claim on it.
    const patch =
      run.status.tableArn === arn ? { tableStatus: undefined, tableArn: undefined } : { tableStatus: undefined };
    await report(run, { kind: 'terminal', reason: 'TableNotOwned', message: msg, patch });
    return { owned: false };
  }
  if (ownership.kind === 'ours' && fresh.isFresh(uid, described)) fresh.sawCreateTagsKept(c.specKey);
  let tagsRead: Tag[] = tags;
  if (ownership.kind === 'adoptable' || ownership.kind === 'ours-untagged') {
    // Another object's marks go first: TagResource overwrites on AWS, but some emulators append.
    const stale = tags.filter((t) => t.Key === OWNER_TAG || t.Key === OWNER_UID_TAG).map((t) => t.Key ?? '');
    if (stale.length > 0) {
      await c.dynamodb.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: [...new Set(stale)] }), {
        abortSignal: d.gate.signal(),
      });
    }
    const kept = tags.filter((t) => t.Key !== OWNER_TAG && t.Key !== OWNER_UID_TAG);
    // What the table carries now, so the follow-ups do not tag the same keys again.
    tagsRead = (await run.ensureTags(c, arn, kept, tagsRecord(ownTags))).now;
    if (ownership.kind === 'adoptable') {
      const how = orphaned ? ' (its owner object no longer exists)' : '';
      d.events.emit(
        run.obj,
        'Normal',
        'Adopted',
        `adopted existing table ${model.tableName}${how}; ownership tags set`,
      );
    }
  }
  return confirmed(run, c, described, tagsRead);
}

/** Remembers the table as the object's own and records where it lives. */
async function confirmed(
  run: TableRun,
  c: ProviderClients,
  described: TableDescription,
  tagsRead: Tag[],
): Promise<Ownership & { owned: true }> {
  ownedTables(run.d).confirm(run.obj.metadata.uid ?? '', described, c.specKey);
  // Where the table lives (the endpoint; the ARN has account and region), for provider moves.
  const endpoint = endpointKey(c.settings.endpoint);
  if (run.obj.metadata.annotations?.[TABLE_ENDPOINT_ANNOTATION] !== endpoint) {
    await run.annotate({ [TABLE_ENDPOINT_ANNOTATION]: endpoint });
  }
  return { owned: true, tagsRead };
}
