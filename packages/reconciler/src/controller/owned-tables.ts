// Ownership this process confirmed from AWS (the owner-uid tag, or our own create intent), by object
// uid. It lets a resync skip ListTagsOfResource and keep the one-read-per-resync budget without
// trusting status.tableArn, which a user allowed to patch the status subresource can forge. Kept in
// memory only (not user-writable); a restart costs one ListTagsOfResource per table. Keyed by the
// table's identity, not just its ARN: a table deleted and re-created under the same name by someone
// else has the same ARN but a new TableId / CreationDateTime. And per provider configuration (`via`,
// the clients' spec key): a provider pointed at another region, endpoint or account is checked again.
import type { TableDescription } from '@aws-sdk/client-dynamodb';
import { setNewest } from '../bounded-map.ts';

export function tableIdentity(d: Pick<TableDescription, 'TableArn' | 'TableId' | 'CreationDateTime'>): string {
  return `${d.TableArn ?? ''}|${d.TableId ?? ''}|${d.CreationDateTime?.getTime() ?? ''}`;
}

export class OwnedTables {
  private readonly byUid = new Map<string, { identity: string; arn: string; via: string }>();
  private readonly max: number;

  constructor(max = 200_000) {
    this.max = max;
  }

  confirm(uid: string, d: Pick<TableDescription, 'TableArn' | 'TableId' | 'CreationDateTime'>, via: string): void {
    setNewest(this.byUid, uid, { identity: tableIdentity(d), arn: d.TableArn ?? '', via }, this.max);
  }

  /** This exact table was confirmed as the object's own. */
  owns(uid: string, d: Pick<TableDescription, 'TableArn' | 'TableId' | 'CreationDateTime'>, via: string): boolean {
    const e = this.byUid.get(uid);
    return e !== undefined && e.via === via && e.identity === tableIdentity(d);
  }

  /** The ARN of the table confirmed as the object's own, for reads made before DescribeTable. */
  arnOf(uid: string, via: string): string | undefined {
    const e = this.byUid.get(uid);
    return e?.via === via ? e.arn : undefined;
  }

  forget(uid: string): void {
    this.byUid.delete(uid);
  }
}
