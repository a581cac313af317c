// The capacity the table planner holds a table or GSI to while auto scaling is on: the scaler owns the
// capacity of a scaled dimension within [minCapacity, maxCapacity], so a live value in that range is
// the target (not drift, never reverted) and one outside it is brought to the nearest bound. Dimensions
// without auto scaling keep the spec's capacity. Pure.
import type { AutoScaling, ScalingDimension } from '../model.ts';
import type { ObservedThroughput } from '../plan/observed.ts';

const clamp = (v: number, d: ScalingDimension): number => Math.min(d.maxCapacity, Math.max(d.minCapacity, v));

/**
 * @param want the spec's capacity (desiredThroughput / desiredGsiThroughput)
 * @param have the live capacity, or undefined where there is none to keep (a billing switch, a new GSI):
 *   then the spec's capacity, which admission keeps inside the range, is the one to send
 */
export function scaledThroughput(
  want: ObservedThroughput | undefined,
  have: ObservedThroughput | undefined,
  a: AutoScaling | undefined,
): ObservedThroughput | undefined {
  if (!want || !have || !a || (!a.read && !a.write)) return want;
  return {
    readCapacityUnits: a.read ? clamp(have.readCapacityUnits, a.read) : want.readCapacityUnits,
    writeCapacityUnits: a.write ? clamp(have.writeCapacityUnits, a.write) : want.writeCapacityUnits,
  };
}
