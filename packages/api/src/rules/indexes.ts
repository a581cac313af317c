// Secondary indexes: at most 20 GSIs and 5 LSIs, valid key schemas, and an LSI's shape — the table's
// HASH key plus a RANGE key of its own, on a table that has a RANGE key.
import type { TableModel } from '../model.ts';
import { checkKeySchema, definitionsOf } from './keys.ts';
import { MAX_GSIS, MAX_LSIS } from './limits.ts';
import { indexKeysPath } from './paths.ts';
import { Findings, show } from './result.ts';

export function checkIndexes(model: TableModel): Findings {
  const out = new Findings();
  const gsis = model.globalSecondaryIndexes;
  const lsis = model.localSecondaryIndexes;
  if (gsis.length > MAX_GSIS) {
    out.error(
      model.globalSecondaryIndexesPath,
      `${gsis.length} global secondary indexes: DynamoDB allows at most ${MAX_GSIS} per table, so remove ${gsis.length - MAX_GSIS}`,
    );
  }
  if (lsis.length > MAX_LSIS) {
    out.error(
      model.localSecondaryIndexesPath,
      `${lsis.length} local secondary indexes: DynamoDB allows at most ${MAX_LSIS} per table, so remove ${lsis.length - MAX_LSIS}`,
    );
  }
  const defined = definitionsOf(model);
  for (const index of gsis) {
    checkKeySchema(index.keySchema, indexKeysPath(model, index), `index ${show(index.indexName)}`, model, out, defined);
  }

  const tableHash = model.keySchema.find((k) => k.keyType === 'HASH');
  const tableRange = model.keySchema.find((k) => k.keyType === 'RANGE');
  if (lsis.length > 0 && !tableRange) {
    out.error(
      model.localSecondaryIndexesPath,
      `local secondary indexes need a table with a RANGE (sort) key: add a RANGE key to the table, or use global secondary indexes`,
    );
  }
  for (const index of lsis) {
    const owner = `index ${show(index.indexName)}`;
    checkKeySchema(index.keySchema, indexKeysPath(model, index), owner, model, out, defined);
    const hash = index.keySchema.find((k) => k.keyType === 'HASH');
    const range = index.keySchema.find((k) => k.keyType === 'RANGE');
    if (hash && tableHash && hash.attributeName !== tableHash.attributeName) {
      out.error(
        hash.path.endsWith(']') ? `${hash.path}.attributeName` : hash.path,
        `local secondary index ${show(index.indexName)} must use the table's HASH key ${show(tableHash.attributeName)}, not ${show(hash.attributeName)}: change it, or make this a global secondary index`,
      );
    }
    if (range && tableRange && range.attributeName === tableRange.attributeName) {
      out.error(
        range.path.endsWith(']') ? `${range.path}.attributeName` : range.path,
        `local secondary index ${show(index.indexName)} sorts by the table's own RANGE key ${show(range.attributeName)}, which gives nothing the table does not: choose another sort key attribute`,
      );
    }
    if (hash && !range) {
      out.error(
        indexKeysPath(model, index),
        `local secondary index ${show(index.indexName)} has no RANGE key: add a RANGE key (a sort key other than the table's)`,
      );
    }
  }
  return out;
}
