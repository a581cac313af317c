// Field paths of the parts of a key element. The two kinds differ: DynamoDB's key elements are objects
// (`spec.keySchema[1]` → `.attributeName`, `.keyType`), DynamoDBTable's are single fields whose path
// already names the attribute (`spec.hashKey.name`, `spec.globalSecondaryIndexes[0].rangeKey`), and
// whose key type is implied by the field itself.
import type { KeyElement } from '../model.ts';

const isListElement = (path: string): boolean => path.endsWith(']');

/** Where the user wrote the attribute name of this key element. */
export function keyAttributePath(el: KeyElement): string {
  return isListElement(el.path) ? `${el.path}.attributeName` : el.path;
}

/** Where the user wrote the key type of this key element (DynamoDBTable has none: the field name is the type). */
export function keyTypePath(el: KeyElement): string {
  return isListElement(el.path) ? `${el.path}.keyType` : el.path;
}

// Paths of fields the model keeps no element for (because they are absent, or belong to a whole
// index), derived from the kind's shape.
import type { SecondaryIndex, TableModel } from '../model.ts';

/** The list (or fields) that hold an index's key schema. */
export function indexKeysPath(model: TableModel, index: SecondaryIndex): string {
  return model.kind === 'DynamoDB' ? `${index.path}.keys` : `${index.path}.hashKey`;
}

/** Where an index's projection type is written. */
export function projectionTypePath(model: TableModel, index: SecondaryIndex): string {
  return model.kind === 'DynamoDB' ? `${index.projection.path}.type` : `${index.path}.projectionType`;
}

/** Where an index's projected non-key attributes are written. */
export function nonKeyAttributesPath(model: TableModel, index: SecondaryIndex): string {
  return model.kind === 'DynamoDB' ? `${index.projection.path}.nonKeyAttributes` : `${index.path}.nonKeyAttributes`;
}

/** Where an index's own capacity is (or would be) written. */
export function indexCapacityPath(model: TableModel, index: SecondaryIndex): string {
  if (index.provisionedThroughput) return index.provisionedThroughput.path;
  return model.kind === 'DynamoDB' ? `${index.path}.billingModeConfig` : `${index.path}.provisionedThroughput`;
}

/** The field users write for an index's capacity, for messages. */
export function capacityFieldName(model: TableModel): string {
  return model.kind === 'DynamoDB' ? 'billingModeConfig' : 'provisionedThroughput';
}
