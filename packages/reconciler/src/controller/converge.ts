// The seam between the table reconciler and the update executor (packages/reconciler/src/update/):
// for an existing, owned, ACTIVE table the reconciler calls TableDeps.converge once per reconcile; the
// executor reads what it needs, executes ONE safe step, and says whether the table is in sync.
import type {
  ContinuousBackupsDescription,
  DynamoDBClient,
  TableDescription,
  Tag,
  TimeToLiveDescription,
} from '@aws-sdk/client-dynamodb';
import type { TableModel } from '@dynamodb-operator/api';
import type { KubeObject } from '@dynamodb-operator/kube';
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
  /** true on the first sync after create/adoption (status.syncedGeneration unset). */
  firstSync: boolean;
  /** The table's tags as read (and tagged) earlier in this reconcile: the observation does not list them again. */
  knownTags?: Tag[] | undefined;
  /** TTL and PITR as known without reading them (a table this process has just created). */
  knownTtl?: TimeToLiveDescription | undefined;
  knownBackups?: ContinuousBackupsDescription | undefined;
  events: EventSink;
  log: Logger;
  /**
   * What this reconcile reads: 'describe' = only the DescribeTable above (a steady-state turn of the
   * read rotation, see steadyRead); 'all' (default) = TTL, PITR and tags too.
   */
  reads?: 'all' | 'describe';
}

/** Input of the steady-state read, made INSTEAD of DescribeTable (see update/rotation.ts). */
export interface SteadyReadContext {
  model: TableModel;
  object: KubeObject;
  /** status.tableArn: the table is known to be ours. */
  tableArn: string;
  dynamodb: DynamoDBClient;
  signal: () => AbortSignal;
  desiredTags: Record<string, string>;
  log: Logger;
}

/**
 * 'inSync': this resync's one read (TTL, PITR or tags) matches the spec, nothing more to do;
 * 'describe': go on with DescribeTable alone, then converge with reads 'describe';
 * 'all': not steady (or drift found): DescribeTable, then converge with reads 'all'.
 */
export type SteadyReadResult = 'inSync' | 'describe' | 'all';

export interface ConvergeResult {
  /** The table matches the spec (as far as this function checked). */
  synced: boolean;
  /** Condition reason for Synced (CamelCase) and a human message. */
  reason: string;
  message: string;
  /** Poll again soon (an update is in progress). */
  requeueAfterMs?: number;
}
