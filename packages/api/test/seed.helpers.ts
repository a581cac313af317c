// The seed page's manifests (examples/seed, byte-for-byte) and the repository's examples, as objects.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { isOurApiVersion, isTableObject, parseObject } from '../src/index.ts';
import type { KnownObject, TableObject } from '../src/index.ts';
import { nonEmpty } from '../../../test/support/fixtures.ts';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');
export const seedDir = join(repoRoot, 'examples/seed');

export interface SeedObject {
  file: string;
  raw: Record<string, unknown>;
}

function objectsIn(dir: string): SeedObject[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => ({
        file,
        raw: doc.toJS() as Record<string, unknown>,
      })),
    )
    .filter((entry) => isOurApiVersion(entry.raw.apiVersion));
}

/** Every object of our API group on the seed page (the Secret beside the AWSProvider is left out). */
export const seedObjects = (): SeedObject[] => nonEmpty('seed objects', objectsIn(seedDir));
/** The repository's own working examples (examples/*.yaml, not examples/broken). */
export const exampleObjects = (): SeedObject[] => nonEmpty('example objects', objectsIn(join(repoRoot, 'examples')));

export function parsed(raw: unknown): KnownObject {
  const result = parseObject(raw);
  if (!result.ok) throw new Error(`does not parse: ${JSON.stringify(result.errors)}`);
  return result.object;
}

export function parsedTable(raw: unknown): TableObject {
  const object = parsed(raw);
  if (!isTableObject(object)) throw new Error('not a table');
  return object;
}

export const GV = 'aws-infra-operator.runner.codes/v1alpha1';

/** A minimal valid DynamoDB object with `spec` fields overridden. */
export function dynamodb(spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: GV,
    kind: 'DynamoDB',
    metadata: { name: 'orders', namespace: 'shop' },
    spec: {
      providerRef: { name: 'aws' },
      tableName: 'orders',
      attributes: [
        { name: 'pk', type: 'S' },
        { name: 'sk', type: 'N' },
      ],
      keySchema: [
        { attributeName: 'pk', keyType: 'HASH' },
        { attributeName: 'sk', keyType: 'RANGE' },
      ],
      ...spec,
    },
  };
}

/** A minimal valid DynamoDBTable object with `spec` fields overridden. */
export function dynamodbTable(spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: GV,
    kind: 'DynamoDBTable',
    metadata: { name: 'users', namespace: 'shop' },
    spec: {
      tableName: 'users',
      providerRef: { name: 'aws' },
      hashKey: { name: 'id', type: 'S' },
      ...spec,
    },
  };
}
