// Object → validated, defaulted TableModel, pure. The reconciler applies the same defaults as the
// webhook, in memory, on a copy (the webhook may not be registered; the spec is never written), and
// never sends AWS a request that validateObject would reject.
import { applyDefaults, isTableObject, parseObject, toTableModel, validateObject } from '@dynamodb-operator/api';
import type { FieldError, KnownObject, TableModel } from '@dynamodb-operator/api';

export type Prepared = { ok: true; model: TableModel; object: KnownObject } | { ok: false; message: string };

export function formatErrors(errors: FieldError[]): string {
  return errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ');
}

export function prepareTable(
  raw: unknown,
  defaults: { operatorTags: Record<string, string>; providerTags?: Record<string, string> },
): Prepared {
  const parsed = parseObject(raw);
  if (!parsed.ok) return { ok: false, message: formatErrors(parsed.errors) };
  if (!isTableObject(parsed.object)) return { ok: false, message: `kind ${parsed.kind} is not a table kind` };
  // applyDefaults works on a copy of the spec (the only part it changes): no clone of the whole object here.
  const defaulted = applyDefaults(parsed.object, defaults).object;
  const v = validateObject(defaulted);
  if (v.errors.length > 0) return { ok: false, message: formatErrors(v.errors) };
  return { ok: true, model: toTableModel(defaulted), object: defaulted };
}
