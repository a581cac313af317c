// Update-time rules: what DynamoDB cannot change on an existing table (its name, key schema, key
// attribute types, LSIs) and what the operator will not move (providerRef: the table would silently
// change account or region).
import type { KeyElement, SecondaryIndex, TableModel } from '../model.ts';
import { tableNamePath } from './names.ts';
import { Findings, show } from './result.ts';

const keyText = (keys: KeyElement[]): string => keys.map((k) => `${k.attributeName} ${k.keyType}`).join(', ');

const typeOf = (model: TableModel, name: string): string | undefined =>
  model.attributeDefinitions.find((d) => d.name === name)?.type;

function lsiText(model: TableModel, index: SecondaryIndex): string {
  const keys = index.keySchema.map((k) => `${k.attributeName}:${typeOf(model, k.attributeName) ?? '?'} ${k.keyType}`);
  const projection = [index.projection.type, ...[...index.projection.nonKeyAttributes].sort()].join(' ');
  return `${index.indexName}(${keys.join(', ')}; ${projection})`;
}

const lsisText = (model: TableModel): string =>
  model.localSecondaryIndexes
    .map((index) => lsiText(model, index))
    .sort()
    .join('; ');

export function checkImmutable(model: TableModel, old: TableModel): Findings {
  const out = new Findings();
  const recreate = 'DynamoDB cannot change this on an existing table';
  if (model.tableName !== old.tableName) {
    out.error(
      tableNamePath(model),
      `tableName is immutable (was ${show(old.tableName)}): ${recreate}; restore it, or create a new object for a new table`,
    );
  }
  if (keyText(model.keySchema) !== keyText(old.keySchema)) {
    out.error(
      model.keySchemaPath,
      `the table's key schema is immutable (was ${keyText(old.keySchema)}): ${recreate}; restore it, or create a new object for a new table`,
    );
  } else {
    for (const key of model.keySchema) {
      const before = typeOf(old, key.attributeName);
      const now = typeOf(model, key.attributeName);
      if (before !== undefined && now !== undefined && before !== now) {
        const def = model.attributeDefinitions.find((d) => d.name === key.attributeName);
        out.error(
          def ? `${def.path}.type` : model.attributeDefinitionsPath,
          `the type of key attribute ${show(key.attributeName)} is immutable (was ${before}): ${recreate}; restore type ${before}`,
        );
      }
    }
  }
  if (lsisText(model) !== lsisText(old)) {
    out.error(
      model.localSecondaryIndexesPath,
      `local secondary indexes are immutable (were: ${lsisText(old) || 'none'}): DynamoDB creates LSIs only with the table; restore them, or create a new object for a new table`,
    );
  }
  const ref = (m: TableModel): string =>
    m.providerRef.kind
      ? `${m.providerRef.kind}/${m.providerRef.name}`
      : `${m.providerRef.namespace || m.namespace}/${m.providerRef.name}`;
  if (ref(model) !== ref(old)) {
    out.error(
      model.providerRef.path,
      `providerRef is immutable (was ${show(old.providerRef.name)}): switching providers would move the table to another account or region; restore it, or create a new object`,
    );
  }
  return out;
}
