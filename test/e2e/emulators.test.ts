// Smoke tests of the two DynamoDB emulators that hack/testenv.sh starts, through the same AWS SDK client
// the reconciler uses: the calls our operator makes must work against both, or tests built on them
// prove nothing. What each emulator does NOT model is in docs/testing.md (measured by
// hack/probe-emulators.ts).
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateContinuousBackupsCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { TableDescription } from '@aws-sdk/client-dynamodb';
import { testEnv, waitFor } from './support/index.ts';

function client(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

async function describeTable(ddb: DynamoDBClient, name: string): Promise<TableDescription> {
  const out = await ddb.send(new DescribeTableCommand({ TableName: name }));
  if (!out.Table) throw new Error(`DescribeTable ${name}: no Table in the answer`);
  return out.Table;
}

async function waitActive(ddb: DynamoDBClient, name: string): Promise<TableDescription> {
  return waitFor(`table ${name} ACTIVE`, async () => {
    const t = await describeTable(ddb, name);
    return t.TableStatus === 'ACTIVE' ? t : undefined;
  });
}

async function waitGone(ddb: DynamoDBClient, name: string): Promise<true> {
  return waitFor(`table ${name} deleted`, async () => {
    try {
      await describeTable(ddb, name);
      return false;
    } catch (err) {
      return err instanceof ResourceNotFoundException ? true : false;
    }
  });
}

// What each emulator models differs (docs/testing.md): dynalite drops the Tags of CreateTable and has
// no UpdateTimeToLive or continuous backups; moto has all of them but makes new tables ACTIVE at once.
const emulators = [
  {
    name: 'moto',
    endpoint: () => testEnv().motoEndpoint,
    tagsOnCreate: true,
    ttl: true,
    pitr: true,
    observableCreating: false,
  },
  {
    name: 'dynalite',
    endpoint: () => testEnv().dynaliteEndpoint,
    tagsOnCreate: false,
    ttl: false,
    pitr: false,
    observableCreating: true,
  },
];

for (const emulator of emulators) {
  describe(`emulator: ${emulator.name}`, function () {
    let ddb: DynamoDBClient;
    let tableName: string;
    let tableArn: string;

    before(function () {
      ddb = client(emulator.endpoint());
      tableName = uniqueName(`smoke_${emulator.name}`);
    });

    after(async function () {
      // leave nothing behind even when a test in the middle failed
      try {
        await ddb.send(new DeleteTableCommand({ TableName: tableName }));
      } catch {
        /* already deleted by the test, or never created */
      }
      ddb.destroy();
    });

    it('answers ListTables', async function () {
      const out = await ddb.send(new ListTablesCommand({}));
      expect(out.TableNames).to.be.an('array');
    });

    it('creates a table with tags and reaches ACTIVE', async function () {
      const created = await ddb.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'N' },
          ],
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          Tags: [{ Key: 'aws-infra-operator.runner.codes/owner', Value: 'DynamoDBTable/default/smoke' }],
        }),
      );
      expect(created.TableDescription?.TableName).to.equal(tableName);
      if (emulator.observableCreating) {
        // dynalite keeps a new table CREATING for a while (testenv sets 300 ms): the reconciler's
        // "wait for ACTIVE" path is exercised only because of this
        expect(created.TableDescription?.TableStatus).to.equal('CREATING');
      }
      const table = await waitActive(ddb, tableName);
      expect(table.KeySchema).to.deep.equal([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      expect(table.BillingModeSummary?.BillingMode).to.equal('PAY_PER_REQUEST');
      expect(table.TableArn)
        .to.be.a('string')
        .and.match(/^arn:aws:dynamodb:us-east-1:\d{12}:table\//);
      tableArn = table.TableArn ?? '';
    });

    it('keeps, adds and removes tags', async function () {
      const initial = await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: tableArn }));
      if (emulator.tagsOnCreate) {
        expect(initial.Tags).to.deep.include({
          Key: 'aws-infra-operator.runner.codes/owner',
          Value: 'DynamoDBTable/default/smoke',
        });
      } else {
        // dynalite ignores CreateTable's Tags: the operator must not rely on them being there
        expect(initial.Tags ?? []).to.deep.equal([]);
        await ddb.send(
          new TagResourceCommand({
            ResourceArn: tableArn,
            Tags: [{ Key: 'aws-infra-operator.runner.codes/owner', Value: 'DynamoDBTable/default/smoke' }],
          }),
        );
      }
      await ddb.send(new TagResourceCommand({ ResourceArn: tableArn, Tags: [{ Key: 'team', Value: 'platform' }] }));
      await ddb.send(
        new UntagResourceCommand({ ResourceArn: tableArn, TagKeys: ['aws-infra-operator.runner.codes/owner'] }),
      );
      const tags = await waitFor('tag changes visible', async () => {
        const out = await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: tableArn }));
        const list = out.Tags ?? [];
        return list.length === 1 ? list : undefined;
      });
      expect(tags).to.deep.equal([{ Key: 'team', Value: 'platform' }]);
    });

    if (!emulator.ttl) {
      it('has no UpdateTimeToLive (documented limitation)', async function () {
        const err: unknown = await ddb
          .send(
            new UpdateTimeToLiveCommand({
              TableName: tableName,
              TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' },
            }),
          )
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(err).to.be.instanceOf(Error);
        expect((err as Error).name).to.equal('UnknownOperationException');
      });
    }

    if (emulator.ttl)
      it('enables TTL on an attribute', async function () {
        const out = await ddb.send(
          new UpdateTimeToLiveCommand({
            TableName: tableName,
            TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' },
          }),
        );
        expect(out.TimeToLiveSpecification).to.deep.equal({ Enabled: true, AttributeName: 'expiresAt' });
        const ttl = await ddb.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
        expect(ttl.TimeToLiveDescription?.AttributeName).to.equal('expiresAt');
        expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).to.be.oneOf(['ENABLED', 'ENABLING']);
      });

    if (emulator.pitr) {
      it('enables point-in-time recovery', async function () {
        await ddb.send(
          new UpdateContinuousBackupsCommand({
            TableName: tableName,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        );
        const out = await ddb.send(new DescribeContinuousBackupsCommand({ TableName: tableName }));
        expect(out.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).to.equal(
          'ENABLED',
        );
      });
    }

    it('deletes the table', async function () {
      const out = await ddb.send(new DeleteTableCommand({ TableName: tableName }));
      expect(out.TableDescription?.TableName).to.equal(tableName);
      expect(await waitGone(ddb, tableName)).to.equal(true);
      const listed = await ddb.send(new ListTablesCommand({}));
      expect(listed.TableNames ?? []).to.not.include(tableName);
    });
  });
}
