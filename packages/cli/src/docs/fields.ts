// JSON Schema (as zod emits it for the input shape) → one row per field, in declaration order. Pure.
// Types are named the way `kubectl explain` names them (string, integer, Object, []Object,
// map[string]string), so the reference and the cluster speak the same language.
import { codeSpan } from './markdown.ts';

export type JsonSchema = { [key: string]: unknown };

export interface FieldRow {
  /** e.g. `spec.globalSecondaryIndexes[].keys[].keyType` */
  path: string;
  type: string;
  /** Required within its parent object (an optional parent makes the whole subtree optional). */
  required: boolean;
  /** Enum values and bounds, in words. '' when the field is unconstrained. */
  allowed: string;
  description: string;
}

const isSchema = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const schemaList = (value: unknown): JsonSchema[] => (Array.isArray(value) ? value.filter(isSchema) : []);

/** zod bounds every int by the safe-integer range: that is noise, not a limit anyone chose. */
const bound = (value: unknown): number | undefined =>
  typeof value === 'number' && Math.abs(value) !== Number.MAX_SAFE_INTEGER ? value : undefined;

const isMap = (node: JsonSchema): boolean =>
  node.type === 'object' && !isSchema(node.properties) && isSchema(node.additionalProperties);

/** The kubectl-explain style type of a node. */
export function typeName(node: JsonSchema): string {
  const branches = schemaList(node.anyOf ?? node.oneOf);
  if (branches.length > 0) return [...new Set(branches.map(typeName))].join(' or ');
  if (node.type === 'array') return `[]${isSchema(node.items) ? typeName(node.items) : 'any'}`;
  if (isMap(node)) return `map[string]${typeName(node.additionalProperties as JsonSchema)}`;
  if (node.type === 'object') return 'Object';
  if (typeof node.type === 'string') return node.type;
  if ('const' in node) return typeof node.const;
  return 'any';
}

const code = (value: unknown): string => codeSpan(typeof value === 'string' ? value : JSON.stringify(value));

/** Every literal a node accepts (enum values, consts), across union branches. */
function literals(node: JsonSchema): unknown[] {
  const branches = schemaList(node.anyOf ?? node.oneOf);
  if (branches.length > 0) return branches.flatMap(literals);
  if (Array.isArray(node.enum)) return node.enum as unknown[];
  if ('const' in node) return [node.const];
  return [];
}

function range(min: number | undefined, max: number | undefined, unit: string): string | undefined {
  const suffix = unit === '' ? '' : ` ${unit}`;
  if (min !== undefined && max !== undefined)
    return min === max ? `exactly ${min}${suffix}` : `${min} to ${max}${suffix}`;
  if (min !== undefined) return `at least ${min}${suffix}`;
  if (max !== undefined) return `at most ${max}${suffix}`;
  return undefined;
}

/** Enum values and bounds of a node, in words (`PAY_PER_REQUEST`, `PROVISIONED`; 3 to 255 characters; …). */
export function allowedValues(node: JsonSchema): string {
  const parts: string[] = [];
  const values = literals(node);
  if (values.length > 0) parts.push(values.map(code).join(', '));
  const lengths = range(bound(node.minLength), bound(node.maxLength), 'characters');
  if (lengths) parts.push(lengths);
  if (typeof node.pattern === 'string') parts.push(`pattern ${code(node.pattern)}`);
  const numbers = range(bound(node.minimum), bound(node.maximum), '');
  if (numbers) parts.push(numbers);
  const items = range(bound(node.minItems), bound(node.maxItems), 'items');
  if (items) parts.push(items);
  const entries = range(bound(node.minProperties), bound(node.maxProperties), 'entries');
  if (entries) parts.push(entries);
  return parts.join('; ');
}

/** The object schema a node's children live in: its own properties, or its array items'. */
function childrenOf(node: JsonSchema): { schema: JsonSchema; suffix: string } | undefined {
  if (isSchema(node.properties)) return { schema: node, suffix: '' };
  if (node.type === 'array' && isSchema(node.items)) {
    const inner = childrenOf(node.items);
    return inner ? { schema: inner.schema, suffix: `[]${inner.suffix}` } : undefined;
  }
  return undefined;
}

/** One row per field below `schema` (an object schema), depth first, each path prefixed with `prefix`. */
export function fieldRows(schema: JsonSchema, prefix: string): FieldRow[] {
  const rows: FieldRow[] = [];
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  for (const [name, child] of Object.entries(properties)) {
    if (!isSchema(child)) continue;
    const path = `${prefix}.${name}`;
    rows.push({
      path,
      type: typeName(child),
      required: required.has(name),
      allowed: allowedValues(child),
      description: typeof child.description === 'string' ? child.description : '',
    });
    const inner = childrenOf(child);
    if (inner) rows.push(...fieldRows(inner.schema, `${path}${inner.suffix}`));
  }
  return rows;
}
