// The canonical strings for values kubectl sent as YAML 1.1 booleans. An unquoted `type: N` reaches the
// API server as `false`; the schema reads it as "N" (schemas/common.ts), but unless the mutating webhook
// writes "N" back, the stored object keeps `false` and GitOps tools show a diff forever. Only mappings
// that are unambiguous exist in the schema (false → "N" for attribute types: no other enum has a value
// that YAML reads as a boolean), so this needs no list of fields: wherever the user's spec holds a
// boolean and the parsed, defaulted spec holds a string at the same place, the string is canonical.

/** One JSON Patch `replace` under the spec (path relative to spec, e.g. `/attributes/1/type`). */
export interface CanonicalReplacement {
  op: 'replace';
  path: string;
  value: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A JSON Pointer segment for `key`, RFC 6901: `~` → `~0`, `/` → `~1` (tag keys may hold a `/`). */
export const pointerSegment = (key: string): string =>
  key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key;

// The path is kept as its segments and joined only for a match: almost every spec has none, and the
// webhook walks each spec it defaults.
function walk(raw: unknown, parsed: unknown, segments: string[], out: CanonicalReplacement[]): void {
  if (typeof raw === 'boolean' && typeof parsed === 'string') {
    out.push({ op: 'replace', path: segments.map((segment) => `/${segment}`).join(''), value: parsed });
  } else if (Array.isArray(raw) && Array.isArray(parsed)) {
    for (let i = 0; i < raw.length; i++) {
      if (typeof raw[i] !== 'object' && typeof raw[i] !== 'boolean') continue;
      segments.push(String(i));
      walk(raw[i], parsed[i], segments, out);
      segments.pop();
    }
  } else if (isRecord(raw) && isRecord(parsed)) {
    for (const key in raw) {
      if (!Object.hasOwn(raw, key) || !Object.hasOwn(parsed, key)) continue;
      const value = raw[key];
      if (typeof value !== 'object' && typeof value !== 'boolean') continue;
      segments.push(pointerSegment(key));
      walk(value, parsed[key], segments, out);
      segments.pop();
    }
  }
}

/**
 * The `replace` operations that turn the booleans of `rawSpec` (what the API server received) into the
 * strings the schema read them as (`parsedSpec`: parseObject's spec, defaults applied). Pure.
 */
export function yamlBooleanReplacements(rawSpec: unknown, parsedSpec: unknown): CanonicalReplacement[] {
  const out: CanonicalReplacement[] = [];
  walk(rawSpec, parsedSpec, [], out);
  return out;
}
