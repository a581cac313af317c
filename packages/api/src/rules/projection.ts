// Index projections: INCLUDE needs 1–20 non-key attributes (and at most 100 over all indexes),
// ALL and KEYS_ONLY take none.
import { PROJECTION_TYPES } from '../model.ts';
import type { TableModel } from '../model.ts';
import { checkAttributeName } from './attributes.ts';
import { MAX_NON_KEY_ATTRIBUTES_PER_INDEX, MAX_NON_KEY_ATTRIBUTES_TOTAL } from './limits.ts';
import { nonKeyAttributesPath, projectionTypePath } from './paths.ts';
import { Findings, show } from './result.ts';

export function checkProjections(model: TableModel): Findings {
  const out = new Findings();
  let total = 0;
  const tableKeys = new Set(model.keySchema.map((k) => k.attributeName));
  for (const index of [...model.globalSecondaryIndexes, ...model.localSecondaryIndexes]) {
    const { type, nonKeyAttributes } = index.projection;
    const listPath = nonKeyAttributesPath(model, index);
    const name = show(index.indexName);
    if (!(PROJECTION_TYPES as readonly string[]).includes(type)) {
      out.error(
        projectionTypePath(model, index),
        `projection type ${show(String(type))} is not valid: use ALL, KEYS_ONLY or INCLUDE`,
      );
      continue;
    }
    if (type !== 'INCLUDE') {
      if (nonKeyAttributes.length > 0) {
        out.error(
          listPath,
          `index ${name} projects ${type} but lists nonKeyAttributes: remove nonKeyAttributes, or set the projection type to INCLUDE`,
        );
      }
      continue;
    }
    total += nonKeyAttributes.length;
    if (nonKeyAttributes.length === 0) {
      out.error(
        listPath,
        `index ${name} projects INCLUDE but lists no nonKeyAttributes: name the attributes to copy into the index, or use ALL or KEYS_ONLY`,
      );
    }
    if (nonKeyAttributes.length > MAX_NON_KEY_ATTRIBUTES_PER_INDEX) {
      out.error(
        listPath,
        `index ${name} projects ${nonKeyAttributes.length} non-key attributes: DynamoDB allows at most ${MAX_NON_KEY_ATTRIBUTES_PER_INDEX} per index; use projection ALL instead`,
      );
    }
    const indexKeys = new Set(index.keySchema.map((k) => k.attributeName));
    const seen = new Set<string>();
    nonKeyAttributes.forEach((attr, i) => {
      const path = `${listPath}[${i}]`;
      checkAttributeName(attr, path, 'projected attribute name', out);
      if (seen.has(attr)) out.error(path, `index ${name} projects ${show(attr)} twice: list each attribute once`);
      seen.add(attr);
      if (tableKeys.has(attr) || indexKeys.has(attr)) {
        out.error(
          path,
          `${show(attr)} is a key attribute, which every index projects anyway: remove it from nonKeyAttributes`,
        );
      }
    });
  }
  if (total > MAX_NON_KEY_ATTRIBUTES_TOTAL) {
    out.error(
      model.globalSecondaryIndexes.length > 0 ? model.globalSecondaryIndexesPath : model.localSecondaryIndexesPath,
      `the indexes project ${total} non-key attributes in total: DynamoDB allows at most ${MAX_NON_KEY_ATTRIBUTES_TOTAL} summed over all indexes (an attribute in two indexes counts twice); use projection ALL for some`,
    );
  }
  return out;
}
