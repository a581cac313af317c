// Tables this process has just created with CreateTable, by object uid, until their first sync. A table
// AWS has just created has TTL and point-in-time recovery off (CreateTable cannot set either), so
// that sync need not read them (DescribeTimeToLive, DescribeContinuousBackups): two of the
// calls of a plain create. Matched by the table's identity (ARN, TableId, creation time) from
// CreateTable's answer: a table deleted and created again by someone else in between is read as usual.
//
// Its tags need no ListTagsOfResource either: the table is ours by that identity, and it carries the
// tags CreateTable sent — on AWS, which stores them with the table, but not on every emulator
// (dynalite drops them). So the tags are trusted only for a provider configuration whose listings
// have shown them once (`keepsCreateTags`); until then every fresh table's tags are listed, as
// before. On AWS that listing is eventually consistent and may come back empty right after the
// create, which then cost a TagResource (at most five per second per account) for tags the table has.
// In memory only: after a restart the first sync reads everything.
import type { TableDescription, Tag } from '@aws-sdk/client-dynamodb';
import { setNewest } from '../bounded-map.ts';
import { tableIdentity } from './owned-tables.ts';

type Identified = Pick<TableDescription, 'TableArn' | 'TableId' | 'CreationDateTime'>;

interface Created {
  identity: string;
  /** The Tags parameter of the CreateTable call. */
  tags: Tag[];
  /** The provider configuration (the clients' spec key) the call went through. */
  via: string;
}

export class FreshTables {
  private readonly byUid = new Map<string, Created>();
  private readonly tagKeeping = new Map<string, true>();
  private readonly max: number;

  constructor(max = 10_000) {
    this.max = max;
  }

  /** CreateTable answered with this description. Without an ARN and a creation time, nothing is kept. */
  created(uid: string, d: Identified, tags: Tag[] = [], via = ''): void {
    // AWS always answers with a TableId too; moto does not, and its creation time to the millisecond
    // tells tables of one name apart as well.
    if (!uid || !d.TableArn || !d.CreationDateTime) return;
    setNewest(this.byUid, uid, { identity: tableIdentity(d), tags, via }, this.max);
  }

  /** Whether this process has created a table for the object that has not had its first sync yet. */
  has(uid: string): boolean {
    return this.byUid.has(uid);
  }

  /** Whether this described table is the one this process created for the object (it stays known). */
  isFresh(uid: string, d: Identified): boolean {
    return this.byUid.get(uid)?.identity === tableIdentity(d);
  }

  /**
   * The tags this table carries without listing them: what CreateTable sent, for the table this process
   * created for the object, through a provider configuration known to keep them. Undefined: list them.
   */
  sentTags(uid: string, d: Identified, via: string): Tag[] | undefined {
    const e = this.byUid.get(uid);
    if (!e || e.via !== via || !this.keepsCreateTags(via) || e.identity !== tableIdentity(d)) return undefined;
    return e.tags;
  }

  /** A fresh table's listing showed the tags CreateTable sent: this configuration keeps them. */
  sawCreateTagsKept(via: string): void {
    setNewest(this.tagKeeping, via, true, this.max);
  }

  /** Whether a listing through this configuration has shown CreateTable's tags kept. */
  keepsCreateTags(via: string): boolean {
    return this.tagKeeping.has(via);
  }

  /** Whether this described table is the one this process created for the object; forgets it either way. */
  take(uid: string, d: Identified): boolean {
    const fresh = this.isFresh(uid, d);
    this.byUid.delete(uid);
    return fresh;
  }

  forget(uid: string): void {
    this.byUid.delete(uid);
  }

  get size(): number {
    return this.byUid.size;
  }
}
