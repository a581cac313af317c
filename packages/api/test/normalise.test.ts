import { expect } from 'chai';
import { keyFieldPath, toTableModel } from '../src/index.ts';
import type { FieldPath, TableModel } from '../src/index.ts';
import { dynamodb, dynamodbTable, exampleObjects, parsed, parsedTable, seedObjects } from './seed.helpers.ts';

/** The value at a user field path such as `spec.keySchema[1].keyType` (undefined when absent). */
function at(obj: unknown, path: FieldPath): unknown {
  let current: unknown = obj;
  for (const [, key, index] of path.matchAll(/\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]/g)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key ?? Number(index)];
  }
  return current;
}

/** Every path an element of the model points at must exist in the object it came from. */
function elementPaths(model: TableModel): FieldPath[] {
  const indexes = [...model.globalSecondaryIndexes, ...model.localSecondaryIndexes];
  return [
    model.providerRef.path,
    ...model.attributeDefinitions.map((d) => d.path),
    ...model.keySchema.map((k) => k.path),
    ...indexes.map((i) => i.path),
    ...indexes.flatMap((i) => i.keySchema.filter((k) => !k.path.endsWith('.hashKey') || i.path.includes('global'))),
  ].map((p) => (typeof p === 'string' ? p : p.path));
}

describe('normalise: toTableModel', () => {
  it('normalises every seed and example table, with element paths that exist in the manifest', () => {
    const tables = [...seedObjects(), ...exampleObjects()].filter((o) => o.raw.kind !== 'AWSProvider');
    expect(tables.length).to.be.greaterThan(10);
    for (const { file, raw } of tables) {
      const model = toTableModel(parsed(raw));
      expect(model.tableName, file).to.equal((raw.spec as { tableName: string }).tableName);
      for (const path of elementPaths(model)) expect(at(raw, path), `${file}: ${path}`).to.not.equal(undefined);
    }
  });

  it('DynamoDBTable: hashKey/rangeKey become key elements and attribute definitions', () => {
    const model = toTableModel(
      parsedTable(dynamodbTable({ rangeKey: { name: 'ts', type: 'N' }, attributes: [{ name: 'email', type: 'S' }] })),
    );
    expect(model.keySchema).to.deep.equal([
      { attributeName: 'id', keyType: 'HASH', path: 'spec.hashKey.name' },
      { attributeName: 'ts', keyType: 'RANGE', path: 'spec.rangeKey.name' },
    ]);
    expect(model.attributeDefinitions).to.deep.equal([
      { name: 'id', type: 'S', path: 'spec.hashKey' },
      { name: 'ts', type: 'N', path: 'spec.rangeKey' },
      { name: 'email', type: 'S', path: 'spec.attributes[0]' },
    ]);
    expect(model.namespace).to.equal('shop');
    expect(model.providerRef).to.deep.equal({ name: 'aws', path: 'spec.providerRef' });
  });

  it('DynamoDBTable: GSIs and LSIs with keys, projection, capacity and paths', () => {
    const model = toTableModel(
      parsedTable(
        dynamodbTable({
          rangeKey: { name: 'ts', type: 'N' },
          globalSecondaryIndexes: [
            {
              indexName: 'by-email',
              hashKey: 'email',
              rangeKey: 'ts',
              projectionType: 'INCLUDE',
              nonKeyAttributes: ['name'],
              provisionedThroughput: { readCapacityUnits: 2, writeCapacityUnits: 3 },
            },
          ],
          localSecondaryIndexes: [{ indexName: 'by-score', rangeKey: 'score' }],
        }),
      ),
    );
    const [gsi] = model.globalSecondaryIndexes;
    expect(gsi?.keySchema.map((k) => [k.attributeName, k.keyType, k.path])).to.deep.equal([
      ['email', 'HASH', 'spec.globalSecondaryIndexes[0].hashKey'],
      ['ts', 'RANGE', 'spec.globalSecondaryIndexes[0].rangeKey'],
    ]);
    expect(gsi?.projection).to.deep.equal({
      type: 'INCLUDE',
      nonKeyAttributes: ['name'],
      path: 'spec.globalSecondaryIndexes[0].projectionType',
    });
    expect(gsi?.provisionedThroughput).to.deep.equal({
      readCapacityUnits: 2,
      writeCapacityUnits: 3,
      path: 'spec.globalSecondaryIndexes[0].provisionedThroughput',
    });
    const [lsi] = model.localSecondaryIndexes;
    expect(lsi?.keySchema.map((k) => k.attributeName)).to.deep.equal(['id', 'score']);
    expect(lsi?.projection.type).to.equal('ALL');
  });

  it('DynamoDBTable: streams only with streamEnabled true; PITR boolean; TTL, encryption, class, protection', () => {
    const off = toTableModel(parsedTable(dynamodbTable({ streamViewType: 'KEYS_ONLY' })));
    expect(off.stream.enabled).to.equal(false);
    const on = toTableModel(
      parsedTable(
        dynamodbTable({
          streamEnabled: true,
          streamViewType: 'KEYS_ONLY',
          pointInTimeRecovery: true,
          timeToLive: { enabled: true, attributeName: 'exp' },
          encryption: { enabled: true, type: 'CUSTOMER_MANAGED', kmsKeyArn: 'arn:aws:kms:us-east-1:1:key/x' },
          tableClass: 'STANDARD_INFREQUENT_ACCESS',
          deletionProtectionEnabled: true,
          deletionPolicy: 'Retain',
        }),
      ),
    );
    expect(on.stream).to.deep.equal({
      enabled: true,
      viewType: 'KEYS_ONLY',
      path: 'spec.streamEnabled',
      viewTypePath: 'spec.streamViewType',
    });
    expect(on.pointInTimeRecovery).to.deep.equal({ enabled: true, path: 'spec.pointInTimeRecovery' });
    expect(on.timeToLive).to.deep.equal({ enabled: true, attributeName: 'exp', path: 'spec.timeToLive' });
    expect(on.encryption.type).to.equal('CUSTOMER_MANAGED');
    expect(on.encryption.kmsKeyArn).to.equal('arn:aws:kms:us-east-1:1:key/x');
    expect(on.tableClass).to.equal('STANDARD_INFREQUENT_ACCESS');
    expect(on.deletionProtectionEnabled).to.equal(true);
    expect(on.deletionPolicy).to.equal('Retain');
  });

  it('DynamoDB: keySchema, index keys, billingModeConfig (table and GSI), with list paths', () => {
    const model = toTableModel(
      parsedTable(
        dynamodb({
          billingMode: 'PROVISIONED',
          billingModeConfig: { readCapacityUnits: 5, writeCapacityUnits: 6 },
          globalSecondaryIndexes: [
            {
              indexName: 'by-sk',
              keys: [{ attributeName: 'sk', keyType: 'HASH' }],
              projection: { type: 'KEYS_ONLY' },
              billingModeConfig: { readCapacityUnits: 1, writeCapacityUnits: 1 },
            },
          ],
        }),
      ),
    );
    expect(model.keySchema[1]).to.deep.equal({ attributeName: 'sk', keyType: 'RANGE', path: 'spec.keySchema[1]' });
    expect(keyFieldPath(model.keySchema[1]!, 'keyType')).to.equal('spec.keySchema[1].keyType');
    expect(model.provisionedThroughput).to.deep.equal({
      readCapacityUnits: 5,
      writeCapacityUnits: 6,
      path: 'spec.billingModeConfig',
    });
    const gsi = model.globalSecondaryIndexes[0];
    expect(gsi?.keySchema[0]?.path).to.equal('spec.globalSecondaryIndexes[0].keys[0]');
    expect(gsi?.projection.path).to.equal('spec.globalSecondaryIndexes[0].projection');
    expect(gsi?.provisionedThroughput?.path).to.equal('spec.globalSecondaryIndexes[0].billingModeConfig');
    expect(model.billingMode).to.equal('PROVISIONED');
  });

  it('DynamoDB: a streamSpecification with a view type is on; streamEnabled false wins', () => {
    const on = toTableModel(parsedTable(dynamodb({ streamSpecification: { streamViewType: 'NEW_IMAGE' } })));
    expect(on.stream.enabled).to.equal(true);
    expect(on.stream.viewType).to.equal('NEW_IMAGE');
    const off = toTableModel(
      parsedTable(dynamodb({ streamSpecification: { streamEnabled: false, streamViewType: 'NEW_IMAGE' } })),
    );
    expect(off.stream.enabled).to.equal(false);
    expect(toTableModel(parsedTable(dynamodb())).stream.enabled).to.equal(false);
  });

  it('DynamoDB: PITR with recovery period, encryption, TTL', () => {
    const model = toTableModel(
      parsedTable(
        dynamodb({
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: 7 },
          encryption: { enabled: true, type: 'AWS_MANAGED' },
          timeToLive: { enabled: false },
        }),
      ),
    );
    expect(model.pointInTimeRecovery).to.deep.equal({
      enabled: true,
      recoveryPeriodInDays: 7,
      path: 'spec.pointInTimeRecoverySpecification',
    });
    expect(model.encryption).to.deep.equal({ enabled: true, type: 'AWS_MANAGED', path: 'spec.encryption' });
    expect(model.timeToLive.enabled).to.equal(false);
  });

  it('a manifest without namespace normalises to namespace ""', () => {
    const raw = dynamodb();
    raw.metadata = { name: 'x' };
    expect(toTableModel(parsedTable(raw)).namespace).to.equal('');
  });

  it('refuses an AWSProvider', () => {
    const provider = seedObjects().find((o) => o.raw.kind === 'AWSProvider');
    expect(() => toTableModel(parsed(provider?.raw))).to.throw(/not a table kind/);
  });
});
