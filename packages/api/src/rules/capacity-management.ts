// The capacity-management annotation: `External` (any case) hands capacity to something else (an auto
// scaler, a runbook): the operator sends it only where AWS needs one and never reverts it. Any other value
// is refused with the fix — read silently as "managed here", a typo would keep reverting the scaler.
import type { FieldError } from '../model.ts';

export const CAPACITY_MANAGEMENT_ANNOTATION = 'aws-infra-operator.runner.codes/capacity-management';
export const CAPACITY_MANAGEMENT_PATH = `metadata.annotations[${CAPACITY_MANAGEMENT_ANNOTATION}]`;

export function checkCapacityManagement(annotations: Record<string, string> | undefined): FieldError[] {
  const v = annotations?.[CAPACITY_MANAGEMENT_ANNOTATION];
  if (v === undefined || v.toLowerCase() === 'external') return [];
  return [
    {
      path: CAPACITY_MANAGEMENT_PATH,
      message:
        `must be External, got ${JSON.stringify(v)}: External sets capacity only where AWS needs one (at create, ` +
        'a new GSI, a switch to PROVISIONED) and never reverts it; remove the annotation to have the spec enforced',
    },
  ];
}
