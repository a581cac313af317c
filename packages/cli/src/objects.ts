// How the CLI names and sorts the objects it reads.
import { API_GROUP, isOurApiVersion } from '@dynamodb-operator/api';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `Kind/name` as printed in every message about an object. */
export function objectLabel(value: unknown): string {
  if (!isRecord(value)) return '(not an object)';
  const kind = typeof value.kind === 'string' && value.kind !== '' ? value.kind : '(no kind)';
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  const name = typeof metadata.name === 'string' && metadata.name !== '' ? metadata.name : '(no name)';
  return `${kind}/${name}`;
}

/** Objects of other API groups (a Secret beside an AWSProvider) are skipped, with this reason. */
export function skipReason(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  if (isOurApiVersion(value.apiVersion)) return undefined;
  const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : '(none)';
  return `skipped: apiVersion ${apiVersion} is not ${API_GROUP}`;
}
