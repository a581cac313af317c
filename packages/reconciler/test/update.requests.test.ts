// Step → request mapping, for the steps no emulator applies (SSE, table class) and the shapes AWS is
// strict about (no NonKeyAttributes outside INCLUDE, no capacity under PAY_PER_REQUEST).
import { expect } from 'chai';
import { operationOf } from '@dynamodb-operator/api';
import type { PlanStep } from '@dynamodb-operator/api';
import { requestFor } from '../src/update/index.ts';

const T = 'orders';
const ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';

describe('update requests (step → one AWS request)', () => {
  it('maps SSE steps to SSESpecification: KMS with or without a key, or the AWS owned key', () => {
    const kms = 'arn:aws:kms:us-east-1:1:key/k';
    expect(requestFor({ kind: 'updateSse', enabled: true, kmsKeyArn: kms }, T)?.input).to.deep.equal({
      TableName: T,
      SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: kms },
    });
    expect(requestFor({ kind: 'updateSse', enabled: true }, T)?.input).to.deep.equal({
      TableName: T,
      SSESpecification: { Enabled: true, SSEType: 'KMS' },
    });
    expect(requestFor({ kind: 'updateSse', enabled: false }, T)?.input).to.deep.equal({
      TableName: T,
      SSESpecification: { Enabled: false },
    });
  });

  it('maps table settings to one UpdateTable with only the fields that change', () => {
    expect(
      requestFor({ kind: 'updateTableSettings', tableClass: 'STANDARD_INFREQUENT_ACCESS' }, T)?.input,
    ).to.deep.equal({
      TableName: T,
      TableClass: 'STANDARD_INFREQUENT_ACCESS',
    });
    const step: PlanStep = {
      kind: 'updateTableSettings',
      billingMode: 'PROVISIONED',
      provisionedThroughput: { readCapacityUnits: 5, writeCapacityUnits: 4 },
      gsiProvisionedThroughput: [
        { indexName: 'g1', provisionedThroughput: { readCapacityUnits: 2, writeCapacityUnits: 1 } },
      ],
      deletionProtectionEnabled: true,
    };
    expect(requestFor(step, T)?.input).to.deep.equal({
      TableName: T,
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 4 },
      GlobalSecondaryIndexUpdates: [
        { Update: { IndexName: 'g1', ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 1 } } },
      ],
      DeletionProtectionEnabled: true,
    });
  });

  it('creates one GSI per request; NonKeyAttributes only with INCLUDE; capacity only when given', () => {
    const step: PlanStep = {
      kind: 'createGsi',
      indexName: 'by-email',
      keySchema: [{ attributeName: 'email', keyType: 'HASH' }],
      attributeDefinitions: [{ name: 'email', type: 'S' }],
      projection: { type: 'KEYS_ONLY', nonKeyAttributes: [] },
    };
    expect(requestFor(step, T)?.input).to.deep.equal({
      TableName: T,
      AttributeDefinitions: [{ AttributeName: 'email', AttributeType: 'S' }],
      GlobalSecondaryIndexUpdates: [
        {
          Create: {
            IndexName: 'by-email',
            KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        },
      ],
    });
  });

  it('on-demand caps and warm throughput: the table part and one Update per GSI in one UpdateTable; -1 sent as is', () => {
    expect(
      requestFor(
        {
          kind: 'updateOnDemandThroughput',
          table: { maxReadRequestUnits: -1, maxWriteRequestUnits: 80 },
          indexes: [{ indexName: 'by-g', onDemandThroughput: { maxReadRequestUnits: 60 } }],
        },
        T,
      ),
    ).to.deep.equal({
      operation: 'UpdateTable',
      input: {
        TableName: T,
        OnDemandThroughput: { MaxReadRequestUnits: -1, MaxWriteRequestUnits: 80 },
        GlobalSecondaryIndexUpdates: [
          { Update: { IndexName: 'by-g', OnDemandThroughput: { MaxReadRequestUnits: 60 } } },
        ],
      },
    });
    expect(
      requestFor(
        {
          kind: 'updateWarmThroughput',
          indexes: [{ indexName: 'by-g', warmThroughput: { readUnitsPerSecond: 13000, writeUnitsPerSecond: 6000 } }],
        },
        T,
      )?.input,
    ).to.deep.equal({
      TableName: T,
      GlobalSecondaryIndexUpdates: [
        { Update: { IndexName: 'by-g', WarmThroughput: { ReadUnitsPerSecond: 13000, WriteUnitsPerSecond: 6000 } } },
      ],
    });
    const create: PlanStep = {
      kind: 'createGsi',
      indexName: 'by-email',
      keySchema: [{ attributeName: 'email', keyType: 'HASH' }],
      attributeDefinitions: [{ name: 'email', type: 'S' }],
      projection: { type: 'ALL', nonKeyAttributes: [] },
      onDemandThroughput: { maxWriteRequestUnits: 9 },
      warmThroughput: { readUnitsPerSecond: 12000 },
    };
    const gsi = (requestFor(create, T)?.input as { GlobalSecondaryIndexUpdates?: { Create?: unknown }[] })
      .GlobalSecondaryIndexUpdates?.[0]?.Create;
    expect(gsi).to.deep.include({
      OnDemandThroughput: { MaxWriteRequestUnits: 9 },
      WarmThroughput: { ReadUnitsPerSecond: 12000 },
    });
  });

  it('addresses tags by ARN and refuses to guess one', () => {
    expect(requestFor({ kind: 'untagResource', keys: ['a'] }, T, ARN)).to.deep.equal({
      operation: 'UntagResource',
      input: { ResourceArn: ARN, TagKeys: ['a'] },
    });
    expect(() => requestFor({ kind: 'tagResource', tags: { a: '1' } }, T)).to.throw(/needs its ARN/);
  });

  it('makes no request for wait, and names the same operation as the plan does for every step', () => {
    expect(requestFor({ kind: 'wait', reasons: ['table is UPDATING'] }, T)).to.equal(undefined);
    const steps: PlanStep[] = [
      { kind: 'deleteGsi', indexName: 'g', reason: 'x' },
      { kind: 'updateGsiCapacity', indexes: [] },
      { kind: 'updateOnDemandThroughput', table: { maxReadRequestUnits: 5 }, indexes: [] },
      { kind: 'updateWarmThroughput', table: { readUnitsPerSecond: 13000 }, indexes: [] },
      { kind: 'updateStream', enabled: false },
      { kind: 'updateTtl', enabled: true, attributeName: 'exp' },
      { kind: 'updatePitr', enabled: true, recoveryPeriodInDays: 7 },
      { kind: 'tagResource', tags: { a: '1' } },
    ];
    for (const s of steps) expect(requestFor(s, T, ARN)?.operation).to.equal(operationOf(s));
  });
});
