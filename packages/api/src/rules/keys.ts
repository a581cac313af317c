// Key schemas (the table's and every index's): one HASH key, at most one RANGE key after it, two
// different attributes, each one defined in the attribute definitions.
import type { AttributeDefinition, KeyElement, TableModel } from '../model.ts';
import { keyAttributePath, keyTypePath } from './paths.ts';
import { Findings, show } from './result.ts';

/** Attribute name → its first definition. */
export function definitionsOf(model: TableModel): Map<string, AttributeDefinition> {
  const defined = new Map<string, AttributeDefinition>();
  for (const def of model.attributeDefinitions) if (!defined.has(def.name)) defined.set(def.name, def);
  return defined;
}

/**
 * Checks one key schema. `listPath` is where the key schema lives (for "add a HASH key" errors),
 * `owner` names it in messages ("the table", "index \"by-email\""); `defined` lets callers with many
 * indexes build the definitions map once.
 */
export function checkKeySchema(
  keys: KeyElement[],
  listPath: string,
  owner: string,
  model: TableModel,
  out: Findings,
  defined: ReadonlyMap<string, AttributeDefinition> = definitionsOf(model),
): void {
  const hashes = keys.filter((k) => k.keyType === 'HASH');
  const ranges = keys.filter((k) => k.keyType === 'RANGE');
  if (hashes.length === 0) {
    out.error(listPath, `${owner} has no HASH (partition) key: add exactly one key element with keyType HASH`);
  }
  for (const extra of hashes.slice(1)) {
    out.error(
      keyTypePath(extra),
      `${owner} has more than one HASH key (${show(extra.attributeName)} is the second): keep exactly one HASH key and make the other a RANGE key or remove it`,
    );
  }
  for (const extra of ranges.slice(1)) {
    out.error(
      keyTypePath(extra),
      `${owner} has more than one RANGE key (${show(extra.attributeName)} is the second): keep at most one RANGE (sort) key`,
    );
  }
  for (const el of keys) {
    if (el.keyType !== 'HASH' && el.keyType !== 'RANGE') {
      out.error(keyTypePath(el), `key type ${show(String(el.keyType))} is not valid: use HASH or RANGE`);
    }
  }
  const [first, second] = keys;
  if (keys.length === 2 && first && second && first.keyType === 'RANGE' && second.keyType === 'HASH') {
    out.error(
      keyTypePath(first),
      `${owner} lists its RANGE key before its HASH key: DynamoDB requires the HASH key first, so swap the two elements`,
    );
  }
  if (keys.length > 2 && hashes.length <= 1 && ranges.length <= 1) {
    const third = keys[2];
    if (third)
      out.error(third.path, `${owner} has ${keys.length} key elements: a key schema has one or two (HASH, then RANGE)`);
  }
  const seen = new Set<string>();
  for (const el of keys) {
    if (seen.has(el.attributeName)) {
      out.error(
        keyAttributePath(el),
        `${owner} uses attribute ${show(el.attributeName)} twice in its key: the HASH and RANGE keys must be different attributes`,
      );
    }
    seen.add(el.attributeName);
    if (el.attributeName.length > 0 && !defined.has(el.attributeName)) {
      out.error(
        keyAttributePath(el),
        `attribute ${show(el.attributeName)} (a key of ${owner}) is not defined: add {name: ${el.attributeName}, type: S|N|B} to ${model.attributeDefinitionsPath}`,
      );
    }
    if (el.attributeName.length === 0) {
      out.error(keyAttributePath(el), `${owner} has a key element without an attribute name: name the attribute`);
    }
  }
}

/** The table's own key schema. */
export function checkTableKeys(model: TableModel): Findings {
  const out = new Findings();
  checkKeySchema(model.keySchema, model.keySchemaPath, 'the table', model, out);
  return out;
}
