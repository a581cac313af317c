import { expect } from 'chai';
import { parseObject } from '../src/index.ts';
import type { FieldError } from '../src/index.ts';
import { dynamodb, dynamodbTable, exampleObjects, GV, parsedTable, seedObjects } from './seed.helpers.ts';

function errorsOf(raw: unknown): FieldError[] {
  const result = parseObject(raw);
  expect(result.ok, 'expected a parse failure').to.equal(false);
  return result.ok ? [] : result.errors;
}

function errorAt(raw: unknown, path: string): string {
  const errors = errorsOf(raw);
  const found = errors.find((error) => error.path === path);
  expect(found, `no error at ${path}; got ${JSON.stringify(errors)}`).to.not.equal(undefined);
  return found?.message ?? '';
}

describe('schemas: parseObject', () => {
  it('parses every object of our group on the seed page (11 manifests: 2 providers, 9 tables)', () => {
    const objects = seedObjects();
    expect(objects).to.have.length(11);
    for (const { file, raw } of objects) {
      const result = parseObject(raw);
      expect(result.ok, `${file}: ${JSON.stringify(result.ok ? '' : result.errors)}`).to.equal(true);
    }
  });

  it('parses every example in examples/', () => {
    const objects = exampleObjects();
    expect(objects.length).to.be.greaterThan(4);
    for (const { file, raw } of objects) expect(parseObject(raw).ok, file).to.equal(true);
  });

  it('types the parsed object by kind', () => {
    const result = parseObject(dynamodbTable());
    expect(result.ok && result.kind).to.equal('DynamoDBTable');
    if (result.ok && result.object.kind === 'DynamoDBTable') expect(result.object.spec.hashKey.name).to.equal('id');
  });

  it('reads YAML 1.1 false (kubectl sending an unquoted `type: N`) as attribute type N', () => {
    const raw = dynamodb({
      attributes: [
        { name: 'pk', type: 'S' },
        { name: 'sk', type: false },
      ],
    });
    const object = parsedTable(raw);
    expect(object.kind === 'DynamoDB' && object.spec.attributes[1]?.type).to.equal('N');
    expect(errorAt(dynamodbTable({ hashKey: { name: 'id', type: true } }), 'spec.hashKey.type')).to.match(
      /must be one of S, N, B/,
    );
  });

  it('names the field and suggests the fix for a wrong-case enum', () => {
    const message = errorAt(dynamodb({ billingMode: 'pay_per_request' }), 'spec.billingMode');
    expect(message).to.contain('must be one of PAY_PER_REQUEST, PROVISIONED');
    expect(message).to.contain('did you mean "PAY_PER_REQUEST"?');
  });

  it('reports an enum inside a list with its index', () => {
    const raw = dynamodb({ keySchema: [{ attributeName: 'pk', keyType: 'PARTITION' }] });
    expect(errorAt(raw, 'spec.keySchema[0].keyType')).to.contain('HASH, RANGE');
  });

  it('rejects unknown fields with the likely intended name', () => {
    const raw = dynamodbTable({ hashkey: { name: 'id', type: 'S' } });
    delete (raw.spec as Record<string, unknown>).hashKey;
    const errors = errorsOf(raw);
    expect(errors.find((e) => e.path === 'spec.hashkey')?.message).to.contain('did you mean "hashKey"?');
    expect(errors.find((e) => e.path === 'spec.hashKey')?.message).to.contain('required field is missing');
  });

  it('lists the known fields when an unknown one resembles none', () => {
    const message = errorAt(dynamodb({ zzzzzzzz: 1 }), 'spec.zzzzzzzz');
    expect(message).to.contain('known fields: providerRef, tableName');
  });

  it('says to quote a number where a string belongs (tag values)', () => {
    const message = errorAt(dynamodb({ tags: { Version: 2 } }), 'spec.tags.Version');
    expect(message).to.contain('quote it in YAML: "2"');
  });

  it('says which YAML 1.1 words became a boolean where an enum belongs, and to quote them', () => {
    // `deletionPolicy: off` and `type: Y` as kubectl reads them.
    expect(errorAt(dynamodb({ deletionPolicy: false }), 'spec.deletionPolicy')).to.equal(
      'must be one of Delete, Retain, Orphan; got false: YAML 1.1 (kubectl) reads an unquoted n, no, off or false as the boolean false; quote the value you wrote, e.g. deletionPolicy: "off"',
    );
    const table = dynamodbTable();
    (table.spec as { hashKey: { type: unknown } }).hashKey.type = true;
    expect(errorAt(table, 'spec.hashKey.type')).to.equal(
      'must be one of S, N, B; got true: YAML 1.1 (kubectl) reads an unquoted y, yes, on or true as the boolean true; quote the value you wrote, e.g. type: "Y"',
    );
    expect(errorAt(dynamodb({ billingMode: true }), 'spec.billingMode')).to.contain('quote the value you wrote');
  });

  it('says the same for a boolean tag value (`env: yes`)', () => {
    expect(errorAt(dynamodb({ tags: { env: true } }), 'spec.tags.env')).to.equal(
      'must be a string, got a boolean true: YAML 1.1 (kubectl) reads an unquoted y, yes, on or true as the boolean true; quote the value you wrote, e.g. env: "Y"',
    );
  });

  it('quotes tag keys that are not plain identifiers in the path', () => {
    const errors = errorsOf(dynamodb({ tags: { 'team:name': 3 } }));
    expect(errors[0]?.path).to.equal('spec.tags["team:name"]');
  });

  it('says to unquote a boolean written as a string', () => {
    const raw = dynamodb({ pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: 'true' } });
    expect(errorAt(raw, 'spec.pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled')).to.contain(
      'remove the quotes',
    );
  });

  it('enforces bounds: PITR period 1–35, capacity ≥ 1 and whole, key schema ≤ 2 entries', () => {
    const raw = dynamodb({
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: 36 },
      billingModeConfig: { readCapacityUnits: 0, writeCapacityUnits: 1.5 },
    });
    expect(errorAt(raw, 'spec.pointInTimeRecoverySpecification.recoveryPeriodInDays')).to.contain('at most 35');
    expect(errorAt(raw, 'spec.billingModeConfig.readCapacityUnits')).to.contain('at least 1');
    expect(errorAt(raw, 'spec.billingModeConfig.writeCapacityUnits')).to.contain('whole number');
    const three = dynamodb({
      keySchema: [
        { attributeName: 'a', keyType: 'HASH' },
        { attributeName: 'b', keyType: 'RANGE' },
        { attributeName: 'c', keyType: 'RANGE' },
      ],
    });
    expect(errorAt(three, 'spec.keySchema')).to.contain('at most 2');
  });

  it('checks table name characters and length', () => {
    expect(errorAt(dynamodb({ tableName: 'my table' }), 'spec.tableName')).to.contain('a-z, A-Z, 0-9');
    expect(errorAt(dynamodb({ tableName: 'ab' }), 'spec.tableName')).to.contain('at least 3');
  });

  it('requires the fields each kind needs', () => {
    const raw = dynamodb();
    delete (raw.spec as Record<string, unknown>).keySchema;
    expect(errorAt(raw, 'spec.keySchema')).to.contain('kubectl explain dynamodb.spec.keySchema');
    expect(errorAt({ apiVersion: GV, kind: 'AWSProvider', metadata: { name: 'p' } }, 'spec')).to.contain('required');
  });

  it('checks AWSProvider region and role ARN formats', () => {
    const provider = {
      apiVersion: GV,
      kind: 'AWSProvider',
      metadata: { name: 'p' },
      spec: { region: 'US East', roleARN: 'arn:aws:iam::12:role/x' },
    };
    expect(errorAt(provider, 'spec.region')).to.contain('not valid');
    expect(errorAt(provider, 'spec.roleARN')).to.contain('not valid');
  });

  it('rejects an unknown kind of our group, and foreign or unknown API versions', () => {
    expect(errorAt({ apiVersion: GV, kind: 'S3Bucket', metadata: { name: 'b' }, spec: {} }, 'kind')).to.contain(
      'use one of AWSProvider, ClusterAWSProvider, DynamoDBTable, DynamoDB',
    );
    expect(errorAt({ ...dynamodb(), apiVersion: 'aws-infra-operator.runner.codes/v1' }, 'apiVersion')).to.contain(
      'unknown version',
    );
    expect(errorAt({ ...dynamodb(), apiVersion: 'v1' }, 'apiVersion')).to.contain(GV);
    expect(errorsOf('not an object')[0]?.path).to.equal('');
  });

  it('requires metadata.name unless metadata.generateName is set', () => {
    expect(errorAt({ ...dynamodb(), metadata: {} }, 'metadata.name')).to.contain('required');
    const generated = parseObject({ ...dynamodb(), metadata: { generateName: 'orders-' } });
    expect(generated.ok && generated.object.metadata.name).to.equal('');
  });

  it('keeps unknown metadata and the status it knows', () => {
    const raw = {
      ...dynamodb(),
      metadata: { name: 'x', managedFields: [{ manager: 'kubectl' }] },
      status: { tableStatus: 'ACTIVE', ready: true, conditions: [] },
    };
    const object = parsedTable(raw);
    expect(object.metadata.managedFields).to.deep.equal([{ manager: 'kubectl' }]);
    expect(object.status?.tableStatus).to.equal('ACTIVE');
  });

  it('reports every problem at once', () => {
    const raw = dynamodb({ tableName: 'x y', billingMode: 'FREE', deletionPolicy: 'delete' });
    expect(errorsOf(raw).map((e) => e.path)).to.include.members([
      'spec.tableName',
      'spec.billingMode',
      'spec.deletionPolicy',
    ]);
  });
});
