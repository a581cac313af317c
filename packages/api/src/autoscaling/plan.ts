// planAutoScaling(desired, observed) → the Application Auto Scaling calls that make AWS match the spec.
// Pure. Registers come before policies (a policy needs its target); a target the spec no longer asks
// for is removed policy first, then target: AWS's DeregisterScalableTarget removes the policies itself,
// but saying so explicitly costs one call and leaves nothing behind where an emulator does not (moto).
// A target is ours to remove only if it carries our policy (read from AWS) or our status lists it:
// a scalable target someone registered by hand on the same table is left alone.
import { putPolicyRequest, registerRequest, targetKey } from './requests.ts';
import type {
  DeleteScalingPolicyRequest,
  DeregisterScalableTargetRequest,
  PutScalingPolicyRequest,
  RegisterScalableTargetRequest,
} from './requests.ts';
import { POLICY_NAME_PREFIX } from './targets.ts';
import type { DesiredTarget, ScalableDimension } from './targets.ts';

export interface ObservedScalableTarget {
  resourceId: string;
  scalableDimension: string;
  minCapacity?: number;
  maxCapacity?: number;
}

export interface ObservedScalingPolicy {
  resourceId: string;
  scalableDimension: string;
  policyName: string;
  policyType?: string;
  targetValue?: number;
  predefinedMetricType?: string;
  scaleInCooldown?: number;
  scaleOutCooldown?: number;
  disableScaleIn?: boolean;
}

export interface ObservedScaling {
  targets: ObservedScalableTarget[];
  policies: ObservedScalingPolicy[];
}

export type ScalingCall =
  | { op: 'RegisterScalableTarget'; input: RegisterScalableTargetRequest; why: string }
  | { op: 'PutScalingPolicy'; input: PutScalingPolicyRequest; why: string }
  | { op: 'DeleteScalingPolicy'; input: DeleteScalingPolicyRequest; why: string }
  | { op: 'DeregisterScalableTarget'; input: DeregisterScalableTargetRequest; why: string };

const keyText = (resourceId: string, dim: string): string => `${resourceId} ${dim}`;

function policyDiffers(want: DesiredTarget, have: ObservedScalingPolicy): string | undefined {
  if (have.policyType !== undefined && have.policyType !== 'TargetTrackingScaling') return 'policy type';
  if (have.predefinedMetricType !== want.metric) return 'metric';
  if (have.targetValue !== want.targetValue) return `target ${have.targetValue ?? '?'}% → ${want.targetValue}%`;
  // Only what the spec sets: AWS reports its own defaults for the rest.
  if (want.scaleInCooldown !== undefined && have.scaleInCooldown !== want.scaleInCooldown) return 'scale-in cooldown';
  if (want.scaleOutCooldown !== undefined && have.scaleOutCooldown !== want.scaleOutCooldown)
    return 'scale-out cooldown';
  if ((want.disableScaleIn ?? false) !== (have.disableScaleIn ?? false)) return 'disableScaleIn';
  return undefined;
}

/**
 * @param owned `resourceId scalableDimension` keys the operator registered before (from status), besides
 *   those carrying our policy.
 */
export function planAutoScaling(
  desired: readonly DesiredTarget[],
  observed: ObservedScaling,
  owned: readonly string[] = [],
): ScalingCall[] {
  const targets = new Map(observed.targets.map((t) => [keyText(t.resourceId, t.scalableDimension), t]));
  const ours = new Map(
    observed.policies
      .filter((p) => p.policyName.startsWith(POLICY_NAME_PREFIX))
      .map((p) => [keyText(p.resourceId, p.scalableDimension), p]),
  );
  const wanted = new Set(desired.map((d) => keyText(d.resourceId, d.scalableDimension)));
  const registers: ScalingCall[] = [];
  const puts: ScalingCall[] = [];
  for (const d of desired) {
    const k = keyText(d.resourceId, d.scalableDimension);
    const t = targets.get(k);
    if (!t)
      registers.push({ op: 'RegisterScalableTarget', input: registerRequest(d), why: `${d.label}: not registered` });
    else if (t.minCapacity !== d.minCapacity || t.maxCapacity !== d.maxCapacity)
      registers.push({
        op: 'RegisterScalableTarget',
        input: registerRequest(d),
        why: `${d.label}: range [${t.minCapacity ?? '?'}, ${t.maxCapacity ?? '?'}] → [${d.minCapacity}, ${d.maxCapacity}]`,
      });
    const p = ours.get(k);
    const differs = p && policyDiffers(d, p);
    if (!p || differs || p.policyName !== d.policyName)
      puts.push({
        op: 'PutScalingPolicy',
        input: putPolicyRequest(d),
        why: `${d.label}: ${!p ? 'no target-tracking policy' : (differs ?? 'policy')}`,
      });
  }
  const removes: ScalingCall[] = [];
  const ownedSet = new Set(owned);
  for (const t of observed.targets) {
    const k = keyText(t.resourceId, t.scalableDimension);
    if (wanted.has(k)) continue;
    const p = ours.get(k);
    if (!p && !ownedSet.has(k)) continue;
    const key = targetKey(t.resourceId, t.scalableDimension as ScalableDimension);
    if (p)
      removes.push({
        op: 'DeleteScalingPolicy',
        input: { ...key, PolicyName: p.policyName },
        why: `${k}: no longer in the spec`,
      });
    removes.push({ op: 'DeregisterScalableTarget', input: key, why: `${k}: no longer in the spec` });
  }
  return [...removes, ...registers, ...puts];
}

/** `resourceId scalableDimension` of a desired or observed target: the key status and `owned` use. */
export const scalingKey = (t: { resourceId: string; scalableDimension: string }): string =>
  keyText(t.resourceId, t.scalableDimension);
