import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import {
  applyDefaults,
  ownershipTags,
  renderContinuousBackupsInput,
  renderCreateTableInput,
  renderTags,
  renderTimeToLiveInput,
  toTableModel,
} from '../src/index.ts';
import type { TableModel } from '../src/index.ts';
import { dynamodb, dynamodbTable, parsed, seedObjects } from './seed.helpers.ts';

const modelOf = (raw: unknown): TableModel => toTableModel(applyDefaults(parsed(raw), { operatorTags: {} }).object);

describe('render: AWS requests', () => {
  it('leaves unused attribute definitions out and keeps first-use order', () => {
    const request = renderCreateTableInput(
      modelOf(
        dynamodb({
          attributes: [
            { name: 'unused', type: 'S' },
            { name: 'sk', type: 'N' },
            { name: 'pk', type: 'S' },
          ],
        }),
      ),
    );
    expect(request.AttributeDefinitions).to.deep.equal([
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'N' },
    ]);
  });

  it('sends capacity only with PROVISIONED (table and GSIs)', () => {
    const gsi = {
      indexName: 'by-sk',
      keys: [{ attributeName: 'sk', keyType: 'HASH' }],
      billingModeConfig: { readCapacityUnits: 2, writeCapacityUnits: 3 },
    };
    const capacity = { readCapacityUnits: 4, writeCapacityUnits: 5 };
    const provisioned = renderCreateTableInput(
      modelOf(dynamodb({ billingMode: 'PROVISIONED', billingModeConfig: capacity, globalSecondaryIndexes: [gsi] })),
    );
    expect(provisioned.ProvisionedThroughput).to.deep.equal({ ReadCapacityUnits: 4, WriteCapacityUnits: 5 });
    expect(provisioned.GlobalSecondaryIndexes?.[0]?.ProvisionedThroughput).to.deep.equal({
      ReadCapacityUnits: 2,
      WriteCapacityUnits: 3,
    });
    const onDemand = renderCreateTableInput(
      modelOf(dynamodb({ billingMode: 'PAY_PER_REQUEST', billingModeConfig: capacity, globalSecondaryIndexes: [gsi] })),
    );
    expect(onDemand.BillingMode).to.equal('PAY_PER_REQUEST');
    expect(onDemand).to.not.have.property('ProvisionedThroughput');
    expect(onDemand.GlobalSecondaryIndexes?.[0]).to.not.have.property('ProvisionedThroughput');
  });

  it('maps encryption: AWS_OWNED → Enabled false, AWS_MANAGED → KMS, CUSTOMER_MANAGED → KMS + key, off → none', () => {
    const sse = (encryption: unknown) => renderCreateTableInput(modelOf(dynamodb({ encryption }))).SSESpecification;
    expect(sse({ enabled: true, type: 'AWS_OWNED' })).to.deep.equal({ Enabled: false });
    expect(sse({ enabled: true, type: 'AWS_MANAGED' })).to.deep.equal({ Enabled: true, SSEType: 'KMS' });
    expect(sse({ enabled: true })).to.deep.equal({ Enabled: true, SSEType: 'KMS' });
    expect(sse({ enabled: true, type: 'CUSTOMER_MANAGED', kmsKeyArn: 'arn:aws:kms:us-east-1:1:key/k' })).to.deep.equal({
      Enabled: true,
      SSEType: 'KMS',
      KMSMasterKeyId: 'arn:aws:kms:us-east-1:1:key/k',
    });
    expect(sse({ enabled: false, type: 'AWS_MANAGED' })).to.equal(undefined);
  });

  it('projections, LSIs, streams, table class, deletion protection', () => {
    const request = renderCreateTableInput(
      modelOf(
        dynamodbTable({
          rangeKey: { name: 'ts', type: 'N' },
          attributes: [
            { name: 'email', type: 'S' },
            { name: 'score', type: 'N' },
          ],
          globalSecondaryIndexes: [
            { indexName: 'by-email', hashKey: 'email', projectionType: 'INCLUDE', nonKeyAttributes: ['a', 'b'] },
          ],
          localSecondaryIndexes: [{ indexName: 'by-score', rangeKey: 'score', projectionType: 'KEYS_ONLY' }],
          streamEnabled: true,
          tableClass: 'STANDARD',
          deletionProtectionEnabled: true,
        }),
      ),
    );
    expect(request.GlobalSecondaryIndexes?.[0]?.Projection).to.deep.equal({
      ProjectionType: 'INCLUDE',
      NonKeyAttributes: ['a', 'b'],
    });
    expect(request.LocalSecondaryIndexes).to.deep.equal([
      {
        IndexName: 'by-score',
        KeySchema: [
          { AttributeName: 'id', KeyType: 'HASH' },
          { AttributeName: 'score', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ]);
    expect(request.StreamSpecification).to.deep.equal({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(request.TableClass).to.equal('STANDARD');
    expect(request.DeletionProtectionEnabled).to.equal(true);
  });

  it('tags: the extra (ownership) tags win over the spec, none → no Tags field', () => {
    const model = modelOf(dynamodb({ tags: { a: '1', 'aws-infra-operator.runner.codes/owner': 'forged' } }));
    const owner = ownershipTags('DynamoDB', 'shop', 'orders', 'uid-1');
    expect(renderTags(model, owner)).to.deep.equal([
      { Key: 'a', Value: '1' },
      { Key: 'aws-infra-operator.runner.codes/owner', Value: 'DynamoDB/shop/orders' },
      { Key: 'aws-infra-operator.runner.codes/owner-uid', Value: 'uid-1' },
    ]);
    expect(renderCreateTableInput(modelOf(dynamodb()))).to.not.have.property('Tags');
  });

  it('TTL input only when enabled; PITR input always, with the recovery period when on', () => {
    expect(renderTimeToLiveInput(modelOf(dynamodb()))).to.equal(undefined);
    expect(
      renderTimeToLiveInput(modelOf(dynamodb({ timeToLive: { enabled: true, attributeName: 'exp' } }))),
    ).to.deep.equal({ TableName: 'orders', TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } });
    expect(renderContinuousBackupsInput(modelOf(dynamodb()))).to.deep.equal({
      TableName: 'orders',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
    });
    const pitr = { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: 10 };
    expect(
      renderContinuousBackupsInput(modelOf(dynamodb({ pointInTimeRecoverySpecification: pitr })))
        .PointInTimeRecoverySpecification,
    ).to.deep.equal({ PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 10 });
  });

  describe('every seed table is created by DynamoDB (dynalite) with the rendered input', () => {
    const require = createRequire(import.meta.url);
    const dynalite = require('dynalite') as (options: { createTableMs: number }) => Server;
    let server: Server;
    let client: DynamoDBClient;

    before(async () => {
      server = dynalite({ createTableMs: 0 });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      client = new DynamoDBClient({
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
    });
    after(async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('creates all 9 seed tables, with the ownership tags', async () => {
      const tables = seedObjects().filter((o) => o.raw.kind !== 'AWSProvider');
      expect(tables).to.have.length(9);
      for (const { file, raw } of tables) {
        const model = modelOf(raw);
        const input = renderCreateTableInput(model, ownershipTags(model.kind, 'default', model.name, 'uid'));
        const out = await client.send(new CreateTableCommand(input));
        expect(out.TableDescription?.KeySchema, file).to.deep.equal(input.KeySchema);
      }
    });
  });
});
