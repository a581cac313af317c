// zod → JSON Schema → a Kubernetes *structural* schema. The API server accepts only a subset of JSON
// Schema: every node typed, no $ref/$defs, no `additionalProperties` beside `properties` (and never
// `false`), no propertyNames. What zod emits beyond that is removed here; anything we cannot express
// (unions, references) throws, so that a schema change that k8s would reject fails the generator, not
// the cluster.
import * as z from 'zod';

export type JsonSchema = { [key: string]: unknown };

const isObject = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const DROPPED = new Set(['$schema', '$id', 'propertyNames', 'id']);
const FORBIDDEN = ['$ref', '$defs', 'definitions', 'anyOf', 'oneOf', 'allOf', 'not', 'const'];

/** A field typed "anything" on purpose (see attributeTypeSchema): only its description and x- keys stay. */
function untyped(node: JsonSchema): JsonSchema {
  return Object.fromEntries(Object.entries(node).filter(([key]) => key === 'description' || key.startsWith('x-')));
}

function structural(node: JsonSchema, at: string): JsonSchema {
  if (node['x-kubernetes-preserve-unknown-fields'] === true && !('properties' in node)) return untyped(node);
  for (const key of FORBIDDEN) {
    if (key in node) throw new Error(`CRD schema at ${at || '(root)'}: "${key}" is not allowed in a structural schema`);
  }
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED.has(key)) continue;
    if (key === 'properties' && isObject(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [name, structural(child as JsonSchema, `${at}.${name}`)]),
      );
    } else if (key === 'items' && isObject(value)) {
      out.items = structural(value, `${at}[]`);
    } else if (key === 'additionalProperties') {
      // `false` (strict objects) and `{}` (loose objects) mean nothing to k8s beside `properties`;
      // a typed value schema is a map (e.g. tags).
      if (isObject(value) && Object.keys(value).length > 0 && !('properties' in node)) {
        out.additionalProperties = structural(value, `${at}.*`);
      }
    } else {
      out[key] = value;
    }
  }
  if (out.type === 'integer') {
    // zod bounds every int by the safe-integer range; k8s needs no such noise.
    if (out.minimum === Number.MIN_SAFE_INTEGER) delete out.minimum;
    if (out.maximum === Number.MAX_SAFE_INTEGER) delete out.maximum;
    out.format = 'int64';
  }
  if (typeof out.type !== 'string') throw new Error(`CRD schema at ${at || '(root)'}: no type`);
  return out;
}

/** The structural OpenAPI v3 schema of a zod schema (input shape: what users write). */
export function toStructuralSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'throw', reused: 'inline', cycles: 'throw' });
  return structural(json as JsonSchema, '');
}
