// The management annotations (paused, management-policy): a value the reconciler would not understand
// is refused with the fix; what they do that could surprise comes back as a kubectl warning.
import { ADOPT_ANNOTATION, readManagement } from '../management/annotations.ts';
import type { TableModel, ValidationResult } from '../model.ts';
import { Findings } from './result.ts';

/** The parts of a table object these rules read. */
export interface ManagedObject {
  metadata: { annotations?: Record<string, string> };
  spec?: unknown;
  status?: unknown;
}

/** The Synced condition's message when the old status reported drift (what switching to Full repairs). */
function driftSeen(status: unknown): string | undefined {
  const conditions = (status as { conditions?: unknown } | undefined)?.conditions;
  if (!Array.isArray(conditions)) return undefined;
  const synced = conditions.find((c) => (c as { type?: unknown })?.type === 'Synced') as
    { reason?: unknown; message?: unknown } | undefined;
  return synced?.reason === 'DriftDetected' && typeof synced.message === 'string' ? synced.message : undefined;
}

export function checkManagement(object: ManagedObject, model: TableModel, old?: ManagedObject): ValidationResult {
  const out = new Findings();
  const now = readManagement(object.metadata.annotations);
  for (const e of now.errors) out.error(e.path, e.message);
  if (now.errors.length > 0) return out;
  const before = old ? readManagement(old.metadata.annotations) : undefined;

  // Warnings are one kubectl line each (≤ 120 characters), so they say the annotation, not its full path.
  if (now.policy === 'Observe' && before?.policy !== 'Observe') {
    const ignored = (model.deletionPolicy ?? 'Delete') === 'Delete' ? ' (deletionPolicy Delete ignored)' : '';
    out.warn(`management-policy Observe: the table must exist; it is never created, changed or deleted${ignored}`);
  }
  if (before?.policy === 'Observe' && now.policy === 'Full') {
    const what = driftSeen(old?.status) ? ' (Synced said what differs)' : '';
    out.warn(`management-policy Observe → Full: the operator will change the table to match the spec${what}`);
    if (object.metadata.annotations?.[ADOPT_ANNOTATION] !== 'true') {
      out.warn(`management-policy Full: a table this object did not create also needs ${ADOPT_ANNOTATION}="true"`);
    }
  }
  if (now.paused && before?.paused && JSON.stringify(old?.spec) !== JSON.stringify(object.spec)) {
    out.warn('paused: this change reaches AWS only after the paused annotation is removed (or set to "false")');
  }
  return out;
}
