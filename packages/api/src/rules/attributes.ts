// Attribute definitions: valid names and types, one type per attribute (a repeated identical definition
// is only a warning), and a warning for definitions that no key uses (DynamoDB rejects those, so they are left out of the request).
import { ATTRIBUTE_TYPES } from '../model.ts';
import type { TableModel } from '../model.ts';
import { ATTRIBUTE_NAME_MAX, ATTRIBUTE_NAME_MIN } from './limits.ts';
import { Findings, show, utf8Length } from './result.ts';

/** Every attribute name a key (table, GSI or LSI) refers to. */
export function keyAttributeNames(model: TableModel): Set<string> {
  const used = new Set<string>();
  for (const el of model.keySchema) used.add(el.attributeName);
  for (const index of [...model.globalSecondaryIndexes, ...model.localSecondaryIndexes]) {
    for (const el of index.keySchema) used.add(el.attributeName);
  }
  return used;
}

/** Checks one attribute name against DynamoDB's 1–255 byte limit; `what` names it in the message. */
export function checkAttributeName(name: string, path: string, what: string, out: Findings): void {
  const bytes = utf8Length(name);
  if (bytes < ATTRIBUTE_NAME_MIN) {
    out.error(path, `${what} is empty: give the attribute a name of 1 to ${ATTRIBUTE_NAME_MAX} bytes`);
  } else if (bytes > ATTRIBUTE_NAME_MAX) {
    out.error(
      path,
      `${what} ${show(name)} is ${bytes} bytes long: DynamoDB allows at most ${ATTRIBUTE_NAME_MAX} bytes (UTF-8), so shorten it`,
    );
  }
}

export function checkAttributes(model: TableModel): Findings {
  const out = new Findings();
  const firstByName = new Map<string, { type: string; path: string }>();
  const used = keyAttributeNames(model);
  for (const def of model.attributeDefinitions) {
    checkAttributeName(def.name, `${def.path}.name`, 'attribute name', out);
    if (!(ATTRIBUTE_TYPES as readonly string[]).includes(def.type)) {
      out.error(
        `${def.path}.type`,
        `attribute type ${show(String(def.type))} is not valid: use S (string), N (number) or B (binary)`,
      );
    }
    const first = firstByName.get(def.name);
    if (first) {
      // The same definition twice is harmless (it is sent once); two types for one attribute are not.
      if (first.type === def.type) {
        out.warn(`${def.path} (${def.name}) repeats the definition at ${first.path}; it is sent to DynamoDB once`);
      } else {
        out.error(
          `${def.path}.type`,
          `attribute ${show(def.name)} is defined twice with different types (${first.type} at ${first.path}, ${def.type} here): an attribute has exactly one type, so keep one definition`,
        );
      }
      continue;
    }
    firstByName.set(def.name, { type: def.type, path: def.path });
    if (!used.has(def.name)) {
      out.warn(`${def.path} (${def.name}) is not used by any key or index; it is accepted but not sent to DynamoDB`);
    }
  }
  return out;
}
