// reconcile(key) for DynamoDBTable and DynamoDB. Level-triggered: it re-reads the object (cache) and
// the table (DescribeTable, always first — never a second CreateTable for the same object, even after
// a crash between the call and the status write) and moves one step towards the spec.
import {
  CreateTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTimeToLiveCommand,
  UpdateContinuousBackupsCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { TableDescription, Tag } from '@aws-sdk/client-dynamodb';
import { renderContinuousBackupsInput, renderCreateTableInput, renderTimeToLiveInput } from '@dynamodb-operator/api';
import type { TableModel } from '@dynamodb-operator/api';
import type { ProviderClients } from '../aws/clients.ts';
import { awsErrorName, classifyAwsError, isCredentialError } from '../aws/errors.ts';
import { ProviderError, readProviderSpec } from '../aws/provider-settings.ts';
import { KubeApiError } from '../kube/http.ts';
import { keyOf } from '../kube/resources.ts';
import type { KubeObject } from '../kube/resources.ts';
import { NotLeaderError } from '../leader/gate.ts';
import type { Logger } from '../observability/log.ts';
import { getCondition } from './conditions.ts';
import { RetryableError, TerminalError } from './errors.ts';
import { ADOPT_ANNOTATION, RECREATE_ANNOTATION, decideOwnership, notOwnedMessage, ownershipTags } from './ownership.ts';
import type { OwnerRef } from './ownership.ts';
import { prepareTable } from './prepare.ts';
import { handleTableDeletion } from './table-delete.ts';
import { CREATE_INTENT_ANNOTATION, TableRun, hasFinalizer } from './table-context.ts';
import type { ReconcileResult, TableDeps } from './table-context.ts';
import { TerminalMemo } from './terminal-memo.ts';
import { allActive, cond, k8sNow, nextStatus, observedFields, statusInSync } from './table-status.ts';
import type { ConditionSet, TableStatus } from './table-status.ts';

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

function providerOf(run: TableRun): KubeObject | undefined {
  return run.d.providers.get(`${run.ns}/${providerNameOf(run.obj) ?? ''}`);
}

/** Reads spec.providerRef.name without trusting the spec's shape. */
export function providerNameOf(obj: KubeObject): string | undefined {
  const ref = (obj.spec ?? {}).providerRef as { name?: unknown } | undefined;
  return typeof ref?.name === 'string' ? ref.name : undefined;
}

function conds(
  gen: number | undefined,
  ready: [boolean, string, string],
  synced: [boolean | 'Unknown', string, string],
  terminal: [boolean, string, string] = [false, 'None', 'no problem that needs a human'],
): ConditionSet {
  return {
    ready: cond('Ready', ...ready, gen),
    synced: cond('Synced', ...synced, gen),
    terminal: cond('Terminal', ...terminal, gen),
  };
}

export async function reconcileTable(d: TableDeps, key: string, log: Logger): Promise<ReconcileResult> {
  const obj = d.tables.get(key);
  if (!obj) return {};
  if (obj.metadata.deletionTimestamp && !hasFinalizer(obj)) return {};
  const run = new TableRun(d, obj, log);
  try {
    return await reconcileBody(run);
  } catch (err) {
    await reportError(run, err);
    throw err;
  }
}

/** Put the failure on the object (conditions + Event) before the runner retries or gives up. */
async function reportError(run: TableRun, err: unknown): Promise<void> {
  if (err instanceof NotLeaderError) return;
  const gen = run.obj.metadata.generation;
  const prev = run.status;
  let set: ConditionSet | undefined;
  if (err instanceof TerminalError) {
    run.d.terminalMemo.remember(keyOf(run.obj), TerminalMemo.fingerprint(run.obj, providerOf(run)));
    set = conds(
      gen,
      [false, err.reason, err.message],
      [false, err.reason, err.message],
      [true, err.reason, err.message],
    );
    run.d.events.emit(run.obj, 'Warning', err.reason, err.message);
  } else if (err instanceof RetryableError) {
    const wasReady = getCondition(prev.conditions, 'Ready');
    set = conds(
      gen,
      wasReady?.status === 'True' ? [true, wasReady.reason, wasReady.message] : [false, err.reason, err.message],
      [false, err.reason, err.message],
    );
    run.d.events.emit(run.obj, 'Warning', err.reason, err.message);
  }
  if (!set) return;
  try {
    await run.writeStatus(nextStatus(prev, {}, set, k8sNow()));
  } catch (writeErr) {
    run.log.warn({ err: String(writeErr) }, 'writing the error condition failed');
  }
}

/** AWS failures → typed errors; credential failures also drop the cached client. */
function wrapAws(run: TableRun, providerKey: string, op: string, err: unknown): Error {
  if (err instanceof NotLeaderError || err instanceof TerminalError || err instanceof RetryableError) return err;
  // Kubernetes API errors (e.g. 409 on a stale resourceVersion) are retried as they are.
  if (err instanceof KubeApiError) return err;
  const name = awsErrorName(err);
  const msg = `${op} failed: ${name}: ${(err as Error)?.message ?? String(err)}`;
  if (isCredentialError(err)) run.d.clients.invalidate(providerKey);
  if (classifyAwsError(err) === 'terminal') {
    return new TerminalError(name, `${msg} — fix the spec or the AWSProvider's credentials/permissions`);
  }
  return new RetryableError(name, msg);
}

async function reconcileBody(run: TableRun): Promise<ReconcileResult> {
  const { d } = run;
  const gen = run.obj.metadata.generation;
  const deleting = Boolean(run.obj.metadata.deletionTimestamp);
  const providerName = providerNameOf(run.obj);
  const providerKey = `${run.ns}/${providerName ?? ''}`;
  const provider = providerName ? d.providers.get(providerKey) : undefined;
  let providerTags: Record<string, string> = {};
  if (provider) {
    try {
      providerTags = readProviderSpec(provider).defaultTags;
    } catch {
      // an invalid provider is reported below, when its clients are built
    }
  }

  const prepared = prepareTable(run.obj, { operatorTags: d.operatorTags, providerTags });
  if (!prepared.ok) {
    if (deleting && !run.status.tableArn) {
      // Never created anything: nothing to clean up.
      await run.removeFinalizer();
      return {};
    }
    throw new TerminalError('InvalidSpec', `the spec is invalid, no AWS call was made: ${prepared.message}`);
  }
  const model = prepared.model;

  if (!provider) {
    const msg =
      `AWSProvider "${providerName}" not found in namespace ${run.ns}` +
      ' (spec.providerRef.name; providers are looked up in the object’s own namespace)';
    if (deleting) return handleTableDeletion(run, model, undefined, msg);
    await run.writeStatus(
      nextStatus(
        run.status,
        {},
        conds(
          gen,
          [false, 'ProviderNotFound', `${msg}; create it or fix spec.providerRef.name`],
          [false, 'ProviderNotFound', msg],
        ),
        k8sNow(),
      ),
    );
    d.events.emit(run.obj, 'Warning', 'ProviderNotFound', msg);
    return {};
  }

  // A provider known to be unusable (checked by the provider controller): no AWS call, say why.
  const pst = (provider.status ?? {}) as { ready?: boolean; observedGeneration?: number };
  if (pst.ready === false && pst.observedGeneration === provider.metadata.generation) {
    const pc = getCondition(provider.status?.conditions, 'Ready');
    const msg = `AWSProvider "${providerName}" is not ready: ${pc?.reason ?? 'NotReady'}: ${pc?.message ?? ''}`;
    if (deleting) return handleTableDeletion(run, model, undefined, msg);
    await run.writeStatus(
      nextStatus(
        run.status,
        {},
        conds(gen, [false, 'ProviderNotReady', msg], [false, 'ProviderNotReady', msg]),
        k8sNow(),
      ),
    );
    d.events.emit(run.obj, 'Warning', 'ProviderNotReady', msg);
    return {};
  }

  if (!deleting && d.terminalMemo.blocks(keyOf(run.obj), TerminalMemo.fingerprint(run.obj, provider))) {
    // the Terminal condition already says why; nothing changed that could change AWS's answer
    return {};
  }

  let clients: ProviderClients;
  try {
    clients = await d.clients.get(providerKey, provider, (name) => d.getSecret(run.ns, name));
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    const msg = `AWSProvider "${providerName}" is not usable: ${err.message}`;
    if (deleting) return handleTableDeletion(run, model, undefined, msg);
    await run.writeStatus(
      nextStatus(run.status, {}, conds(gen, [false, 'ProviderNotReady', msg], [false, err.reason, msg]), k8sNow()),
    );
    d.events.emit(run.obj, 'Warning', 'ProviderNotReady', msg);
    return { requeueAfterMs: 30_000 };
  }

  try {
    if (deleting) return await handleTableDeletion(run, model, clients, undefined);
    await run.addFinalizer();
    return await createOrObserve(run, model, clients);
  } catch (err) {
    throw wrapAws(run, providerKey, 'AWS call', err);
  }
}

async function createOrObserve(run: TableRun, model: TableModel, c: ProviderClients): Promise<ReconcileResult> {
  const { d } = run;
  const gen = run.obj.metadata.generation;
  const owner = ownerOf(d, run.obj);
  const ownTags = ownershipTags(owner);
  const desiredTags = { ...tagsRecord(ownTags), ...model.tags, ...tagsRecord(ownTags) };

  // Steady state: the read rotation's one read of this resync, which may replace DescribeTable.
  let reads: 'all' | 'describe' = 'all';
  if (d.steadyRead && statusInSync(run.status, gen)) {
    const pre = await d.steadyRead({
      model,
      object: run.obj,
      tableArn: run.status.tableArn ?? '',
      dynamodb: c.dynamodb,
      signal: () => d.gate.signal(),
      desiredTags,
      log: run.log,
    });
    if (pre === 'inSync') return {};
    reads = pre;
  }

  const described = await run.describe(c, model.tableName);
  if (!described) return createTable(run, model, c, ownTags);

  // Ownership: known once status.tableArn names this table; otherwise read the tags.
  let tagsRead: Tag[] | undefined;
  if (run.status.tableArn !== described.TableArn) {
    const tags = await run.listTags(c, described.TableArn ?? '');
    tagsRead = tags;
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
      return {};
    }
    if (ownership.kind === 'adoptable' || ownership.kind === 'ours-untagged') {
      await run.ensureTags(c, described.TableArn ?? '', tags, tagsRecord(ownTags));
      // What the table carries now, so the follow-ups do not tag the same keys again.
      const now = new Map(tags.map((t) => [t.Key ?? '', t.Value ?? '']));
      for (const t of ownTags) now.set(t.Key, t.Value);
      tagsRead = [...now].map(([Key, Value]) => ({ Key, Value }));
      if (ownership.kind === 'adoptable') {
        d.events.emit(run.obj, 'Normal', 'Adopted', `adopted existing table ${model.tableName} (ownership tags added)`);
      }
    }
  }
  return observeOwned(run, model, c, described, desiredTags, tagsRead, reads);
}

function intentOf(run: TableRun, tableName: string): { tableName: string; requestedAt: string } | undefined {
  const at = run.obj.metadata.annotations?.[CREATE_INTENT_ANNOTATION];
  if (!at) return undefined;
  const [name, time] = at.includes('@') ? (at.split('@', 2) as [string, string]) : [tableName, at];
  return { tableName: name, requestedAt: time };
}

async function createTable(
  run: TableRun,
  model: TableModel,
  c: ProviderClients,
  ownTags: { Key: string; Value: string }[],
): Promise<ReconcileResult> {
  const { d } = run;
  const gen = run.obj.metadata.generation;
  if (run.status.tableArn) {
    // Deleted outside Kubernetes. Re-creating it silently could hide a deliberate deletion (or a restore
    // under way), and the data is gone either way: a human decides.
    if (run.obj.metadata.annotations?.[RECREATE_ANNOTATION] !== 'true') {
      const msg =
        `table ${model.tableName} no longer exists in AWS (deleted outside Kubernetes); to create it again, ` +
        `annotate the object ${RECREATE_ANNOTATION}=true (or delete the object)`;
      await run.writeStatus(
        nextStatus(
          run.status,
          { tableStatus: 'NOT_FOUND' },
          conds(gen, [false, 'TableMissing', msg], [false, 'TableMissing', msg]),
          k8sNow(),
        ),
      );
      d.events.emit(run.obj, 'Warning', 'TableMissing', msg);
      return {};
    }
    d.events.emit(
      run.obj,
      'Normal',
      'Recreating',
      `table ${model.tableName} is created again (${RECREATE_ANNOTATION})`,
    );
  }
  const input = renderCreateTableInput(model, ownTags);
  // Write-ahead intent (see ownership.ts): lets us recognise our own table even if an emulator drops
  // the Tags parameter and we crash before tagging it.
  await run.annotate(CREATE_INTENT_ANNOTATION, `${model.tableName}@${new Date().toISOString()}`);
  let created: TableDescription | undefined;
  try {
    const out = await c.dynamodb.send(new CreateTableCommand(input), { abortSignal: d.gate.signal() });
    created = out.TableDescription;
  } catch (err) {
    // Someone (or our own earlier, unanswered call) is creating it: observe again shortly.
    if (awsErrorName(err) === 'ResourceInUseException') return { requeueAfterMs: d.pollMs };
    throw err;
  }
  d.events.emit(run.obj, 'Normal', 'Creating', `CreateTable sent for ${model.tableName}`);
  run.log.info({ table: model.tableName }, 'CreateTable sent');
  // tableArn is written only once ownership is confirmed by the next DescribeTable + tags check.
  await run.writeStatus(
    nextStatus(
      run.status,
      { tableStatus: created?.TableStatus ?? 'CREATING' },
      conds(
        gen,
        [false, 'Creating', `table ${model.tableName} is being created`],
        [false, 'Creating', 'CreateTable sent'],
      ),
      k8sNow(),
    ),
  );
  return { requeueAfterMs: d.pollMs };
}

async function observeOwned(
  run: TableRun,
  model: TableModel,
  c: ProviderClients,
  described: TableDescription,
  desiredTags: Record<string, string>,
  tagsRead: Tag[] | undefined,
  reads: 'all' | 'describe',
): Promise<ReconcileResult> {
  const { d } = run;
  const gen = run.obj.metadata.generation;
  const observed = observedFields(described);
  const status = described.TableStatus ?? 'UNKNOWN';
  if (status !== 'ACTIVE') {
    const msg = `table ${model.tableName} is ${status}`;
    await run.writeStatus(
      nextStatus(
        run.status,
        observed,
        conds(gen, [false, status === 'CREATING' ? 'Creating' : 'TableNotActive', msg], [false, 'InProgress', msg]),
        k8sNow(),
      ),
    );
    return { requeueAfterMs: d.pollMs };
  }

  const firstSync = run.status.observedGeneration === undefined;
  if (firstSync) await applyCreateFollowUps(run, model, c, described, desiredTags, tagsRead);

  const result = await d.converge({
    model,
    object: run.obj,
    described,
    dynamodb: c.dynamodb,
    signal: () => d.gate.signal(),
    desiredTags,
    firstSync,
    events: d.events,
    log: run.log,
    reads,
  });
  const active = allActive(described);
  const ready = active && result.synced;
  const readyMsg = ready
    ? `table ${model.tableName} is ACTIVE and matches the spec`
    : !active
      ? `table ${model.tableName}: an index is not ACTIVE yet`
      : result.message;
  const wasReady = run.status.ready === true;
  const wrote = await run.writeStatus(
    nextStatus(
      run.status,
      { ...observed, observedGeneration: gen },
      conds(
        gen,
        [ready, ready ? 'Available' : active ? result.reason : 'IndexesNotActive', readyMsg],
        [result.synced, result.reason, result.message],
      ),
      k8sNow(),
    ),
  );
  if (wrote && ready && !wasReady) d.events.emit(run.obj, 'Normal', 'Ready', readyMsg);
  if (result.requeueAfterMs !== undefined) return { requeueAfterMs: result.requeueAfterMs };
  return ready ? {} : { requeueAfterMs: d.pollMs };
}

/** After CreateTable (or adoption): tags, TTL and PITR — each read first, written only if needed. */
async function applyCreateFollowUps(
  run: TableRun,
  model: TableModel,
  c: ProviderClients,
  described: TableDescription,
  desiredTags: Record<string, string>,
  tagsRead: Tag[] | undefined,
): Promise<void> {
  const arn = described.TableArn ?? '';
  const signal = () => run.d.gate.signal();
  const have = tagsRead ?? (await run.listTags(c, arn));
  const added = await run.ensureTags(c, arn, have, desiredTags);
  if (added > 0) run.log.info({ table: model.tableName, added }, 'tags applied');

  const ttl = renderTimeToLiveInput(model);
  if (ttl) {
    const cur = await c.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: model.tableName }), {
      abortSignal: signal(),
    });
    const d = cur.TimeToLiveDescription;
    const on = d?.TimeToLiveStatus === 'ENABLED' || d?.TimeToLiveStatus === 'ENABLING';
    if (
      ttl.TimeToLiveSpecification.Enabled &&
      !(on && d?.AttributeName === ttl.TimeToLiveSpecification.AttributeName)
    ) {
      await c.dynamodb.send(new UpdateTimeToLiveCommand(ttl), { abortSignal: signal() });
      run.d.events.emit(
        run.obj,
        'Normal',
        'TimeToLiveEnabled',
        `TTL enabled on attribute ${ttl.TimeToLiveSpecification.AttributeName}`,
      );
    }
  }
  if (model.pointInTimeRecovery.enabled) {
    const cur = await c.dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: model.tableName }), {
      abortSignal: signal(),
    });
    const st = cur.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus;
    if (st !== 'ENABLED') {
      await c.dynamodb.send(new UpdateContinuousBackupsCommand(renderContinuousBackupsInput(model)), {
        abortSignal: signal(),
      });
      run.d.events.emit(run.obj, 'Normal', 'PointInTimeRecoveryEnabled', 'point-in-time recovery enabled');
    }
  }
}

export { keyOf };
export type { TableStatus };
