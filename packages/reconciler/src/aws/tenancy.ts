// The reconciler's side of the tenancy policy: load it once at start (the chart mounts the
// ConfigMap; a changed policy rolls the pods through a checksum annotation) and ask the api package's
// pure decisions before any AWS call — the webhook may have been bypassed or down, and objects admitted
// under an older policy are checked again at their next reconcile.
import { readFileSync } from 'node:fs';
import {
  PERMISSIVE_POLICY,
  adoptionViolations,
  parseTenancyPolicy,
  providerIdentityOf,
  providerViolations,
} from '@dynamodb-operator/api';
import type { FieldError, TenancyPolicy } from '@dynamodb-operator/api';
import type { KubeObject } from '@dynamodb-operator/kube';

export const POLICY_DENIED = 'PolicyDenied';
const ADOPT_ANNOTATION = 'aws-infra-operator.runner.codes/adopt';

/** No file: PERMISSIVE_POLICY (everything allowed, as before). A file that does not parse throws. */
export function loadTenancyPolicy(file: string | undefined): TenancyPolicy {
  if (!file) return PERMISSIVE_POLICY;
  return parseTenancyPolicy(readFileSync(file, 'utf8'));
}

/** A namespace's labels, or undefined when not known (then only a grant's name globs decide). */
export type LabelsOf = (namespace: string) => Record<string, string> | undefined;

/** What the policy forbids in this AWSProvider (empty: allowed). */
export function providerPolicyErrors(policy: TenancyPolicy, provider: KubeObject, labelsOf?: LabelsOf): FieldError[] {
  const namespace = provider.metadata.namespace ?? '';
  return providerViolations(policy, namespace, providerIdentityOf(provider.spec), labelsOf?.(namespace));
}

/** What the policy forbids in a table object's adopt annotation (empty: allowed, or no annotation). */
export function adoptionPolicyErrors(
  policy: TenancyPolicy,
  obj: KubeObject,
  tableName: string,
  labelsOf?: LabelsOf,
): FieldError[] {
  if (obj.metadata.annotations?.[ADOPT_ANNOTATION] !== 'true') return [];
  const namespace = obj.metadata.namespace ?? '';
  return adoptionViolations(
    policy,
    namespace,
    tableName,
    `metadata.annotations[${ADOPT_ANNOTATION}]`,
    labelsOf?.(namespace),
  );
}

export function policyMessage(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join('; ');
}
