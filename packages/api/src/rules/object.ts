// The whole pipeline for one object of any of the three kinds, as the CLI and the webhook run it:
// parse (structural errors returned as they are) → defaults → model → rules (+ immutability on UPDATE).
// Defaults are applied first so that a file validates exactly as the API server would store it
// (e.g. `streamEnabled: true` gets its view type from the mutating webhook, not from the user).
import { applyDefaults } from '../defaults/index.ts';
import { toTableModel } from '../normalise/index.ts';
import { parseObject } from '../schemas/parse.ts';
import type { KnownObject } from '../schemas/objects.ts';
import type { TableModel, ValidationResult } from '../model.ts';
import { validateTable } from './table.ts';
import { checkManagement } from './management.ts';
import { checkCapacityManagement } from './capacity-management.ts';
import { validateProvider } from './provider.ts';
import { validateClusterProvider } from './cluster-provider.ts';

function tableModel(obj: KnownObject): TableModel {
  return toTableModel(applyDefaults(obj, { operatorTags: {} }).object);
}

export function validateObject(obj: unknown, oldObj?: unknown): ValidationResult {
  const parsed = parseObject(obj);
  if (!parsed.ok) return { errors: parsed.errors, warnings: [] };
  const oldParsed = oldObj === undefined ? undefined : parseObject(oldObj);
  // An old object that no longer parses (older schema) cannot be compared; the new one is still checked.
  const old = oldParsed?.ok && oldParsed.kind === parsed.kind ? oldParsed.object : undefined;
  if (parsed.kind === 'AWSProvider') return validateProvider(parsed.object, old);
  if (parsed.kind === 'ClusterAWSProvider') return validateClusterProvider(parsed.object, old);
  const model = tableModel(parsed.object);
  const table = validateTable(model, old ? tableModel(old) : undefined);
  const management = checkManagement(parsed.object, model, old);
  const capacity = checkCapacityManagement(parsed.object.metadata.annotations);
  return {
    errors: [...table.errors, ...management.errors, ...capacity],
    warnings: [...table.warnings, ...management.warnings],
  };
}
