// autoScaling of a table or GSI → the model's AutoScaling: both kinds spell it the same way.
import type { AutoScaling, FieldPath, ScalingDimension } from '../model.ts';

type SpecDimension = Omit<ScalingDimension, 'path'>;

/** `{ autoScaling }` for Object.assign onto a model or index; `{}` when the spec has none. */
export function autoScalingOf(
  source: { autoScaling?: { read?: SpecDimension | undefined; write?: SpecDimension | undefined } | undefined },
  path: FieldPath,
): { autoScaling?: AutoScaling } {
  const a = source.autoScaling;
  if (!a) return {};
  const at = `${path}.autoScaling`;
  const out: AutoScaling = { path: at };
  if (a.read) out.read = { ...a.read, path: `${at}.read` };
  if (a.write) out.write = { ...a.write, path: `${at}.write` };
  return { autoScaling: out };
}
