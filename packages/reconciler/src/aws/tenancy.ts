// The reconciler's side of the tenancy policy (issue 16): load it once at start (the chart mounts the
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
import type { KubeObject } from '../kube/resources.ts';

export const POLICY_DENIED = 'PolicyDenied';
const ADOPT_ANNOTATION = 'aws-infra-operator.runner.codes/adopt';

/** No file: PERMISSIVE_POLICY (everything allowed, as before). A file that does not parse throws. */
export function loadTenancyPolicy(file: string | undefined): TenancyPolicy {
  if (!file) return PERMISSIVE_POLICY;
  return parseTenancyPolicy(readFileSync(file, 'utf8'));
}

/** What the policy forbids in this AWSProvider (empty: allowed). */
export function providerPolicyErrors(policy: TenancyPolicy, provider: KubeObject): FieldError[] {
  return providerViolations(policy, provider.metadata.namespace ?? '', providerIdentityOf(provider.spec));
}

/** What the policy forbids in a table object's adopt annotation (empty: allowed, or no annotation). */
export function adoptionPolicyErrors(policy: TenancyPolicy, obj: KubeObject, tableName: string): FieldError[] {
  if (obj.metadata.annotations?.[ADOPT_ANNOTATION] !== 'true') return [];
  return adoptionViolations(
    policy,
    obj.metadata.namespace ?? '',
    tableName,
    `metadata.annotations[${ADOPT_ANNOTATION}]`,
  );
}

export function policyMessage(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join('; ');
}
