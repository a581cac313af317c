// A provider's status from what its check found, pure: Ready plus kstatus's Reconciling/Stalled, and
// the Event when Ready flips. The I/O side is report() in provider-reconciler.ts.
import type { Condition } from '@dynamodb-operator/api';
import { POLICY_DENIED } from '../aws/tenancy.ts';
import { setCondition } from './conditions.ts';
import type { EventType } from './events.ts';
import { cond } from './table-status.ts';

export interface ProviderStatus {
  ready?: boolean;
  accountId?: string;
  observedGeneration?: number;
  lastCheckedTime?: string;
  conditions?: Condition[];
  [k: string]: unknown;
}

/** What the check of a provider found. */
export interface ProviderVerdict {
  ready: boolean;
  reason: string;
  message: string;
  accountId?: string;
}

export interface SettledProvider {
  status: ProviderStatus;
  /** Emitted after the status write: Ready flipped. */
  event?: { type: EventType; reason: string; message: string };
}

export function settleProvider(
  prev: ProviderStatus | undefined,
  v: ProviderVerdict,
  generation: number | undefined,
  now: string,
): SettledProvider {
  const status: ProviderStatus = {
    ready: v.ready,
    observedGeneration: generation,
    conditions: kstatusFor(prev?.conditions, v, generation, now),
  };
  if (v.accountId) status.accountId = v.accountId;
  if (prev?.ready === v.ready) return { status };
  return { status, event: { type: v.ready ? 'Normal' : 'Warning', reason: v.reason, message: v.message } };
}

/**
 * Ready plus kstatus's Reconciling/Stalled: an invalid spec is Stalled (only an edit helps; kstatus
 * reads Failed), any other not-Ready state is Reconciling (re-checked; InProgress), Ready is neither.
 */
function kstatusFor(
  prev: Condition[] | undefined,
  { ready, reason, message }: ProviderVerdict,
  gen: number | undefined,
  now: string,
): Condition[] {
  // A policy denial, too, changes only by a human: the admin's policy or an edit of the provider.
  const stalled = !ready && (reason === 'InvalidProvider' || reason === POLICY_DENIED);
  let c = setCondition(prev, cond('Ready', ready, reason, message, gen), now);
  c = setCondition(
    c,
    stalled ? cond('Stalled', true, reason, message, gen) : cond('Stalled', false, 'None', 'not stalled', gen),
    now,
  );
  const working = !ready && !stalled;
  return setCondition(
    c,
    cond('Reconciling', working, working ? reason : 'Done', working ? message : 'nothing left to do', gen),
    now,
  );
}
