// Auto scaling of provisioned capacity (Application Auto Scaling: one scalable target and one
// target-tracking policy per dimension), for the table and for each GSI of both table kinds, in the
// shape Terraform's aws_appautoscaling_* and the DynamoDB console use: min, max, target utilisation.
// The schema types the numbers (so the CRD keeps them sane with the webhook down); which billing mode
// it needs, min ≤ max and "the spec's capacity lies in [min, max]" are admission rules
// (rules/autoscaling.ts), so that their messages can name the field and the fix.
import * as z from 'zod';
import { MAX_CAPACITY } from './common.ts';

/** DynamoDB's accepted range of target utilisation, in percent (the console's and the developer guide's). */
export const TARGET_UTILIZATION_MIN = 20;
export const TARGET_UTILIZATION_MAX = 90;

const units = (which: 'Minimum' | 'Maximum', what: string) =>
  z
    .number()
    .int()
    .min(1)
    .max(MAX_CAPACITY)
    .describe(`${which} provisioned ${what} capacity units the scaler may set (a whole number ≥ 1).`);

const cooldown = (which: 'in' | 'out') =>
  z
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      `Seconds after a scale-${which} activity before another scale-${which} may start (Application Auto Scaling's default when absent).`,
    );

const dimension = (what: 'read' | 'write', where: string) =>
  z
    .strictObject({
      minCapacity: units('Minimum', what),
      maxCapacity: units('Maximum', what),
      targetUtilization: z
        .number()
        .min(TARGET_UTILIZATION_MIN)
        .max(TARGET_UTILIZATION_MAX)
        .describe(
          `Target ${what} capacity utilisation in percent (${TARGET_UTILIZATION_MIN} to ${TARGET_UTILIZATION_MAX}): the scaler keeps consumed / provisioned near it.`,
        ),
      scaleInCooldown: cooldown('in'),
      scaleOutCooldown: cooldown('out'),
      disableScaleIn: z
        .boolean()
        .optional()
        .describe('When true the scaler only ever raises capacity (default false).'),
    })
    .describe(
      `Auto scaling of the ${where}'s ${what} capacity: a scalable target [minCapacity, maxCapacity] and a target-tracking policy.`,
    );

export const autoScalingSchema = (where: string) =>
  z
    .strictObject({
      read: dimension('read', where).optional(),
      write: dimension('write', where).optional(),
    })
    .describe(
      `Auto scaling of the ${where}'s provisioned capacity through Application Auto Scaling (billingMode PROVISIONED ` +
        "only). The spec's capacity must lie in [minCapacity, maxCapacity]; a live capacity within the range is the " +
        "scaler's and is not reverted. Removing it deregisters the scalable targets (and their policies).",
    );
