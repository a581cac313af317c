// Creating a table from data, reconciler side, over fakes: the restored or imported table arrives
// untagged and is ours only by the bounded create intent; the import is followed with DescribeImport
// only when its ARN names this object's table (the status is user-writable), a failed import yields
// AWS's code and message and is never read or sent again, and the status fields map AWS's reports.
import { expect } from 'chai';
import type { ImportSource, TableModel } from '@dynamodb-operator/api';
import { importStatus, restoreStatus } from '../src/controller/create-from-status.ts';
import { OWNER_UID_TAG, decideOwnership } from '../src/controller/ownership.ts';
import {
  importFailedMessage,
  importPending,
  restoredKeyMismatch,
  trackImport,
} from '../src/controller/table-create-from.ts';
import { TerminalError } from '../src/controller/errors.ts';
import { fakes, tableObject } from './ownership.helpers.ts';

const IMPORT_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/shared/import/01234567890abcdef';
const model = {
  tableName: 'shared',
  kind: 'DynamoDBTable',
  import: { bucket: 'bkt', inputFormat: 'DYNAMODB_JSON', path: 'spec.import' } as ImportSource,
} as TableModel;

describe('create from data (reconciler)', () => {
  describe('ownership of a restored or imported table (no tags: only the create intent)', () => {
    const base = {
      uid: 'uid-b',
      adoptAnnotation: undefined,
      intent: { tableName: 'shared', requestedAt: '2026-01-01T10:00:00Z' },
      objectCreatedAt: '2026-01-01T09:59:00Z',
      tableName: 'shared',
    };
    it('an untagged table created just after the intent is ours, to be tagged', () => {
      const o = decideOwnership({ ...base, tags: [], tableCreatedAt: new Date('2026-01-01T10:00:02Z') });
      expect(o.kind).to.equal('ours-untagged');
    });
    it('a table created before the intent, after the window, or carrying any tag is not', () => {
      expect(decideOwnership({ ...base, tags: [], tableCreatedAt: new Date('2026-01-01T09:00:00Z') }).kind).to.equal(
        'foreign',
      );
      expect(decideOwnership({ ...base, tags: [], tableCreatedAt: new Date('2026-01-01T10:20:00Z') }).kind).to.equal(
        'foreign',
      );
      // A restore that copied its source's ownership tags would belong to the source's object.
      expect(
        decideOwnership({
          ...base,
          tags: [{ Key: OWNER_UID_TAG, Value: 'uid-source' }],
          tableCreatedAt: new Date('2026-01-01T10:00:02Z'),
        }).kind,
      ).to.equal('other-object');
    });
  });

  describe('status mapping', () => {
    it('restore summary and import description become status.restore / status.import', () => {
      expect(
        restoreStatus({
          SourceTableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/src',
          RestoreDateTime: new Date('2026-01-01T10:00:00Z'),
          RestoreInProgress: true,
        }),
      ).to.deep.equal({
        sourceTableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/src',
        restoreDateTime: '2026-01-01T10:00:00.000Z',
        restoreInProgress: true,
      });
      expect(restoreStatus(undefined)).to.equal(undefined);
      expect(
        importStatus({
          ImportArn: IMPORT_ARN,
          ImportStatus: 'FAILED',
          ImportedItemCount: 0,
          ErrorCount: 1,
          FailureCode: 'S3NoSuchBucket',
          FailureMessage: 'The specified bucket does not exist',
        }),
      ).to.deep.equal({
        importArn: IMPORT_ARN,
        status: 'FAILED',
        importedItemCount: 0,
        errorCount: 1,
        failureCode: 'S3NoSuchBucket',
        failureMessage: 'The specified bucket does not exist',
      });
    });
    it("a failed import's message carries AWS's code and message and the way out", () => {
      const msg = importFailedMessage('shared', {
        importArn: IMPORT_ARN,
        status: 'FAILED',
        failureCode: 'S3NoSuchBucket',
        failureMessage: 'The specified bucket does not exist',
      });
      expect(msg).to.contain('ended FAILED').and.contain('S3NoSuchBucket: The specified bucket does not exist');
      expect(msg).to.contain('spec.import is immutable').and.contain('create the object again');
    });
  });

  describe('trackImport', () => {
    it('reads DescribeImport while IN_PROGRESS and returns the Terminal error once FAILED', async () => {
      const f = fakes((op) =>
        op === 'DescribeImport'
          ? {
              ImportTableDescription: {
                ImportArn: IMPORT_ARN,
                ImportStatus: 'FAILED',
                FailureCode: 'X',
                FailureMessage: 'bad',
              },
            }
          : {},
      );
      const run = f.run(tableObject({}, { import: { importArn: IMPORT_ARN, status: 'IN_PROGRESS' } }));
      expect(importPending(run)).to.equal(true);
      const err = await trackImport(run, model, f.clients);
      expect(err).to.be.instanceOf(TerminalError);
      expect(err?.reason).to.equal('ImportFailed');
      expect(err?.message).to.contain('X: bad');
      expect(f.calls.map((c) => c.op)).to.deep.equal(['DescribeImport']);
      expect((run.status.import as { status?: string }).status).to.equal('FAILED');
    });
    it('a FAILED status is Terminal without an AWS call; COMPLETED and no import need none either', async () => {
      const f = fakes(() => ({}));
      const failed = f.run(
        tableObject({}, { import: { importArn: IMPORT_ARN, status: 'FAILED', failureMessage: 'm' } }),
      );
      expect(await trackImport(failed, model, f.clients)).to.be.instanceOf(TerminalError);
      const done = f.run(tableObject({}, { import: { importArn: IMPORT_ARN, status: 'COMPLETED' } }));
      expect(importPending(done)).to.equal(false);
      expect(await trackImport(done, model, f.clients)).to.equal(undefined);
      expect(await trackImport(f.run(tableObject()), model, f.clients)).to.equal(undefined);
      expect(f.calls).to.deep.equal([]);
    });
    it("never reads an import ARN (from the user-writable status) that is not this table's", async () => {
      const f = fakes(() => ({}));
      const forged = 'arn:aws:dynamodb:us-east-1:123456789012:table/other-tenant/import/0123456789';
      const run = f.run(tableObject({}, { import: { importArn: forged, status: 'IN_PROGRESS' } }));
      expect(await trackImport(run, model, f.clients)).to.equal(undefined);
      expect(f.calls).to.deep.equal([]);
    });
  });

  describe('restoredKeyMismatch', () => {
    const restoreModel = {
      tableName: 'shared',
      restore: { sourceTableName: 'src', useLatestRestorableTime: true, path: 'spec.restore' },
      attributeDefinitions: [{ name: 'pk', type: 'S', path: 'spec.hashKey' }],
      keySchema: [{ attributeName: 'pk', keyType: 'HASH', path: 'spec.hashKey.name' }],
    } as unknown as TableModel;
    const table = (name: string, type: 'S' | 'N') => ({
      AttributeDefinitions: [{ AttributeName: name, AttributeType: type }],
      KeySchema: [{ AttributeName: name, KeyType: 'HASH' as const }],
    });
    it("names both key schemas when the source's differs (name or type); nothing when equal or not a restore", () => {
      expect(restoredKeyMismatch(restoreModel, table('pk', 'S'))).to.equal(undefined);
      expect(restoredKeyMismatch(restoreModel, table('id', 'S'))).to.contain("source's key schema (id:S HASH)");
      expect(restoredKeyMismatch(restoreModel, table('pk', 'N'))).to.contain("not the spec's (pk:S HASH)");
      expect(restoredKeyMismatch({ ...restoreModel, restore: undefined } as TableModel, table('id', 'S'))).to.equal(
        undefined,
      );
    });
  });
});
