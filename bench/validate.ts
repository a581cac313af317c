// Validate throughput: validateObject (parse → defaults → model → every rule) on each seed manifest of
// our kinds and on a table with 20 GSIs, plus validateTable alone on the 20-GSI model.
// Prints seed_<file>_specs_per_s, gsi20_specs_per_s, gsi20_rules_only_specs_per_s (one JSON line each).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { applyDefaults, parseObject, toTableModel, validateObject, validateTable } from '@dynamodb-operator/api';
import type { KnownObject } from '@dynamodb-operator/api';
import { emit } from './_emit.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BENCH = 'validate';
const WARMUP_MS = 200;
const MEASURE_MS = Number(process.env.BENCH_MS ?? 1_000);

/** Calls fn repeatedly for MEASURE_MS (after a warm-up) and returns calls per second. */
function throughput(fn: () => void): number {
  const until = (ms: number): number => {
    let calls = 0;
    const start = performance.now();
    while (performance.now() - start < ms) {
      for (let i = 0; i < 100; i++) fn();
      calls += 100;
    }
    return (calls * 1000) / (performance.now() - start);
  };
  until(WARMUP_MS);
  return until(MEASURE_MS);
}

function check(obj: unknown, label: string): void {
  const { errors } = validateObject(obj);
  if (errors.length > 0) throw new Error(`${label} is not valid: ${JSON.stringify(errors)}`);
}

const seedDir = join(root, 'examples/seed');
for (const file of readdirSync(seedDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()) {
  const objects = parseAllDocuments(readFileSync(join(seedDir, file), 'utf8'))
    .map((d) => d.toJS() as { apiVersion?: string })
    .filter((o) => o.apiVersion?.startsWith('aws-infra-operator.runner.codes/'));
  for (const obj of objects) {
    check(obj, file);
    const name = file.replace(/\.yaml$/, '').replace(/[^a-zA-Z0-9]+/g, '_');
    emit(
      BENCH,
      `seed_${name}_specs_per_s`,
      throughput(() => validateObject(obj)),
      'specs/s',
    );
  }
}

const letters = 'abcdefghijklmnopqrst';
const gsi20 = {
  apiVersion: 'aws-infra-operator.runner.codes/v1alpha1',
  kind: 'DynamoDB',
  metadata: { name: 'gsi20', namespace: 'default' },
  spec: {
    providerRef: { name: 'localstack' },
    tableName: 'gsi20',
    billingMode: 'PROVISIONED',
    billingModeConfig: { readCapacityUnits: 5, writeCapacityUnits: 5 },
    attributes: [
      { name: 'pk', type: 'S' },
      { name: 'sk', type: 'S' },
      ...[...letters].map((c) => ({ name: `g${c}`, type: 'S' })),
    ],
    keySchema: [
      { attributeName: 'pk', keyType: 'HASH' },
      { attributeName: 'sk', keyType: 'RANGE' },
    ],
    globalSecondaryIndexes: [...letters].map((c, i) => ({
      indexName: `by-${c}`,
      keys: [
        { attributeName: `g${c}`, keyType: 'HASH' },
        { attributeName: 'sk', keyType: 'RANGE' },
      ],
      projection: { type: 'INCLUDE', nonKeyAttributes: Array.from({ length: 5 }, (_, j) => `p${i}_${j}`) },
      billingModeConfig: { readCapacityUnits: 1, writeCapacityUnits: 1 },
    })),
    tags: { Team: 'platform', Environment: 'bench' },
  },
};
check(gsi20, 'the 20-GSI table');
emit(
  BENCH,
  'gsi20_specs_per_s',
  throughput(() => validateObject(gsi20)),
  'specs/s',
);

const parsed = parseObject(gsi20);
if (!parsed.ok) throw new Error('the 20-GSI table does not parse');
const model = toTableModel(applyDefaults(parsed.object as KnownObject, { operatorTags: {} }).object);
emit(
  BENCH,
  'gsi20_rules_only_specs_per_s',
  throughput(() => validateTable(model, model)),
  'specs/s',
);
