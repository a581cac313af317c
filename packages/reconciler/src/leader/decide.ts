// The leader-election decision, pure (client-go's tryAcquireOrRenew): who may write the Lease now.
// Expiry is judged by OUR clock from the moment we first saw the current record, never by the
// renewTime written by another machine, so clock skew between replicas cannot shorten a lease.

export interface LeaseRecord {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  renewTime?: string;
  acquireTime?: string;
  leaseTransitions?: number;
}

export type LeaseDecision = 'create' | 'renew' | 'acquire' | 'wait';

export function decideLease(
  record: LeaseRecord | undefined,
  observedAtMs: number,
  nowMs: number,
  identity: string,
  defaultLeaseDurationMs: number,
): LeaseDecision {
  if (!record) return 'create';
  if (record.holderIdentity === identity) return 'renew';
  if (!record.holderIdentity) return 'acquire';
  const durationMs = (record.leaseDurationSeconds ?? defaultLeaseDurationMs / 1000) * 1000;
  return observedAtMs + durationMs <= nowMs ? 'acquire' : 'wait';
}

/** Has the record changed since we last looked (another holder renewed)? */
export function sameRecord(a: LeaseRecord | undefined, b: LeaseRecord | undefined): boolean {
  return (
    a?.holderIdentity === b?.holderIdentity &&
    a?.renewTime === b?.renewTime &&
    a?.acquireTime === b?.acquireTime &&
    a?.leaseTransitions === b?.leaseTransitions
  );
}

export { microTime } from '@dynamodb-operator/kube';
