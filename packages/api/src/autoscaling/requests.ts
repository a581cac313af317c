// Application Auto Scaling request shapes, written here (the api package does not depend on the AWS
// SDK) and kept structurally assignable to @aws-sdk/client-application-auto-scaling's command inputs.
import type { DesiredTarget, PredefinedMetricType, ScalableDimension } from './targets.ts';

export interface TargetKey {
  ServiceNamespace: 'dynamodb';
  ResourceId: string;
  ScalableDimension: ScalableDimension;
}

export interface RegisterScalableTargetRequest extends TargetKey {
  MinCapacity: number;
  MaxCapacity: number;
}

export interface PutScalingPolicyRequest extends TargetKey {
  PolicyName: string;
  PolicyType: 'TargetTrackingScaling';
  TargetTrackingScalingPolicyConfiguration: {
    TargetValue: number;
    PredefinedMetricSpecification: { PredefinedMetricType: PredefinedMetricType };
    ScaleInCooldown?: number;
    ScaleOutCooldown?: number;
    DisableScaleIn?: boolean;
  };
}

export interface DeleteScalingPolicyRequest extends TargetKey {
  PolicyName: string;
}

export type DeregisterScalableTargetRequest = TargetKey;

const keyOf = (t: { resourceId: string; scalableDimension: ScalableDimension }): TargetKey => ({
  ServiceNamespace: 'dynamodb',
  ResourceId: t.resourceId,
  ScalableDimension: t.scalableDimension,
});

export function registerRequest(t: DesiredTarget): RegisterScalableTargetRequest {
  return { ...keyOf(t), MinCapacity: t.minCapacity, MaxCapacity: t.maxCapacity };
}

export function putPolicyRequest(t: DesiredTarget): PutScalingPolicyRequest {
  const cfg: PutScalingPolicyRequest['TargetTrackingScalingPolicyConfiguration'] = {
    TargetValue: t.targetValue,
    PredefinedMetricSpecification: { PredefinedMetricType: t.metric },
  };
  if (t.scaleInCooldown !== undefined) cfg.ScaleInCooldown = t.scaleInCooldown;
  if (t.scaleOutCooldown !== undefined) cfg.ScaleOutCooldown = t.scaleOutCooldown;
  if (t.disableScaleIn !== undefined) cfg.DisableScaleIn = t.disableScaleIn;
  return {
    ...keyOf(t),
    PolicyName: t.policyName,
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingScalingPolicyConfiguration: cfg,
  };
}

export function targetKey(resourceId: string, scalableDimension: ScalableDimension): TargetKey {
  return keyOf({ resourceId, scalableDimension });
}
