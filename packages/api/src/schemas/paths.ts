// Field paths as users write them: `spec.keySchema[1].keyType`, `spec.tags["aws:x"]`.
import type { FieldPath } from '../model.ts';

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Joins path segments: numbers become `[i]`, plain keys `.key`, other keys `["key"]`. */
export function formatPath(segments: readonly PropertyKey[]): FieldPath {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      if (PLAIN_KEY.test(key)) out += out === '' ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/** `base` + one more key, with the same quoting as formatPath (e.g. a tag key under `spec.tags`). */
export function childPath(base: FieldPath, key: string | number): FieldPath {
  const tail = formatPath([key]);
  if (base === '') return tail;
  return tail.startsWith('[') ? `${base}${tail}` : `${base}.${tail}`;
}
