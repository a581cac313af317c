// Table and index names: 3–255 characters of [a-zA-Z0-9_.-] (DynamoDB's TableName/IndexName), and
// index names unique across GSIs and LSIs together.
import type { TableModel } from '../model.ts';
import { NAME_MAX, NAME_MIN, NAME_PATTERN } from './limits.ts';
import { Findings, show } from './result.ts';

export function checkName(name: string, path: string, what: string, out: Findings): void {
  if (name.length < NAME_MIN || name.length > NAME_MAX) {
    out.error(
      path,
      `${what} ${show(name)} has ${name.length} characters: use ${NAME_MIN} to ${NAME_MAX} characters of a-z, A-Z, 0-9, '_', '-' and '.'`,
    );
  }
  if (name.length > 0 && !NAME_PATTERN.test(name)) {
    const bad = [...new Set([...name].filter((ch) => !NAME_PATTERN.test(ch)))].join('');
    out.error(
      path,
      `${what} ${show(name)} contains characters DynamoDB does not allow (${show(bad)}): use only a-z, A-Z, 0-9, '_', '-' and '.'`,
    );
  }
}

export function checkNames(model: TableModel): Findings {
  const out = new Findings();
  checkName(model.tableName, tableNamePath(model), 'table name', out);
  const seen = new Map<string, string>();
  for (const index of [...model.globalSecondaryIndexes, ...model.localSecondaryIndexes]) {
    const path = `${index.path}.indexName`;
    checkName(index.indexName, path, 'index name', out);
    const first = seen.get(index.indexName);
    if (first !== undefined) {
      out.error(
        path,
        `index name ${show(index.indexName)} is already used by ${first}: give every GSI and LSI its own name`,
      );
    } else {
      seen.set(index.indexName, index.path);
    }
  }
  return out;
}

/** Both kinds keep the table name at spec.tableName. */
export function tableNamePath(_model: TableModel): string {
  return 'spec.tableName';
}
