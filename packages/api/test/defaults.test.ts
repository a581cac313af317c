import { expect } from 'chai';
import fc from 'fast-check';
import { applyDefaults, isTableObject, mergeTags, yamlBooleanReplacements } from '../src/index.ts';
import type { DefaultsConfig, KnownObject } from '../src/index.ts';
import { dynamodb, dynamodbTable, exampleObjects, parsed, seedObjects } from './seed.helpers.ts';

const none: DefaultsConfig = { operatorTags: {} };

describe('defaults: applyDefaults', () => {
  it('DynamoDB: billing PAY_PER_REQUEST, projection ALL, deletionPolicy Delete, with the changed paths', () => {
    const input = parsed(
      dynamodb({
        globalSecondaryIndexes: [
          { indexName: 'gsi-1', keys: [{ attributeName: 'sk', keyType: 'HASH' }] },
          { indexName: 'gsi-2', keys: [{ attributeName: 'sk', keyType: 'HASH' }], projection: {} },
        ],
      }),
    );
    const { object, changedPaths } = applyDefaults(input, none);
    expect(changedPaths).to.deep.equal([
      'spec.billingMode',
      'spec.globalSecondaryIndexes[0].projection',
      'spec.globalSecondaryIndexes[1].projection.type',
      'spec.deletionPolicy',
    ]);
    if (object.kind !== 'DynamoDB') throw new Error('kind changed');
    expect(object.spec.billingMode).to.equal('PAY_PER_REQUEST');
    expect(object.spec.globalSecondaryIndexes?.map((g) => g.projection)).to.deep.equal([
      { type: 'ALL' },
      { type: 'ALL' },
    ]);
    expect(object.spec.deletionPolicy).to.equal('Delete');
  });

  it('infers PROVISIONED when capacity is given, INCLUDE when nonKeyAttributes are', () => {
    const { object } = applyDefaults(
      parsed(
        dynamodbTable({
          provisionedThroughput: { readCapacityUnits: 1, writeCapacityUnits: 1 },
          globalSecondaryIndexes: [{ indexName: 'by-x', hashKey: 'x', nonKeyAttributes: ['y'] }],
        }),
      ),
      none,
    );
    if (object.kind !== 'DynamoDBTable') throw new Error('kind changed');
    expect(object.spec.billingMode).to.equal('PROVISIONED');
    expect(object.spec.globalSecondaryIndexes?.[0]?.projectionType).to.equal('INCLUDE');
  });

  it('stream view type NEW_AND_OLD_IMAGES only when streams are switched on without one', () => {
    const table = applyDefaults(parsed(dynamodbTable({ streamEnabled: true })), none);
    expect(table.changedPaths).to.include('spec.streamViewType');
    expect(table.object.kind === 'DynamoDBTable' && table.object.spec.streamViewType).to.equal('NEW_AND_OLD_IMAGES');
    const off = applyDefaults(parsed(dynamodbTable({ streamEnabled: false })), none);
    expect(off.changedPaths).to.not.include('spec.streamViewType');
    const ddb = applyDefaults(parsed(dynamodb({ streamSpecification: { streamEnabled: true } })), none);
    expect(ddb.changedPaths).to.include('spec.streamSpecification.streamViewType');
    const kept = applyDefaults(parsed(dynamodb({ streamSpecification: { streamViewType: 'KEYS_ONLY' } })), none);
    expect(kept.object.kind === 'DynamoDB' && kept.object.spec.streamSpecification?.streamViewType).to.equal(
      'KEYS_ONLY',
    );
  });

  it('tags: operator < provider < user, each added key reported', () => {
    const cfg: DefaultsConfig = {
      operatorTags: { owner: 'operator', team: 'operator', env: 'operator' },
      providerTags: { team: 'provider', env: 'provider' },
    };
    const { object, changedPaths } = applyDefaults(parsed(dynamodb({ tags: { env: 'user' } })), cfg);
    expect(isTableObject(object) && object.spec.tags).to.deep.equal({
      owner: 'operator',
      team: 'provider',
      env: 'user',
    });
    expect(changedPaths).to.include.members(['spec.tags.owner', 'spec.tags.team']);
    expect(changedPaths).to.not.include('spec.tags.env');
    expect(mergeTags(cfg, undefined)).to.deep.equal({ owner: 'operator', team: 'provider', env: 'provider' });
  });

  it('does not touch its input, and leaves AWSProvider alone', () => {
    const input = parsed(dynamodb());
    const before = structuredClone(input);
    applyDefaults(input, { operatorTags: { a: 'b' } });
    expect(input).to.deep.equal(before);
    const provider = seedObjects().find((o) => o.raw.kind === 'AWSProvider');
    const result = applyDefaults(parsed(provider?.raw), { operatorTags: { a: 'b' } });
    expect(result.changedPaths).to.deep.equal([]);
  });

  it('is idempotent on every seed and example, whatever the tags (property)', () => {
    const objects: KnownObject[] = [...seedObjects(), ...exampleObjects()].map((o) => parsed(o.raw));
    const tags = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 }), {
      maxKeys: 5,
    });
    fc.assert(
      fc.property(fc.constantFrom(...objects), tags, tags, (object, operatorTags, providerTags) => {
        const cfg = { operatorTags, providerTags };
        const once = applyDefaults(object, cfg);
        const twice = applyDefaults(once.object, cfg);
        expect(twice.changedPaths).to.deep.equal([]);
        expect(twice.object).to.deep.equal(once.object);
      }),
      { numRuns: 300 },
    );
  });
});

describe('defaults: yamlBooleanReplacements (`type: N` stored as false)', () => {
  it('replaces every attribute type kubectl sent as false with "N", and nothing else', () => {
    const raw = dynamodb({
      attributes: [
        { name: 'pk', type: 'S' },
        { name: 'sk', type: false },
      ],
      tags: { 'team/a~b': 'x' },
    });
    const { object } = applyDefaults(parsed(raw), none);
    expect(yamlBooleanReplacements(raw.spec, object.spec)).to.deep.equal([
      { op: 'replace', path: '/attributes/1/type', value: 'N' },
    ]);
  });

  it('covers both key types of DynamoDBTable, GSI keys included', () => {
    const raw = dynamodbTable({
      rangeKey: { name: 'ts', type: false },
      attributes: [{ name: 'score', type: false }],
      globalSecondaryIndexes: [{ indexName: 'by-score', hashKey: 'score' }],
    });
    (raw.spec as { hashKey: { type: unknown } }).hashKey.type = false;
    const { object } = applyDefaults(parsed(raw), none);
    expect(yamlBooleanReplacements(raw.spec, object.spec).map((r) => `${r.path}=${r.value}`)).to.have.members([
      '/hashKey/type=N',
      '/rangeKey/type=N',
      '/attributes/0/type=N',
    ]);
  });

  it('finds nothing in a canonical spec (defaulting stays idempotent)', () => {
    for (const { raw } of seedObjects()) {
      const object = parsed(raw);
      const canonical = JSON.parse(JSON.stringify(raw)) as { spec: unknown };
      for (const r of yamlBooleanReplacements(canonical.spec, applyDefaults(object, none).object.spec)) {
        expect.fail(`unexpected replacement ${JSON.stringify(r)}`);
      }
    }
    expect(yamlBooleanReplacements({ a: 'N' }, { a: 'N' })).to.deep.equal([]);
    expect(yamlBooleanReplacements({ a: true }, { a: true })).to.deep.equal([]);
  });
});
