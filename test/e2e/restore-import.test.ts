// Creating tables from data through the webhook and the reconciler, against moto (which implements
// RestoreTableToPointInTime, RestoreTableFromBackup and ImportTable from its own S3, on the same port):
// a point-in-time restore (latest) of a source table with items, a restore from a backup ARN, an
// import of DynamoDB JSON from S3 — each Ready with the data present, the owner tags applied after
// the fact (restores and imports carry no tags) and the outcome in status; a failed import (missing
// bucket, malformed data) is a Terminal condition with AWS's FailureCode/FailureMessage and deletes
// cleanly; restore/import are refused at apply once the object exists. The reconciler's write calls
// per table are asserted exactly from a recording proxy in front of moto.
// moto imports DYNAMODB_JSON only (InputFormat is ignored), so CSV and ION are unit-tested
// (packages/api/test/create-from.test.ts), not exercised here: see docs/emulator-gaps.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  CreateBackupCommand,
  CreateTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  PutItemCommand,
  ScanCommand,
  UpdateContinuousBackupsCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { stringify } from 'yaml';
import { kubectl, makeServingCert, waitFor } from './support/index.ts';
import {
  condition,
  deleteNamespace,
  emulatorClient,
  getObj,
  GROUP,
  mustApply,
  providerYaml,
  startMoto,
  startReconcilerProc,
  startRecordingProxy,
  tableTags,
  uniqueNamespace,
} from './support-reconciler/index.ts';
import type { Emulator, Obj, ReconcilerProc, Recorder } from './support-reconciler/index.ts';
import {
  registerWebhooks,
  startWebhookProcess,
  unregisterWebhooks,
  writeCertDir,
} from '../../packages/webhook/test/e2e/harness.ts';
import type { WebhookProcess } from '../../packages/webhook/test/e2e/harness.ts';

const SOURCE = 'ri_source';
const BUCKET = 'ri-import-data';
const OWNER_UID_TAG = 'aws-infra-operator.runner.codes/owner-uid';

/** moto routes a request to S3 by the service in the credential scope; it does not check signatures. */
const S3_AUTH = {
  Authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0',
};

async function s3Put(endpoint: string, path: string, body?: string): Promise<void> {
  const res = await fetch(`${endpoint}/${path}`, { method: 'PUT', headers: S3_AUTH, ...(body ? { body } : {}) });
  if (res.status !== 200) throw new Error(`S3 PUT ${path}: ${res.status} ${await res.text()}`);
}

function tableYaml(name: string, tableName: string, extra: Record<string, unknown>): string {
  return stringify({
    apiVersion: `${GROUP}/v1alpha1`,
    kind: 'DynamoDB',
    metadata: { name },
    spec: {
      providerRef: { name: 'moto' },
      tableName,
      billingMode: 'PAY_PER_REQUEST',
      attributes: [{ name: 'id', type: 'S' }],
      keySchema: [{ attributeName: 'id', keyType: 'HASH' }],
      deletionPolicy: 'Delete',
      ...extra,
    },
  });
}

describe('restore and import: create a table from data (webhook + reconciler + moto and its S3)', function () {
  this.timeout(300_000);
  const hookName = `ddbop-e2e-restore-import-${process.pid}`;
  let ns: string;
  let moto: Emulator;
  let proxy: Recorder;
  let ddb: DynamoDBClient;
  let rec: ReconcilerProc;
  let webhook: WebhookProcess;
  let dir: string;
  let backupArn: string;

  const ready = (resource: string, name: string) => (): Obj | undefined => {
    const o = getObj(resource, ns, name) as (Obj & { metadata: { generation?: number } }) | undefined;
    const r = condition(o, 'Ready') as { status: string; observedGeneration?: number } | undefined;
    return r?.status === 'True' && condition(o, 'Synced')?.status === 'True' ? o : undefined;
  };
  const ids = async (table: string): Promise<string[]> =>
    ((await ddb.send(new ScanCommand({ TableName: table }))).Items ?? []).map((i) => i.id?.S ?? '').sort();
  /** The reconciler's write calls for `table`, in order (reads: Describe*, List*, Get*). */
  const writes = (table: string): string[] =>
    proxy
      .records()
      .filter((r) => r.table === table && !/^(Describe|List|Get)/.test(r.op))
      .map((r) => `${r.op} ${r.status}`);
  const tableExists = async (table: string): Promise<boolean> => {
    try {
      await ddb.send(new DescribeTableCommand({ TableName: table }));
      return true;
    } catch {
      return false;
    }
  };

  before(async () => {
    ns = uniqueNamespace('restore-import');
    dir = mkdtempSync(join(tmpdir(), 'ddbop-restore-import-'));
    const cert = makeServingCert(['127.0.0.1']);
    writeCertDir(dir, cert, 'v1');
    webhook = await startWebhookProcess('restore-import-webhook', dir);
    await registerWebhooks(hookName, ns, webhook, cert.caPem);
    moto = await startMoto('restore-import-moto');
    ddb = emulatorClient(moto.endpoint);
    // The source table: items, PITR on, a backup.
    await ddb.send(
      new CreateTableCommand({
        TableName: SOURCE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    for (const id of ['a', 'b', 'c']) {
      await ddb.send(new PutItemCommand({ TableName: SOURCE, Item: { id: { S: id }, n: { N: '1' } } }));
    }
    await ddb.send(
      new UpdateContinuousBackupsCommand({
        TableName: SOURCE,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    );
    backupArn =
      (await ddb.send(new CreateBackupCommand({ TableName: SOURCE, BackupName: 'ri-backup' }))).BackupDetails
        ?.BackupArn ?? '';
    // The S3 data: two items in DynamoDB JSON; a CSV file under another prefix (malformed as DynamoDB JSON).
    await s3Put(moto.endpoint, BUCKET);
    await s3Put(
      moto.endpoint,
      `${BUCKET}/json/part-0.json`,
      '{"Item":{"id":{"S":"j1"},"n":{"N":"5"}}}\n{"Item":{"id":{"S":"j2"}}}\n',
    );
    await s3Put(moto.endpoint, `${BUCKET}/csv/part-0.csv`, 'id,n\nx,1\n');
    // The reconciler's calls go through a recorder (the test's own setup calls above do not).
    proxy = await startRecordingProxy('restore-import-recorder', moto.endpoint);
    mustApply(providerYaml('moto', proxy.endpoint), ns);
    rec = await startReconcilerProc('restore-import-reconciler', ns, ['--resync-period=2s']);
  });

  after(async () => {
    unregisterWebhooks(hookName);
    await rec?.proc.stop();
    await webhook?.process.stop();
    if (ns) deleteNamespace(ns);
    ddb?.destroy();
    await proxy?.proc.stop();
    await moto?.proc.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('kubectl explain documents restore and import and their status', () => {
    const r = kubectl(['explain', 'dynamodbs.spec.restore.useLatestRestorableTime']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('latest restorable time');
    const s = kubectl(['explain', 'dynamodbtables.status.import.failureMessage']);
    expect(s.code, s.stderr).to.equal(0);
    expect(s.stdout).to.contain('FailureMessage');
  });

  it('restores the latest point in time of a table: Ready, items present, owner tags and PITR applied after, restore in status', async () => {
    mustApply(
      tableYaml('restored', 'ri_restored', {
        restore: { sourceTableName: SOURCE, useLatestRestorableTime: true },
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        tags: { team: 'orders' },
      }),
      ns,
    );
    const o = await waitFor('restored Ready', ready('dynamodb', 'restored'), { timeoutMs: 90_000 });
    // The restore, then what it cannot carry: the owner tags (claim), the spec's tags, PITR, and the
    // billing mode moto's restore drops (on AWS BillingModeOverride sets it: no UpdateTable).
    expect(writes('ri_restored')).to.deep.equal([
      'RestoreTableToPointInTime 200',
      'TagResource 200',
      'TagResource 200',
      'UpdateContinuousBackups 200',
      'UpdateTable 200',
    ]);
    expect(await ids('ri_restored')).to.deep.equal(['a', 'b', 'c']);
    const tags = await tableTags(ddb, 'ri_restored');
    expect(tags[OWNER_UID_TAG]).to.equal(o.metadata.uid);
    expect(tags.team).to.equal('orders');
    const pitr = await ddb.send(new DescribeContinuousBackupsCommand({ TableName: 'ri_restored' }));
    expect(pitr.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).to.equal(
      'ENABLED',
    );
    const restore = o.status?.restore as { sourceTableArn?: string; restoreDateTime?: string } | undefined;
    expect(restore?.sourceTableArn).to.match(new RegExp(`:table/${SOURCE}$`));
    expect(Date.parse(restore?.restoreDateTime ?? '')).to.be.greaterThan(Date.now() - 10 * 60_000);
  });

  it('a restore whose source has other keys than the spec is Terminal, naming both key schemas', async () => {
    mustApply(
      stringify({
        apiVersion: `${GROUP}/v1alpha1`,
        kind: 'DynamoDBTable',
        metadata: { name: 'other-keys' },
        spec: {
          providerRef: { name: 'moto' },
          tableName: 'ri_other_keys',
          billingMode: 'PAY_PER_REQUEST',
          hashKey: { name: 'pk', type: 'N' },
          deletionPolicy: 'Delete',
          restore: { sourceTableName: SOURCE, useLatestRestorableTime: true },
        },
      }),
      ns,
    );
    const t = await waitFor(
      'other-keys Terminal',
      () => {
        const c = condition(getObj('dynamodbtable', ns, 'other-keys'), 'Terminal');
        return c?.status === 'True' ? c : undefined;
      },
      { timeoutMs: 90_000 },
    );
    expect(t.reason).to.equal('RestoredKeySchemaMismatch');
    expect(t.message).to.contain("source's key schema (id:S HASH), not the spec's (pk:N HASH)");
    // Claimed (tagged) before the verdict, so deleting the object removes the table.
    const r = kubectl(['delete', 'dynamodbtable', 'other-keys', '-n', ns, '--wait=false']);
    expect(r.code, r.stderr).to.equal(0);
    await waitFor('ri_other_keys deleted', async () => !(await tableExists('ri_other_keys')), { timeoutMs: 60_000 });
  });

  it('restores from a backup ARN (DynamoDBTable kind): Ready, items present, the backup in status', async () => {
    mustApply(
      stringify({
        apiVersion: `${GROUP}/v1alpha1`,
        kind: 'DynamoDBTable',
        metadata: { name: 'from-backup' },
        spec: {
          providerRef: { name: 'moto' },
          tableName: 'ri_from_backup',
          billingMode: 'PAY_PER_REQUEST',
          hashKey: { name: 'id', type: 'S' },
          deletionPolicy: 'Delete',
          restore: { backupArn },
        },
      }),
      ns,
    );
    const o = await waitFor('from-backup Ready', ready('dynamodbtable', 'from-backup'), { timeoutMs: 90_000 });
    expect(writes('ri_from_backup')).to.deep.equal([
      'RestoreTableFromBackup 200',
      'TagResource 200',
      'UpdateTable 200',
    ]);
    expect(await ids('ri_from_backup')).to.deep.equal(['a', 'b', 'c']);
    expect((await tableTags(ddb, 'ri_from_backup'))[OWNER_UID_TAG]).to.equal(o.metadata.uid);
    expect((o.status?.restore as { sourceBackupArn?: string }).sourceBackupArn).to.equal(backupArn);
  });

  it('imports DynamoDB JSON from S3: Ready, items imported, import ARN and COMPLETED in status', async () => {
    mustApply(
      tableYaml('imported', 'ri_imported', {
        import: { bucket: BUCKET, keyPrefix: 'json/', inputFormat: 'DYNAMODB_JSON' },
      }),
      ns,
    );
    const o = await waitFor('imported Ready', ready('dynamodb', 'imported'), { timeoutMs: 90_000 });
    // ImportTable creates the table with its billing mode: only the owner tags follow.
    expect(writes('ri_imported')).to.deep.equal(['ImportTable 200', 'TagResource 200']);
    expect(await ids('ri_imported')).to.deep.equal(['j1', 'j2']);
    expect((await tableTags(ddb, 'ri_imported'))[OWNER_UID_TAG]).to.equal(o.metadata.uid);
    const st = o.status?.import as { importArn?: string; status?: string; importedItemCount?: number };
    expect(st.importArn).to.match(/:table\/ri_imported\/import\//);
    expect(st.status).to.equal('COMPLETED');
    expect(st.importedItemCount).to.equal(2);
  });

  it("a failed import is Terminal with AWS's FailureCode and FailureMessage (missing bucket, malformed data)", async () => {
    mustApply(
      tableYaml('no-bucket', 'ri_no_bucket', {
        import: { bucket: 'ri-no-such-bucket', inputFormat: 'DYNAMODB_JSON' },
      }),
      ns,
    );
    mustApply(
      tableYaml('malformed', 'ri_malformed', {
        import: { bucket: BUCKET, keyPrefix: 'csv/', inputFormat: 'DYNAMODB_JSON' },
      }),
      ns,
    );
    const terminal = (name: string) => () => {
      const t = condition(getObj('dynamodb', ns, name), 'Terminal');
      return t?.status === 'True' ? t : undefined;
    };
    const t1 = await waitFor('no-bucket Terminal', terminal('no-bucket'), { timeoutMs: 90_000 });
    expect(t1.reason).to.equal('ImportFailed');
    expect(t1.message).to.contain('ended FAILED').and.contain('S3NoSuchBucket: The specified bucket does not exist');
    const st = getObj('dynamodb', ns, 'no-bucket')?.status?.import as { status?: string; failureCode?: string };
    expect(st).to.deep.include({ status: 'FAILED', failureCode: 'S3NoSuchBucket' });
    const t2 = await waitFor('malformed Terminal', terminal('malformed'), { timeoutMs: 90_000 });
    expect(t2.reason).to.equal('ImportFailed');
    expect(t2.message).to.contain('ended FAILED');
    const malformed = getObj('dynamodb', ns, 'malformed');
    expect(condition(malformed, 'Ready')?.status).to.equal('False');
    // moto keeps the table of a failed import: it is claimed (owner tags) so that deletion removes it.
    expect((await tableTags(ddb, 'ri_malformed'))[OWNER_UID_TAG]).to.equal(malformed?.metadata.uid);
  });

  it('refuses changing restore or import at apply, naming the field and the fix', () => {
    const r = kubectl([
      'patch',
      'dynamodb',
      'restored',
      '-n',
      ns,
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { restore: { sourceTableName: 'ri_other' } } }),
    ]);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain('spec.restore: restore is used only when the table is created and is immutable');
    expect(r.stderr).to.contain('put spec.restore back as it was, or create a new object for a new table');
    const i = kubectl([
      'patch',
      'dynamodb',
      'imported',
      '-n',
      ns,
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { import: { keyPrefix: 'other/' } } }),
    ]);
    expect(i.code).to.not.equal(0);
    expect(i.stderr).to.contain('spec.import: import is used only when the table is created and is immutable');
  });

  it('deletes cleanly: restored and imported tables, and the objects whose import failed', async () => {
    const r = kubectl([
      'delete',
      'dynamodb',
      'restored',
      'imported',
      'no-bucket',
      'malformed',
      '-n',
      ns,
      '--wait=false',
    ]);
    expect(r.code, r.stderr).to.equal(0);
    await waitFor(
      'objects gone',
      () => ['restored', 'imported', 'no-bucket', 'malformed'].every((n) => !getObj('dynamodb', ns, n)),
      { timeoutMs: 90_000 },
    );
    for (const t of ['ri_restored', 'ri_imported', 'ri_no_bucket', 'ri_malformed']) {
      await waitFor(`${t} deleted`, async () => !(await tableExists(t)), { timeoutMs: 60_000 });
    }
    // One ImportTable per failed import (never sent again), one DeleteTable per table that existed.
    expect(writes('ri_no_bucket')).to.deep.equal(['ImportTable 200']);
    expect(writes('ri_malformed')).to.deep.equal(['ImportTable 200', 'TagResource 200', 'DeleteTable 200']);
    expect(writes('ri_restored').slice(-1)).to.deep.equal(['DeleteTable 200']);
    expect(writes('ri_imported').slice(-1)).to.deep.equal(['DeleteTable 200']);
    expect(writes(SOURCE)).to.deep.equal([]);
    // The source table was never touched.
    expect(await ids(SOURCE)).to.deep.equal(['a', 'b', 'c']);
  });
});
