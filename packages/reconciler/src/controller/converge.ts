// THE SEAM FOR ISSUE 7. For an existing, owned, ACTIVE table the table reconciler calls
// convergeExistingTable once per reconcile. For now it only observes and reports Synced; the update
// executor (packages/reconciler/src/update/, plan(desired, observed) from the api package) replaces
// the body: read what it needs, execute ONE safe step, and say whether the table is in sync.
import type { DynamoDBClient, TableDescription } from '@aws-sdk/client-dynamodb';
import type { TableModel } from '@dynamodb-operator/api';
import type { KubeObject } from '../kube/resources.ts';
import type { Logger } from '../observability/log.ts';
import type { EventSink } from './events.ts';

export interface ConvergeContext {
  /** Desired state (validated, defaulted in memory). */
  model: TableModel;
  /** The object as read from the cache. */
  object: KubeObject;
  /** The DescribeTable result of this reconcile (read once, before this call). */
  described: TableDescription;
  dynamodb: DynamoDBClient;
  /** Pass to every `send` as `{ abortSignal: signal() }`: it throws when leadership is lost. */
  signal: () => AbortSignal;
  /** Desired tags including the ownership tags. */
  desiredTags: Record<string, string>;
  /** true on the first sync after create/adoption (status.observedGeneration unset). */
  firstSync: boolean;
  events: EventSink;
  log: Logger;
}

export interface ConvergeResult {
  /** The table matches the spec (as far as this function checked). */
  synced: boolean;
  /** Condition reason for Synced (CamelCase) and a human message. */
  reason: string;
  message: string;
  /** Poll again soon (an update is in progress). */
  requeueAfterMs?: number;
}

export async function convergeExistingTable(ctx: ConvergeContext): Promise<ConvergeResult> {
  return {
    synced: true,
    reason: 'Observed',
    message: `table ${ctx.model.tableName} exists and is owned by this object (updates of existing tables come with the update executor)`,
  };
}
