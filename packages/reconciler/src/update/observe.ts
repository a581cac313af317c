// observeTable: the four reads that make an ObservedTable (DescribeTable, DescribeTimeToLive,
// DescribeContinuousBackups, ListTagsOfResource). Thin I/O; the shaping is api's observedFromAws.
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ListTagsOfResourceCommand,
} from '@aws-sdk/client-dynamodb';
import type {
  ContinuousBackupsDescription,
  DynamoDBClient,
  TableDescription,
  Tag,
  TimeToLiveDescription,
} from '@aws-sdk/client-dynamodb';
import { observedFromAws } from '@dynamodb-operator/api';
import type { ObservedTable } from '@dynamodb-operator/api';

export interface ObserveOptions {
  /** Read TTL (DescribeTimeToLive). Default true. */
  ttl?: boolean;
  /** Read PITR (DescribeContinuousBackups). Default true. */
  backups?: boolean;
  /** Read tags (ListTagsOfResource, paginated). Default true. */
  tags?: boolean;
  /** Tags already read in this reconcile: used instead of listing them again. */
  knownTags?: Tag[] | undefined;
  /** TTL and PITR as already known (a table this process has just created): not read again. */
  knownTtl?: TimeToLiveDescription | undefined;
  knownBackups?: ContinuousBackupsDescription | undefined;
  /** Aborts the reads (e.g. when leadership is lost). */
  signal?: AbortSignal;
}

const isNotFound = (err: unknown): boolean =>
  (err as { name?: string } | undefined)?.name === 'ResourceNotFoundException';

/**
 * The observed table, or undefined when DescribeTable says ResourceNotFoundException (only that
 * error means "no such table"; every other error is thrown for the caller to classify). Aspects not
 * read are left undefined in the result, and plan() leaves them alone.
 */
export async function observeTable(
  client: DynamoDBClient,
  tableName: string,
  opts: ObserveOptions = {},
): Promise<ObservedTable | undefined> {
  let table: TableDescription | undefined;
  try {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }), { abortSignal: opts.signal });
    table = out.Table;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  if (!table) return undefined;
  return observeWith(client, table, opts);
}

/** The rest of the observation for a table already described (up to three more reads, in parallel). */
export async function observeWith(
  client: DynamoDBClient,
  table: TableDescription,
  opts: ObserveOptions = {},
): Promise<ObservedTable> {
  const TableName = table.TableName ?? '';
  const abortSignal = opts.signal;
  const arn = table.TableArn;
  const [ttl, backups, tags] = await Promise.all([
    opts.ttl === false
      ? undefined
      : (opts.knownTtl ??
        client
          .send(new DescribeTimeToLiveCommand({ TableName }), { abortSignal })
          .then((r) => r.TimeToLiveDescription ?? {})),
    opts.backups === false
      ? undefined
      : (opts.knownBackups ??
        client
          .send(new DescribeContinuousBackupsCommand({ TableName }), { abortSignal })
          .then((r) => r.ContinuousBackupsDescription ?? {})),
    opts.tags === false || !arn ? undefined : (opts.knownTags ?? listTags(client, arn, abortSignal)),
  ]);
  return observedFromAws(table, ttl, backups, tags);
}

/** Every tag of a resource, across ListTagsOfResource pages. */
export async function listTags(client: DynamoDBClient, arn: string, abortSignal?: AbortSignal): Promise<Tag[]> {
  const out: Tag[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListTagsOfResourceCommand({ ResourceArn: arn, NextToken }), { abortSignal });
    out.push(...(page.Tags ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}
