// Step 4b and 5: an existing, owned table — wait while it is not ACTIVE, otherwise one converger step
// (update/) — then the status: observed fields, Ready/Synced/Terminal, the Ready Event.
import type { TableDescription, Tag } from '@aws-sdk/client-dynamodb';
import type { TableModel } from '@dynamodb-operator/api';
import type { ProviderClients } from '../aws/clients.ts';
import { report } from './report.ts';
import { syncAccessInsights } from './table-access-insights.ts';
import { syncAutoScaling } from './table-autoscaling.ts';
import { replicaSettingsUnread, syncReplicaSettings, withReplicaSettings } from './table-replica-settings.ts';
import { applyCreateFollowUps } from './table-follow-ups.ts';
import type { KnownAfterCreate } from './table-follow-ups.ts';
import { freshTables } from './table-context.ts';
import type { ReconcileResult, TableRun } from './table-context.ts';
import { allActive, observedFields } from './table-status.ts';

export async function observeOwned(
  run: TableRun,
  model: TableModel,
  c: ProviderClients,
  described: TableDescription,
  desiredTags: Record<string, string>,
  tagsRead: Tag[] | undefined,
  reads: 'all' | 'describe',
): Promise<ReconcileResult> {
  const { d } = run;
  const observed = observedFields(described);
  const status = described.TableStatus ?? 'UNKNOWN';
  if (status !== 'ACTIVE') {
    const msg = `table ${model.tableName} is ${status}`;
    await report(run, {
      kind: 'progressing',
      reason: status === 'CREATING' ? 'Creating' : 'TableNotActive',
      message: msg,
      syncedReason: 'InProgress',
      patch: observed,
    });
    return { requeueAfterMs: run.poll('not-active') };
  }

  // syncedGeneration, not observedGeneration: the latter is written from the first status on (kstatus).
  const firstSync = run.status.syncedGeneration === undefined;
  // A table this process has just created needs no TTL and PITR reads on its first sync (fresh-tables.ts).
  // Taken at the first ACTIVE look either way (a re-created table has synced before), so none is left.
  const fresh = freshTables(d).take(run.obj.metadata.uid ?? '', described) && firstSync;
  const known: { tags: Tag[] | undefined } & KnownAfterCreate = firstSync
    ? await applyCreateFollowUps(run, model, c, described, desiredTags, tagsRead, fresh)
    : { tags: tagsRead };

  const result = await d.converge({
    model,
    object: run.obj,
    described,
    dynamodb: c.dynamodb,
    signal: () => d.gate.signal(),
    desiredTags,
    firstSync,
    knownTags: known.tags,
    knownTtl: known.ttl,
    knownBackups: known.backups,
    events: d.events,
    log: run.log,
    reads,
  });
  const active = allActive(described);
  // Auto scaling once the table and every index match the spec: a target needs its index to exist.
  const scaling = active && result.synced ? await syncAutoScaling(run, model, c) : undefined;
  const access =
    active && result.synced
      ? await syncAccessInsights(run, model, c, described.TableArn ?? '', reads === 'all')
      : undefined;
  // Replica deletion protection and PITR live in each replica's region: read on full observations, or
  // when status does not show the spec's values yet.
  const replicaSettings =
    active &&
    result.synced &&
    (reads === 'all' || replicaSettingsUnread(model.replicas, described.Replicas, run.status.replicas))
      ? await syncReplicaSettings(run, model, c, described.Replicas)
      : new Map();
  const ready = active && result.synced;
  const readyMsg = ready
    ? `table ${model.tableName} is ACTIVE and matches the spec`
    : !active
      ? `table ${model.tableName}: an index is not ACTIVE yet`
      : result.message;
  await report(run, {
    kind: 'converged',
    ready: { ok: ready, reason: ready ? 'Available' : active ? result.reason : 'IndexesNotActive', message: readyMsg },
    synced: { ok: result.synced, reason: result.reason, message: result.message },
    patch: {
      ...observed,
      replicas: withReplicaSettings(observed.replicas, replicaSettings, run.status.replicas, model.replicas),
      syncedGeneration: run.obj.metadata.generation,
      ...(scaling ? { autoScaling: scaling.autoScaling } : {}),
      ...(access?.patch ?? {}),
    },
  });
  if (result.requeueAfterMs !== undefined) return { requeueAfterMs: result.requeueAfterMs };
  if (access?.again) return { requeueAfterMs: run.poll('converging') };
  return ready ? {} : { requeueAfterMs: run.poll('converging') };
}
