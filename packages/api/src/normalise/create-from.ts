// restore / import → the model's RestoreSource / ImportSource: both kinds spell them the same way.
import type { ImportSource, RestoreSource } from '../model.ts';
import type { ImportSpec, RestoreSpec } from '../schemas/create-from.ts';

/** Drops undefined members (the model is built under exactOptionalPropertyTypes). */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** `{ restore }` and/or `{ import }` for Object.assign onto a model; `{}` when the spec has neither. */
export function createFromOf(spec: { restore?: RestoreSpec | undefined; import?: ImportSpec | undefined }): {
  restore?: RestoreSource;
  import?: ImportSource;
} {
  const out: { restore?: RestoreSource; import?: ImportSource } = {};
  if (spec.restore) out.restore = { ...defined(spec.restore), path: 'spec.restore' };
  if (spec.import) {
    const { csv, ...rest } = spec.import;
    out.import = { ...defined(rest), path: 'spec.import' };
    if (csv) out.import.csv = defined(csv);
  }
  return out;
}
