// Deletion: the policy enum, and the trap of Delete + deletion protection (the table can never be
// deleted, so the object would hang in its finalizer).
import { DELETION_POLICIES, TABLE_CLASSES } from '../model.ts';
import type { TableModel } from '../model.ts';
import { Findings, show } from './result.ts';

export function checkDeletion(model: TableModel): Findings {
  const out = new Findings();
  const policy = model.deletionPolicy ?? 'Delete';
  if (!(DELETION_POLICIES as readonly string[]).includes(policy)) {
    out.error(
      model.deletionPolicyPath,
      `deletion policy ${show(String(policy))} is not valid: use Delete, Retain or Orphan`,
    );
  } else if (policy === 'Delete' && model.deletionProtectionEnabled) {
    out.warn(
      `${model.deletionPolicyPath}: deletionPolicy Delete with deletion protection enabled (${model.deletionProtectionPath}) means deleting this object waits until you turn deletion protection off`,
    );
  }
  return out;
}

/** Table class: STANDARD or STANDARD_INFREQUENT_ACCESS. */
export function checkTableClass(model: TableModel): Findings {
  const out = new Findings();
  if (model.tableClass !== undefined && !(TABLE_CLASSES as readonly string[]).includes(model.tableClass)) {
    out.error(
      model.tableClassPath,
      `table class ${show(String(model.tableClass))} is not valid: use ${TABLE_CLASSES.join(' or ')}`,
    );
  }
  return out;
}
