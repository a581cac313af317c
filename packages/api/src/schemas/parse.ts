// parseObject: the structural check of any object (apiVersion, kind, spec shape, enums, bounds).
// Semantic rules (keys defined, capacity vs billing mode, …) come after, in rules/.
import type { FieldError, Kind } from '../model.ts';
import { API_GROUP, API_VERSION, GROUP_VERSION } from '../model.ts';
import { issuesToFieldErrors } from './issues.ts';
import { isKind, isOurApiVersion, KINDS, objectSchema } from './objects.ts';
import type { KindInfo, KnownObject, ObjectMeta, ObjectSchema } from './objects.ts';

export type ParseResult = { ok: true; kind: Kind; object: KnownObject } | { ok: false; errors: FieldError[] };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `schemaOf`: where the kind's schema comes from (compiledObjectSchema: the same result, faster for valid objects). */
export function parseObject(obj: unknown, options: { schemaOf?: (info: KindInfo) => ObjectSchema } = {}): ParseResult {
  if (!isRecord(obj)) {
    return {
      ok: false,
      errors: [{ path: '', message: 'expected a Kubernetes object (a YAML map), got something else' }],
    };
  }
  const { apiVersion, kind } = obj;
  const errors: FieldError[] = [];
  if (!isOurApiVersion(apiVersion)) {
    errors.push({
      path: 'apiVersion',
      message: `must be ${GROUP_VERSION}, got ${JSON.stringify(apiVersion) ?? 'nothing'}`,
    });
  } else if (apiVersion !== GROUP_VERSION) {
    errors.push({
      path: 'apiVersion',
      message: `unknown version of ${API_GROUP}: ${JSON.stringify(apiVersion)}; use ${GROUP_VERSION} (${API_VERSION} is the only version)`,
    });
  }
  if (!isKind(kind)) {
    errors.push({
      path: 'kind',
      message: `unknown kind ${JSON.stringify(kind) ?? '(missing)'} in ${API_GROUP}; use one of ${Object.keys(KINDS).join(', ')}`,
    });
  }
  if (errors.length > 0 || !isKind(kind)) return { ok: false, errors };

  const info = KINDS[kind];
  const schema = (options.schemaOf ?? objectSchema)(info);
  const result = schema.safeParse(obj, { reportInput: true });
  if (!result.success) {
    return { ok: false, errors: issuesToFieldErrors(result.error.issues, objectSchema(info), info.singular) };
  }
  const metadata = result.data.metadata;
  if (metadata.name === undefined && metadata.generateName === undefined) {
    return { ok: false, errors: [{ path: 'metadata.name', message: 'required field is missing; name the object' }] };
  }
  const object = {
    ...result.data,
    metadata: { ...metadata, name: metadata.name ?? '' } as ObjectMeta,
  } as KnownObject;
  return { ok: true, kind, object };
}
