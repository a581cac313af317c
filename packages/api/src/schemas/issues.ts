// zod issues → FieldErrors that name the user's field and say how to fix it. zod's own messages
// ("Invalid input: expected string, received number") are written for programmers; ours are for the
// person editing the YAML.
import type * as z from 'zod';
import type { FieldError } from '../model.ts';
import { childPath, formatPath } from './paths.ts';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  valueType?: z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Skips optional/nullable/default wrappers, keeping the outermost description. */
function unwrap(schema: z.ZodType): { schema: z.ZodType; description?: string } {
  let current = schema;
  let description = schema.description;
  for (;;) {
    const def = defOf(current);
    if (!def.innerType || !['optional', 'nullable', 'default', 'prefault', 'readonly'].includes(def.type)) break;
    current = def.innerType;
    description ??= current.description;
  }
  return description === undefined ? { schema: current } : { schema: current, description };
}

/** The schema at `path` below `root`, or undefined when the path leaves the schema. */
export function schemaAt(root: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = root;
  for (const segment of path) {
    if (!current) return undefined;
    const def = defOf(unwrap(current).schema);
    if (def.type === 'object' && typeof segment === 'string') current = def.shape?.[segment];
    else if (def.type === 'array') current = def.element;
    else if (def.type === 'record') current = def.valueType;
    else return undefined;
  }
  return current;
}

/** First sentence of the field's description: enough to say what a valid value looks like. */
function describeAt(root: z.ZodType, path: readonly PropertyKey[]): string | undefined {
  const at = schemaAt(root, path);
  const description = at ? unwrap(at).description : undefined;
  return description?.split(/\.\s+(?=[A-Z])/)[0]?.replace(/\.$/, '');
}

function knownKeys(root: z.ZodType, path: readonly PropertyKey[]): string[] {
  const at = schemaAt(root, path);
  if (!at) return [];
  const def = defOf(unwrap(at).schema);
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const saved = row[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, previous + cost);
      previous = saved;
    }
  }
  return row[b.length] ?? 0;
}

/** The closest known name to a misspelt one, when it is close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance =
      candidate.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

const typeName = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return typeof value;
};

const expectedName: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'a boolean (true or false)',
  object: 'a map of fields',
  array: 'a list',
  record: 'a map of strings',
};

/**
 * kubectl reads YAML 1.1, where an unquoted y, yes, on, true (any case) is the boolean true and n, no,
 * off, false is false: a boolean where a string belongs is almost always such a word. The message says
 * so and shows the quoted form (we cannot know which spelling was written, so it names them all).
 */
function yamlBooleanHint(input: boolean, field: string | undefined): string {
  const words = input ? 'y, yes, on or true' : 'n, no, off or false';
  const example = input ? 'Y' : 'off';
  const quoted = field === undefined ? `"${example}"` : `${field}: "${example}"`;
  return `: YAML 1.1 (kubectl) reads an unquoted ${words} as the boolean ${String(input)}; quote the value you wrote, e.g. ${quoted}`;
}

const lastKey = (path: readonly PropertyKey[]): string | undefined => {
  const key = [...path].reverse().find((segment) => typeof segment === 'string');
  return typeof key === 'string' ? key : undefined;
};

/** How to look a field up: `kubectl explain dynamodb.spec.keySchema`. */
function explainHint(resource: string | undefined, path: readonly PropertyKey[]): string {
  if (!resource) return '';
  const fields = path.filter((segment) => typeof segment === 'string').join('.');
  return ` (see \`kubectl explain ${resource}.${fields}\`)`;
}

function formatIssue(issue: z.core.$ZodIssue, root: z.ZodType, resource: string | undefined): FieldError[] {
  const path = formatPath(issue.path);
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type': {
      if (input === undefined) {
        return [{ path, message: `required field is missing; add it${explainHint(resource, issue.path)}` }];
      }
      const expected = expectedName[issue.expected] ?? issue.expected;
      let fix = '';
      if (issue.expected === 'string' && typeof input === 'boolean') {
        fix = yamlBooleanHint(input, lastKey(issue.path));
      } else if (issue.expected === 'string' && typeof input === 'number') {
        fix = `; quote it in YAML: "${String(input)}"`;
      } else if (issue.expected === 'boolean' && (input === 'true' || input === 'false')) {
        fix = `; remove the quotes: ${String(input)}`;
      } else if ((issue.expected === 'number' || issue.expected === 'int') && typeof input === 'string') {
        fix = '; remove the quotes';
      }
      return [{ path, message: `must be ${expected}, got ${typeName(input)} ${show(input)}${fix}` }];
    }
    case 'invalid_value': {
      if (input === undefined) {
        return [{ path, message: `required field is missing; add it${explainHint(resource, issue.path)}` }];
      }
      const values = issue.values.map((value) => String(value));
      const suggestion = typeof input === 'string' ? closest(input, values) : undefined;
      const hint =
        typeof input === 'boolean'
          ? yamlBooleanHint(input, lastKey(issue.path))
          : suggestion !== undefined
            ? `; did you mean "${suggestion}"?`
            : '';
      return [{ path, message: `must be one of ${values.join(', ')}; got ${show(input)}${hint}` }];
    }
    case 'unrecognized_keys': {
      const known = knownKeys(root, issue.path);
      return issue.keys.map((key) => {
        const suggestion = closest(key, known);
        const hint = suggestion !== undefined ? `did you mean "${suggestion}"?` : `known fields: ${known.join(', ')}`;
        return { path: childPath(path, key), message: `unknown field; remove it or fix its name (${hint})` };
      });
    }
    case 'too_small': {
      const n = Number(issue.minimum);
      if (issue.origin === 'string') {
        return [{ path, message: n <= 1 ? 'must not be empty' : `must be at least ${n} characters long` }];
      }
      if (issue.origin === 'array') {
        return [{ path, message: `needs at least ${n} ${n === 1 ? 'entry' : 'entries'}` }];
      }
      return [{ path, message: `must be at least ${n}, got ${show(input)}` }];
    }
    case 'too_big': {
      const n = Number(issue.maximum);
      if (issue.origin === 'string') return [{ path, message: `must be at most ${n} characters long` }];
      if (issue.origin === 'array') {
        return [{ path, message: `has too many entries: at most ${n} allowed; remove ${describeCount(input, n)}` }];
      }
      return [{ path, message: `must be at most ${n}, got ${show(input)}` }];
    }
    case 'invalid_format': {
      const what = describeAt(root, issue.path);
      const rule = 'pattern' in issue && issue.pattern !== undefined ? `must match ${issue.pattern}` : issue.message;
      return [{ path, message: `${show(input)} is not valid: ${rule}${what ? ` (${what})` : ''}` }];
    }
    case 'invalid_union': {
      // The first alternative is the one users write (e.g. the S|N|B enum before YAML 1.1's false).
      const inner = issue.errors[0]?.[0];
      if (!inner) return [{ path, message: issue.message }];
      const nested = { ...inner, path: [...issue.path, ...inner.path], input } as z.core.$ZodIssue;
      return formatIssue(nested, root, resource);
    }
    default:
      return [{ path, message: issue.message }];
  }
}

function describeCount(input: unknown, max: number): string {
  return Array.isArray(input) ? `${input.length - max}` : 'the extra ones';
}

/** All issues of a failed parse as FieldErrors, path prefix included. */
export function issuesToFieldErrors(
  issues: readonly z.core.$ZodIssue[],
  root: z.ZodType,
  resource?: string,
): FieldError[] {
  return issues.flatMap((issue) => formatIssue(issue, root, resource));
}
