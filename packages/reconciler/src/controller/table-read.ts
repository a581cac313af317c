// Step 2: read the table. Normally DescribeTable; on a steady-state resync the read rotation's one
// read (update/rotation.ts), which may be instead of DescribeTable — only for a table this process
// confirmed as the object's own (owned-tables.ts).
import type { TableDescription } from '@aws-sdk/client-dynamodb';
import type { TableModel } from '@dynamodb-operator/api';
import type { ProviderClients } from '../aws/clients.ts';
import { ownedTables } from './table-context.ts';
import type { TableRun } from './table-context.ts';
import { statusInSync } from './table-status.ts';

export type TableReading =
  /** The steady-state read found nothing to do: the reconcile is over. */
  | { kind: 'inSync' }
  /** DescribeTable says there is no such table. */
  | { kind: 'missing' }
  /** The table as DescribeTable shows it; `reads` tells the converger what else to read. */
  | { kind: 'described'; described: TableDescription; reads: 'all' | 'describe' };

export async function readTable(
  run: TableRun,
  model: TableModel,
  c: ProviderClients,
  desiredTags: Record<string, string>,
): Promise<TableReading> {
  const { d } = run;
  let reads: 'all' | 'describe' = 'all';
  // The steady read trusts that the table is ours: only when this process confirmed it from AWS (the
  // status says so too, but a user may write the status subresource).
  const ownArn = ownedTables(d).arnOf(run.obj.metadata.uid ?? '', c.specKey);
  if (
    d.steadyRead &&
    ownArn &&
    ownArn === run.status.tableArn &&
    statusInSync(run.status, run.obj.metadata.generation)
  ) {
    const pre = await d.steadyRead({
      model,
      object: run.obj,
      tableArn: ownArn,
      dynamodb: c.dynamodb,
      signal: () => d.gate.signal(),
      desiredTags,
      log: run.log,
    });
    if (pre === 'inSync') return { kind: 'inSync' };
    reads = pre;
  }
  const described = await run.describe(c, model.tableName);
  return described ? { kind: 'described', described, reads } : { kind: 'missing' };
}
