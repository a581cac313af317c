// Application Auto Scaling I/O for one table, thin: read the scalable targets and policies of the
// given resource IDs, and send the calls planAutoScaling (api) decided. The decisions are all there.
import {
  DeleteScalingPolicyCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import type { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import type {
  ObservedScalableTarget,
  ObservedScaling,
  ObservedScalingPolicy,
  ScalingCall,
} from '@dynamodb-operator/api';
import { awsErrorName } from './errors.ts';

/** DescribeScalableTargets takes at most 50 resource IDs per call. */
const MAX_IDS = 50;

export async function readScaling(
  client: ApplicationAutoScalingClient,
  resourceIds: readonly string[],
  abortSignal: AbortSignal,
): Promise<ObservedScaling> {
  const wanted = new Set(resourceIds);
  const targets: ObservedScalableTarget[] = [];
  for (let i = 0; i < resourceIds.length; i += MAX_IDS) {
    let NextToken: string | undefined;
    do {
      const out = await client.send(
        new DescribeScalableTargetsCommand({
          ServiceNamespace: 'dynamodb',
          ResourceIds: resourceIds.slice(i, i + MAX_IDS),
          NextToken,
        }),
        { abortSignal },
      );
      for (const t of out.ScalableTargets ?? []) {
        if (!t.ResourceId || !t.ScalableDimension || !wanted.has(t.ResourceId)) continue;
        const o: ObservedScalableTarget = { resourceId: t.ResourceId, scalableDimension: t.ScalableDimension };
        if (t.MinCapacity !== undefined) o.minCapacity = t.MinCapacity;
        if (t.MaxCapacity !== undefined) o.maxCapacity = t.MaxCapacity;
        targets.push(o);
      }
      NextToken = out.NextToken;
    } while (NextToken);
  }
  // Policies only where a target exists (a policy cannot outlive its target in AWS).
  const policies: ObservedScalingPolicy[] = [];
  for (const resourceId of new Set(targets.map((t) => t.resourceId))) {
    let NextToken: string | undefined;
    do {
      const out = await client.send(
        new DescribeScalingPoliciesCommand({ ServiceNamespace: 'dynamodb', ResourceId: resourceId, NextToken }),
        { abortSignal },
      );
      for (const p of out.ScalingPolicies ?? []) {
        // Filtered again here: the emulator (moto) ignores some of the request's filters.
        if (p.ResourceId !== resourceId || !p.ScalableDimension || !p.PolicyName) continue;
        const o: ObservedScalingPolicy = {
          resourceId,
          scalableDimension: p.ScalableDimension,
          policyName: p.PolicyName,
        };
        if (p.PolicyType) o.policyType = p.PolicyType;
        const c = p.TargetTrackingScalingPolicyConfiguration;
        if (c?.TargetValue !== undefined) o.targetValue = c.TargetValue;
        const metric = c?.PredefinedMetricSpecification?.PredefinedMetricType;
        if (metric) o.predefinedMetricType = metric;
        if (c?.ScaleInCooldown !== undefined) o.scaleInCooldown = c.ScaleInCooldown;
        if (c?.ScaleOutCooldown !== undefined) o.scaleOutCooldown = c.ScaleOutCooldown;
        if (c?.DisableScaleIn !== undefined) o.disableScaleIn = c.DisableScaleIn;
        policies.push(o);
      }
      NextToken = out.NextToken;
    } while (NextToken);
  }
  return { targets, policies };
}

/** Already gone is done: AWS says ObjectNotFoundException, moto a ValidationException "No … found". */
function alreadyGone(err: unknown): boolean {
  const name = awsErrorName(err);
  return (
    name === 'ObjectNotFoundException' ||
    (name === 'ValidationException' && /no scal(able target|ing policy) found/i.test(String((err as Error)?.message)))
  );
}

export async function sendScalingCall(
  client: ApplicationAutoScalingClient,
  call: ScalingCall,
  abortSignal: AbortSignal,
): Promise<void> {
  const opts = { abortSignal };
  switch (call.op) {
    case 'RegisterScalableTarget':
      await client.send(new RegisterScalableTargetCommand(call.input), opts);
      return;
    case 'PutScalingPolicy':
      await client.send(new PutScalingPolicyCommand(call.input), opts);
      return;
    case 'DeleteScalingPolicy':
    case 'DeregisterScalableTarget':
      try {
        if (call.op === 'DeleteScalingPolicy') await client.send(new DeleteScalingPolicyCommand(call.input), opts);
        else await client.send(new DeregisterScalableTargetCommand(call.input), opts);
      } catch (err) {
        if (!alreadyGone(err)) throw err;
      }
  }
}
