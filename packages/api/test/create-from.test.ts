// restore and import in the api package: both kinds parse and normalise them, the rules refuse the
// combinations AWS refuses (one source, one restore time, CSV options only with CSV, no LSIs on an
// import) and any change on UPDATE, and the create-from request carries what the spec says.
import { expect } from 'chai';
import { validateObject } from '../src/rules/index.ts';
import { parseObject } from '../src/schemas/parse.ts';
import { toTableModel } from '../src/normalise/index.ts';
import { renderCreateFromInput } from '../src/render/index.ts';
import type { TableModel } from '../src/model.ts';

const GROUP = 'aws-infra-operator.runner.codes/v1alpha1';
const BACKUP = 'arn:aws:dynamodb:us-east-1:123456789012:table/src/backup/01795996232251-7b6bc54f';

function dynamodb(spec: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: GROUP,
    kind: 'DynamoDB',
    metadata: { name: 't', namespace: 'default' },
    spec: {
      providerRef: { name: 'p' },
      tableName: 'orders',
      attributes: [
        { name: 'pk', type: 'S' },
        { name: 'g', type: 'S' },
      ],
      keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
      globalSecondaryIndexes: [{ indexName: 'by-g', keys: [{ attributeName: 'g', keyType: 'HASH' }] }],
      ...spec,
    },
  };
}

function dynamodbTable(spec: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: GROUP,
    kind: 'DynamoDBTable',
    metadata: { name: 't', namespace: 'default' },
    spec: { providerRef: { name: 'p' }, tableName: 'orders', hashKey: { name: 'pk', type: 'S' }, ...spec },
  };
}

const errorsAt = (obj: unknown, old?: unknown) => validateObject(obj, old).errors.map((e) => e.path);
const messages = (obj: unknown, old?: unknown) =>
  validateObject(obj, old)
    .errors.map((e) => e.message)
    .join('\n');

function modelOf(obj: Record<string, unknown>): TableModel {
  const parsed = parseObject(obj);
  if (!parsed.ok) throw new Error('invalid fixture');
  return toTableModel(parsed.object);
}

const IMPORT = { bucket: 'data-bucket', keyPrefix: 'orders/', inputFormat: 'DYNAMODB_JSON' };

describe('create from data: restore and import', () => {
  describe('admission', () => {
    it('accepts a latest point-in-time restore, a timed one, a backup restore and an import, in both kinds', () => {
      for (const make of [dynamodb, dynamodbTable]) {
        expect(errorsAt(make({ restore: { sourceTableName: 'src', useLatestRestorableTime: true } }))).to.deep.equal(
          [],
        );
        expect(
          errorsAt(
            make({
              restore: {
                sourceTableArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/src',
                restoreDateTime: '2026-01-31T12:00:00Z',
              },
            }),
          ),
        ).to.deep.equal([]);
        expect(errorsAt(make({ restore: { backupArn: BACKUP } }))).to.deep.equal([]);
        expect(errorsAt(make({ import: { ...IMPORT, inputFormat: 'CSV', csv: { delimiter: ';' } } }))).to.deep.equal(
          [],
        );
      }
    });

    it('refuses restore together with import', () => {
      expect(errorsAt(dynamodb({ restore: { backupArn: BACKUP }, import: IMPORT }))).to.deep.equal(['spec.import']);
    });

    it('refuses a restore without a source, with two sources, or with a backup and a time', () => {
      expect(errorsAt(dynamodb({ restore: { useLatestRestorableTime: true } }))).to.deep.equal(['spec.restore']);
      expect(
        errorsAt(
          dynamodb({
            restore: {
              sourceTableName: 'src',
              sourceTableArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/src',
              useLatestRestorableTime: true,
            },
          }),
        ),
      ).to.deep.equal(['spec.restore.sourceTableArn']);
      expect(
        errorsAt(dynamodb({ restore: { sourceTableName: 'src', backupArn: BACKUP, useLatestRestorableTime: true } })),
      ).to.deep.equal(['spec.restore.backupArn', 'spec.restore.useLatestRestorableTime']);
    });

    it('wants exactly one restore time, as RFC 3339', () => {
      expect(errorsAt(dynamodb({ restore: { sourceTableName: 'src' } }))).to.deep.equal(['spec.restore']);
      expect(errorsAt(dynamodb({ restore: { sourceTableName: 'src', useLatestRestorableTime: false } }))).to.deep.equal(
        ['spec.restore'],
      );
      expect(
        errorsAt(
          dynamodb({
            restore: { sourceTableName: 'src', useLatestRestorableTime: true, restoreDateTime: '2026-01-31T12:00:00Z' },
          }),
        ),
      ).to.deep.equal(['spec.restore.restoreDateTime']);
      expect(errorsAt(dynamodb({ restore: { sourceTableName: 'src', restoreDateTime: 'yesterday' } }))).to.deep.equal([
        'spec.restore.restoreDateTime',
      ]);
    });

    it('refuses malformed ARNs and a restore onto its own source', () => {
      expect(
        errorsAt(dynamodb({ restore: { backupArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/src' } })),
      ).to.deep.equal(['spec.restore.backupArn']);
      expect(
        errorsAt(dynamodb({ restore: { sourceTableArn: 'arn:aws:s3:::bucket', useLatestRestorableTime: true } })),
      ).to.deep.equal(['spec.restore.sourceTableArn']);
      expect(
        errorsAt(dynamodb({ restore: { sourceTableName: 'orders', useLatestRestorableTime: true } })),
      ).to.deep.equal(['spec.restore.sourceTableName']);
    });

    it('refuses CSV options with another format, an unknown delimiter, a missing format, and LSIs on an import', () => {
      expect(errorsAt(dynamodb({ import: { ...IMPORT, csv: { delimiter: ',' } } }))).to.deep.equal(['spec.import.csv']);
      expect(errorsAt(dynamodb({ import: { ...IMPORT, inputFormat: 'CSV', csv: { delimiter: '#' } } }))).to.deep.equal([
        'spec.import.csv.delimiter',
      ]);
      expect(errorsAt(dynamodb({ import: { bucket: 'data-bucket' } }))).to.deep.equal(['spec.import.inputFormat']);
      const withLsi = dynamodbTable({
        rangeKey: { name: 'sk', type: 'S' },
        attributes: [{ name: 'l', type: 'S' }],
        localSecondaryIndexes: [{ indexName: 'by-l', rangeKey: 'l' }],
        import: IMPORT,
      });
      expect(errorsAt(withLsi)).to.deep.equal(['spec.localSecondaryIndexes']);
    });

    it('refuses adding, changing or removing restore / import on UPDATE, naming the field and the fix', () => {
      const old = dynamodb({ restore: { sourceTableName: 'src', useLatestRestorableTime: true } });
      expect(
        errorsAt(dynamodb({ restore: { sourceTableName: 'other', useLatestRestorableTime: true } }), old),
      ).to.deep.equal(['spec.restore']);
      expect(errorsAt(dynamodb({}), old)).to.deep.equal(['spec.restore']);
      expect(errorsAt(dynamodb({ import: IMPORT }), dynamodb({}))).to.deep.equal(['spec.import']);
      expect(messages(dynamodb({ import: { ...IMPORT, keyPrefix: 'x/' } }), dynamodb({ import: IMPORT }))).to.contain(
        'put spec.import back as it was, or create a new object',
      );
      expect(errorsAt(dynamodb({ import: IMPORT }), dynamodb({ import: IMPORT }))).to.deep.equal([]);
    });
  });

  describe('render', () => {
    it('no restore or import: no create-from request (CreateTable is sent)', () => {
      expect(renderCreateFromInput(modelOf(dynamodb({})))).to.equal(undefined);
    });

    it('point-in-time restore: source, latest time and the overrides the spec decides', () => {
      const m = modelOf(
        dynamodb({
          billingMode: 'PROVISIONED',
          billingModeConfig: { readCapacityUnits: 3, writeCapacityUnits: 4 },
          globalSecondaryIndexes: [
            {
              indexName: 'by-g',
              keys: [{ attributeName: 'g', keyType: 'HASH' }],
              billingModeConfig: { readCapacityUnits: 1, writeCapacityUnits: 1 },
            },
          ],
          encryption: { enabled: true, type: 'AWS_MANAGED' },
          streamSpecification: { streamViewType: 'NEW_IMAGE' },
          tags: { team: 'a' },
          restore: { sourceTableName: 'src', useLatestRestorableTime: true },
        }),
      );
      expect(renderCreateFromInput(m)).to.deep.equal({
        command: 'RestoreTableToPointInTime',
        input: {
          TargetTableName: 'orders',
          SourceTableName: 'src',
          UseLatestRestorableTime: true,
          BillingModeOverride: 'PROVISIONED',
          ProvisionedThroughputOverride: { ReadCapacityUnits: 3, WriteCapacityUnits: 4 },
          GlobalSecondaryIndexOverride: [
            {
              IndexName: 'by-g',
              KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
              Projection: { ProjectionType: 'ALL' },
              ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
            },
          ],
          SSESpecificationOverride: { Enabled: true, SSEType: 'KMS' },
        },
      });
    });

    it('timed restore by ARN and backup restore', () => {
      const timed = renderCreateFromInput(
        modelOf(
          dynamodbTable({
            restore: {
              sourceTableArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/src',
              restoreDateTime: '2026-01-31T12:00:00Z',
            },
          }),
        ),
      );
      expect(timed?.command).to.equal('RestoreTableToPointInTime');
      expect(timed?.input).to.deep.include({
        SourceTableArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/src',
        RestoreDateTime: new Date('2026-01-31T12:00:00Z'),
        BillingModeOverride: 'PAY_PER_REQUEST',
      });
      expect(timed?.input).to.not.have.property('UseLatestRestorableTime');
      expect(renderCreateFromInput(modelOf(dynamodbTable({ restore: { backupArn: BACKUP } })))).to.deep.equal({
        command: 'RestoreTableFromBackup',
        input: { BackupArn: BACKUP, TargetTableName: 'orders', BillingModeOverride: 'PAY_PER_REQUEST' },
      });
    });

    it('import: S3 source, format, compression, CSV options and the table creation parameters', () => {
      const m = modelOf(
        dynamodb({
          import: {
            bucket: 'bkt',
            keyPrefix: 'p/',
            bucketOwner: '111122223333',
            inputFormat: 'CSV',
            inputCompressionType: 'GZIP',
            csv: { delimiter: '|', headerList: ['pk', 'g'] },
          },
          tags: { team: 'a' },
          deletionProtectionEnabled: true,
        }),
      );
      expect(renderCreateFromInput(m, 'uid-1')).to.deep.equal({
        command: 'ImportTable',
        input: {
          ClientToken: 'uid-1',
          S3BucketSource: { S3Bucket: 'bkt', S3KeyPrefix: 'p/', S3BucketOwner: '111122223333' },
          InputFormat: 'CSV',
          InputCompressionType: 'GZIP',
          InputFormatOptions: { Csv: { Delimiter: '|', HeaderList: ['pk', 'g'] } },
          TableCreationParameters: {
            TableName: 'orders',
            AttributeDefinitions: [
              { AttributeName: 'pk', AttributeType: 'S' },
              { AttributeName: 'g', AttributeType: 'S' },
            ],
            KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
            BillingMode: 'PAY_PER_REQUEST',
            GlobalSecondaryIndexes: [
              {
                IndexName: 'by-g',
                KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
                Projection: { ProjectionType: 'ALL' },
              },
            ],
          },
        },
      });
    });
  });
});
