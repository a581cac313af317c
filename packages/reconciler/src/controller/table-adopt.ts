// Step 3 for an existing table: is it ours? Known once status.tableArn names it; otherwise its tags
// decide (ownership.ts). A table of another object, or of nobody without the adoption annotation, is
// refused and never touched; an adoptable or our own untagged table gets the ownership tags.
import type { TableDescription, Tag } from '@aws-sdk/client-dynamodb';
import type { TableModel } from '@dynamodb-operator/api';
import type { ProviderClients } from '../aws/clients.ts';
import type { KubeObject } from '../kube/resources.ts';
import { ADOPT_ANNOTATION, decideOwnership, notOwnedMessage } from './ownership.ts';
import type { OwnerRef } from './ownership.ts';
import { CREATE_INTENT_ANNOTATION } from './table-context.ts';
import type { TableDeps, TableRun } from './table-context.ts';
import { conds, k8sNow, nextStatus } from './table-status.ts';

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

export type Ownership =
  /** Not ours: the object says so; nothing more to do. */
  | { owned: false }
  /** Ours; `tagsRead` = the table's tags when they were read (so the follow-ups need not read them again). */
  | { owned: true; tagsRead?: Tag[] };

export async function confirmOwnership(
  run: TableRun,
  model: TableModel,
  c: ProviderClients,
  described: TableDescription,
  ownTags: { Key: string; Value: string }[],
): Promise<Ownership> {
  const { d } = run;
  if (run.status.tableArn === described.TableArn) return { owned: true };
  const gen = run.obj.metadata.generation;
  const owner = ownerOf(d, run.obj);
  const tags = await run.listTags(c, described.TableArn ?? '');
  const ownership = decideOwnership({
    tags,
    uid: owner.uid,
    adoptAnnotation: run.obj.metadata.annotations?.[ADOPT_ANNOTATION],
    intent: intentOf(run, model.tableName),
    tableName: model.tableName,
    tableCreatedAt: described.CreationDateTime,
  });
  if (ownership.kind === 'other-object' || ownership.kind === 'foreign') {
    const msg = notOwnedMessage(model.tableName, d.kind, ownership);
    d.events.emit(run.obj, 'Warning', 'TableNotOwned', msg);
    await run.writeStatus(
      nextStatus(
        run.status,
        { tableStatus: undefined },
        conds(gen, [false, 'TableNotOwned', msg], [false, 'TableNotOwned', msg], [true, 'TableNotOwned', msg]),
        k8sNow(),
      ),
    );
    return { owned: false };
  }
  if (ownership.kind === 'adoptable' || ownership.kind === 'ours-untagged') {
    await run.ensureTags(c, described.TableArn ?? '', tags, tagsRecord(ownTags));
    // What the table carries now, so the follow-ups do not tag the same keys again.
    const now = new Map(tags.map((t) => [t.Key ?? '', t.Value ?? '']));
    for (const t of ownTags) now.set(t.Key, t.Value);
    if (ownership.kind === 'adoptable') {
      d.events.emit(run.obj, 'Normal', 'Adopted', `adopted existing table ${model.tableName} (ownership tags added)`);
    }
    return { owned: true, tagsRead: [...now].map(([Key, Value]) => ({ Key, Value })) };
  }
  return { owned: true, tagsRead: tags };
}
