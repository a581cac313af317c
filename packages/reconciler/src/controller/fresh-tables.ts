// Tables this process has just created with CreateTable, by object uid, until their first sync. A table
// AWS has just created has TTL and point-in-time recovery off (CreateTable cannot set either), so
// that sync need not read them (DescribeTimeToLive, DescribeContinuousBackups): two of the
// calls of a plain create. Matched by the table's identity (ARN, TableId, creation time) from
// CreateTable's answer: a table deleted and created again by someone else in between is read as usual.
// In memory only: after a restart the first sync reads everything.
import type { TableDescription } from '@aws-sdk/client-dynamodb';
import { setNewest } from '../bounded-map.ts';
import { tableIdentity } from './owned-tables.ts';

type Identified = Pick<TableDescription, 'TableArn' | 'TableId' | 'CreationDateTime'>;

export class FreshTables {
  private readonly byUid = new Map<string, string>();
  private readonly max: number;

  constructor(max = 10_000) {
    this.max = max;
  }

  /** CreateTable answered with this description. Without an ARN and a creation time, nothing is kept. */
  created(uid: string, d: Identified): void {
    // AWS always answers with a TableId too; moto does not, and its creation time to the millisecond
    // tells tables of one name apart as well.
    if (!uid || !d.TableArn || !d.CreationDateTime) return;
    setNewest(this.byUid, uid, tableIdentity(d), this.max);
  }

  /** Whether this described table is the one this process created for the object; forgets it either way. */
  take(uid: string, d: Identified): boolean {
    const identity = this.byUid.get(uid);
    this.byUid.delete(uid);
    return identity !== undefined && identity === tableIdentity(d);
  }

  forget(uid: string): void {
    this.byUid.delete(uid);
  }

  get size(): number {
    return this.byUid.size;
  }
}
