// The first sync after create or adoption: tags, TTL and PITR, each written only if needed — and read
// first, except what the table this process has just created is known to have (fresh-tables.ts).
import {
  DescribeContinuousBackupsCommand,
  DescribeTimeToLiveCommand,
  UpdateContinuousBackupsCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type {
  ContinuousBackupsDescription,
  TableDescription,
  Tag,
  TimeToLiveDescription,
} from '@aws-sdk/client-dynamodb';
import { renderContinuousBackupsInput, renderTimeToLiveInput } from '@dynamodb-operator/api';
import type { TableModel } from '@dynamodb-operator/api';
import type { ProviderClients } from '../aws/clients.ts';
import type { TableRun } from './table-context.ts';

/** What the first sync knows of TTL and PITR without reading them again (undefined: read them). */
export interface KnownAfterCreate {
  ttl?: TimeToLiveDescription;
  backups?: ContinuousBackupsDescription;
}

/**
 * After CreateTable (or adoption): tags, TTL and PITR, each written only if needed. Each is read first,
 * except TTL and PITR of a table this process has just created (`fresh`): both are off on a new table.
 * Returns the tags the table carries now and, for a fresh table, TTL and PITR as they now are.
 */
export async function applyCreateFollowUps(
  run: TableRun,
  model: TableModel,
  c: ProviderClients,
  described: TableDescription,
  desiredTags: Record<string, string>,
  tagsRead: Tag[] | undefined,
  fresh = false,
): Promise<{ tags: Tag[] } & KnownAfterCreate> {
  const arn = described.TableArn ?? '';
  const have = tagsRead ?? (await run.listTags(c, arn));
  const { added, now: tags } = await run.ensureTags(c, arn, have, desiredTags);
  if (added > 0) run.log.info({ table: model.tableName, added }, 'tags applied');
  const ttl = await followUpTtl(run, model, c, fresh);
  const backups = await followUpPitr(run, model, c, fresh);
  return { tags, ...(ttl ? { ttl } : {}), ...(backups ? { backups } : {}) };
}

const TTL_OFF: TimeToLiveDescription = { TimeToLiveStatus: 'DISABLED' };
const PITR_OFF: ContinuousBackupsDescription = {
  ContinuousBackupsStatus: 'ENABLED',
  PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' },
};

async function followUpTtl(
  run: TableRun,
  model: TableModel,
  c: ProviderClients,
  fresh: boolean,
): Promise<TimeToLiveDescription | undefined> {
  const ttl = renderTimeToLiveInput(model);
  if (!ttl) return fresh ? TTL_OFF : undefined;
  const abortSignal = run.d.gate.signal();
  const cur = fresh
    ? TTL_OFF
    : (await c.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: model.tableName }), { abortSignal }))
        .TimeToLiveDescription;
  const on = cur?.TimeToLiveStatus === 'ENABLED' || cur?.TimeToLiveStatus === 'ENABLING';
  const name = ttl.TimeToLiveSpecification.AttributeName;
  if (on && cur?.AttributeName === name) return fresh ? cur : undefined;
  await c.dynamodb.send(new UpdateTimeToLiveCommand(ttl), { abortSignal: run.d.gate.signal() });
  run.d.events.emit(run.obj, 'Normal', 'TimeToLiveEnabled', `TTL enabled on attribute ${name}`);
  // What DescribeTimeToLive shows while AWS applies it (plan() counts ENABLING as on).
  return fresh ? { TimeToLiveStatus: 'ENABLING', AttributeName: name } : undefined;
}

async function followUpPitr(
  run: TableRun,
  model: TableModel,
  c: ProviderClients,
  fresh: boolean,
): Promise<ContinuousBackupsDescription | undefined> {
  if (!model.pointInTimeRecovery.enabled) return fresh ? PITR_OFF : undefined;
  if (!fresh) {
    const cur = await c.dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: model.tableName }), {
      abortSignal: run.d.gate.signal(),
    });
    const st = cur.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus;
    if (st === 'ENABLED') return undefined;
  }
  const out = await c.dynamodb.send(new UpdateContinuousBackupsCommand(renderContinuousBackupsInput(model)), {
    abortSignal: run.d.gate.signal(),
  });
  run.d.events.emit(run.obj, 'Normal', 'PointInTimeRecoveryEnabled', 'point-in-time recovery enabled');
  // AWS answers with the new state; without it (an emulator), the sync reads it.
  return fresh ? out.ContinuousBackupsDescription : undefined;
}
