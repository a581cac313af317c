// Time to live: an attribute name (1–255 bytes) whenever TTL is enabled. DynamoDB only expires items
// whose TTL attribute is a Number, so a key attribute of another type can never work.
import type { TableModel } from '../model.ts';
import { checkAttributeName } from './attributes.ts';
import { Findings, show } from './result.ts';

export function checkTimeToLive(model: TableModel): Findings {
  const out = new Findings();
  const { enabled, attributeName, path } = model.timeToLive;
  const namePath = `${path}.attributeName`;
  if (enabled && (attributeName === undefined || attributeName === '')) {
    out.error(
      namePath,
      'time to live is enabled but names no attribute: set attributeName (a Number attribute holding epoch seconds)',
    );
    return out;
  }
  if (attributeName === undefined) return out;
  checkAttributeName(attributeName, namePath, 'TTL attribute name', out);
  const def = model.attributeDefinitions.find((d) => d.name === attributeName);
  if (enabled && def && def.type !== 'N') {
    out.warn(
      `${namePath}: TTL attribute ${show(attributeName)} is defined with type ${def.type} at ${def.path}; DynamoDB only expires items whose TTL attribute is a Number (epoch seconds)`,
    );
  }
  return out;
}
