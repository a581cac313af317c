// The admission pipeline: a chain of small plugins, each `(context) → { errors, warnings }` (the way
// cert-manager composes its webhook). Every plugin runs; their findings are concatenated, so a denial
// carries every error at once. The context parses and models the object once, for all plugins.
import { applyDefaults, isTableObject, toTableModel } from '@dynamodb-operator/api';
import type { KnownObject, ParseResult, TableModel } from '@dynamodb-operator/api';
import type { ProviderLookup } from '../providers/lookup.ts';
import { parseReviewed } from './parse-object.ts';
import type { AdmissionRequest, Findings } from './types.ts';

export interface AdmissionContext {
  request: AdmissionRequest;
  object: Record<string, unknown>;
  oldObject?: Record<string, unknown>;
  providers: ProviderLookup;
  /** parseObject of the object. Memoised. */
  parsed(): ParseResult;
  /** The parsed old object (UPDATE), when it parses and is of the same kind. Memoised. */
  oldKnown(): KnownObject | undefined;
  /** The table model of a parseable table kind, with defaults applied (as it will be stored). Memoised. */
  model(): TableModel | undefined;
  /** The same for oldObject. */
  oldModel(): TableModel | undefined;
}

export interface AdmissionPlugin {
  name: string;
  run(context: AdmissionContext): Findings;
}

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

/** The model the rules see: defaults first, as the API server will store the object (validateObject does the same). */
function modelOf(object: KnownObject | undefined): TableModel | undefined {
  if (!object || !isTableObject(object)) return undefined;
  return toTableModel(applyDefaults(object, { operatorTags: {} }).object);
}

export function admissionContext(
  request: AdmissionRequest,
  object: Record<string, unknown>,
  providers: ProviderLookup,
): AdmissionContext {
  const parsed = memo(() => parseReviewed(object));
  const known = (): KnownObject | undefined => {
    const result = parsed();
    return result.ok ? result.object : undefined;
  };
  const oldKnown = memo((): KnownObject | undefined => {
    if (request.operation !== 'UPDATE' || request.oldObject === undefined) return undefined;
    const old = parseReviewed(request.oldObject);
    // An old object that no longer parses (older schema) cannot be compared; the new one is still checked.
    return old.ok && old.kind === known()?.kind ? old.object : undefined;
  });
  const context: AdmissionContext = {
    request,
    object,
    providers,
    parsed,
    oldKnown,
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
    // Loops, not push(...spread): most plugins find nothing, and this runs for every plugin of every review.
    for (const error of result.errors) findings.errors.push(error);
    for (const warning of result.warnings) findings.warnings.push(warning);
  }
  return findings;
}
