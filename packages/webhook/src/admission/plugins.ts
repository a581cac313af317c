// The admission pipeline: a chain of small plugins, each `(context) → { errors, warnings }` (the way
// cert-manager composes its webhook). Every plugin runs; their findings are concatenated, so a denial
// carries every error at once.
import { parseObject, TABLE_KINDS, toTableModel } from '@dynamodb-operator/api';
import type { KnownObject, TableKind, TableModel } from '@dynamodb-operator/api';
import type { ProviderLookup } from '../providers/lookup.ts';
import type { AdmissionRequest, Findings } from './types.ts';

export interface AdmissionContext {
  request: AdmissionRequest;
  object: Record<string, unknown>;
  oldObject?: Record<string, unknown>;
  providers: ProviderLookup;
  /** The parsed object, or undefined when it does not parse (the rules plugin reports why). Memoised. */
  known(): KnownObject | undefined;
  /** The table model of a parseable table kind, else undefined. Memoised. */
  model(): TableModel | undefined;
  /** The same for oldObject (UPDATE only). */
  oldModel(): TableModel | undefined;
}

export interface AdmissionPlugin {
  name: string;
  run(context: AdmissionContext): Findings;
}

const isTableKind = (kind: string): kind is TableKind => (TABLE_KINDS as readonly string[]).includes(kind);

function memo<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}

function parsed(object: Record<string, unknown> | undefined): KnownObject | undefined {
  if (object === undefined) return undefined;
  const result = parseObject(object);
  return result.ok ? result.object : undefined;
}

function modelOf(object: KnownObject | undefined): TableModel | undefined {
  return object && isTableKind(object.kind) ? toTableModel(object) : undefined;
}

export function admissionContext(
  request: AdmissionRequest,
  object: Record<string, unknown>,
  providers: ProviderLookup,
): AdmissionContext {
  const known = memo(() => parsed(object));
  const oldKnown = memo(() => parsed(request.oldObject));
  const context: AdmissionContext = {
    request,
    object,
    providers,
    known,
    model: memo(() => modelOf(known())),
    oldModel: memo(() => modelOf(oldKnown())),
  };
  if (request.oldObject !== undefined) context.oldObject = request.oldObject;
  return context;
}

export function runPlugins(plugins: readonly AdmissionPlugin[], context: AdmissionContext): Findings {
  const findings: Findings = { errors: [], warnings: [] };
  for (const plugin of plugins) {
    const result = plugin.run(context);
    findings.errors.push(...result.errors);
    findings.warnings.push(...result.warnings);
  }
  return findings;
}
