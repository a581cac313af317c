// Per-object management controls, read from annotations (like adopt and capacity-management) so that
// every existing manifest applies unchanged and no CRD change is needed to use them:
//   aws-infra-operator.runner.codes/paused: "true"           no AWS call at all for this object (Crossplane's
//                                                            crossplane.io/paused)
//   aws-infra-operator.runner.codes/management-policy: Observe   read the live table, report drift, never
//                                                            write to AWS (Crossplane's managementPolicies:
//                                                            ["Observe"]); Full (or none): the operator manages it
// Pure: the reconciler and the admission rules read them through readManagement alone.
import type { FieldError } from '../model.ts';

export const PAUSED_ANNOTATION = 'aws-infra-operator.runner.codes/paused';
/** Hands an existing table to this object (the reconciler tags it as ours); see the reconciler README. */
export const ADOPT_ANNOTATION = 'aws-infra-operator.runner.codes/adopt';
export const MANAGEMENT_POLICY_ANNOTATION = 'aws-infra-operator.runner.codes/management-policy';
export const PAUSED_PATH = `metadata.annotations[${PAUSED_ANNOTATION}]`;
export const MANAGEMENT_POLICY_PATH = `metadata.annotations[${MANAGEMENT_POLICY_ANNOTATION}]`;

export const MANAGEMENT_POLICIES = ['Full', 'Observe'] as const;
export type ManagementPolicy = (typeof MANAGEMENT_POLICIES)[number];

export interface Management {
  paused: boolean;
  policy: ManagementPolicy;
  /** Annotation values that are not valid; each is read the cautious way (paused, Observe) until fixed. */
  errors: FieldError[];
}

/**
 * The object's management controls. An invalid value (the webhook refuses it, but it may have been
 * down) is read the way that writes nothing: a paused value other than "true"/"false" pauses, a
 * policy other than Full/Observe observes — a typo must never make the operator write where the
 * user meant it not to.
 */
export function readManagement(annotations: Record<string, string> | undefined): Management {
  const errors: FieldError[] = [];
  const p = annotations?.[PAUSED_ANNOTATION];
  let paused = p === 'true';
  if (p !== undefined && p !== 'true' && p !== 'false') {
    paused = true;
    errors.push({
      path: PAUSED_PATH,
      message:
        `must be "true" or "false", got ${JSON.stringify(p)}: "true" stops every AWS call for this table ` +
        `until it is removed or set to "false"`,
    });
  }
  const m = annotations?.[MANAGEMENT_POLICY_ANNOTATION];
  let policy: ManagementPolicy = m === 'Observe' ? 'Observe' : 'Full';
  if (m !== undefined && !(MANAGEMENT_POLICIES as readonly string[]).includes(m)) {
    policy = 'Observe';
    errors.push({
      path: MANAGEMENT_POLICY_PATH,
      message:
        `must be Full or Observe, got ${JSON.stringify(m)}: Observe only reads the existing table and reports ` +
        `drift; Full (or no annotation) lets the operator create, update and delete it`,
    });
  }
  return { paused, policy, errors };
}

/** What one reconcile of a table object may do, pure. */
export type ManagementAction =
  /** No AWS call; the object says it is paused (a deleting object keeps its finalizer). */
  | 'paused'
  /** Deleting under Observe: release the object, never touch the table (no AWS call). */
  | 'release'
  /** Reads only: mirror the live table into status, report drift. */
  | 'observe'
  /** The operator manages the table (create, update, delete by deletionPolicy). */
  | 'full';

export function managementAction(m: Pick<Management, 'paused' | 'policy'>, deleting: boolean): ManagementAction {
  if (m.paused) return 'paused';
  if (m.policy === 'Observe') return deleting ? 'release' : 'observe';
  return 'full';
}
