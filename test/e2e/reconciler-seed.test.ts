// Every seed manifest reaches Ready with every status field filled, against a private moto (which
// serves DynamoDB, STS, tags, TTL and PITR), through real kubectl. The seed's two providers are
// applied as written plus `spec.endpoint`: `localstack` with static keys from its Secret, and
// `production-aws` with roleARN — assumed through moto's STS on top of the reconciler's default
// credential chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in its environment, as a pod would have).
// Wrong credentials are checked against a second moto with IAM authentication on.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  ListTagsOfResourceCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseAllDocuments, stringify } from 'yaml';
import { kubectl, testEnv, waitFor } from './support/index.ts';
import {
  condition,
  deleteNamespace,
  emulatorClient,
  getObj,
  mustApply,
  providerYaml,
  rehome,
  simpleTableYaml,
  startMoto,
  startReconcilerProc,
  uniqueNamespace,
} from './support-reconciler/index.ts';
import type { Emulator, Obj, ReconcilerProc } from './support-reconciler/index.ts';
import { nonEmpty } from '../support/fixtures.ts';

const seedDir = join(testEnv().root, 'examples', 'seed');
const seedFiles = nonEmpty(
  'seed manifests',
  readdirSync(seedDir).filter((f) => f.endsWith('.yaml')),
);

interface SeedTable {
  resource: 'dynamodbtable' | 'dynamodb';
  name: string;
  tableName: string;
  stream: boolean;
  gsis: number;
  pitr: boolean;
  tags: Record<string, string>;
}

function seedTables(): SeedTable[] {
  const out: SeedTable[] = [];
  for (const f of seedFiles) {
    for (const d of parseAllDocuments(readFileSync(join(seedDir, f), 'utf8'))) {
      const o = d.toJS() as { kind: string; metadata: { name: string }; spec: Record<string, unknown> };
      if (o?.kind !== 'DynamoDBTable' && o?.kind !== 'DynamoDB') continue;
      const s = o.spec;
      out.push({
        resource: o.kind === 'DynamoDBTable' ? 'dynamodbtable' : 'dynamodb',
        name: o.metadata.name,
        tableName: s.tableName as string,
        stream: Boolean(s.streamEnabled || s.streamSpecification),
        gsis: Array.isArray(s.globalSecondaryIndexes) ? s.globalSecondaryIndexes.length : 0,
        pitr: Boolean(
          (s.pointInTimeRecoverySpecification as { pointInTimeRecoveryEnabled?: boolean })?.pointInTimeRecoveryEnabled,
        ),
        tags: (s.tags as Record<string, string>) ?? {},
      });
    }
  }
  return out;
}

/** The seed's provider manifests with `spec.endpoint` added. */
function seedProvidersAt(endpoint: string): string {
  const docs: string[] = [];
  for (const f of seedFiles) {
    for (const d of parseAllDocuments(readFileSync(join(seedDir, f), 'utf8'))) {
      const o = d.toJS() as { kind: string; spec?: Record<string, unknown> };
      if (o?.kind === 'AWSProvider') {
        o.spec = { ...o.spec, endpoint };
        docs.push(stringify(o));
      } else if (o?.kind === 'Secret') docs.push(stringify(o));
    }
  }
  return docs.join('---\n');
}

async function tags(ddb: DynamoDBClient, arn: string): Promise<Record<string, string>> {
  const t = await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }));
  return Object.fromEntries((t.Tags ?? []).map((x) => [x.Key, x.Value]));
}

describe('reconciler: seed manifests reach Ready (moto)', function () {
  this.timeout(240_000);
  let ns: string;
  let moto: Emulator;
  let ddb: DynamoDBClient;
  let rec: ReconcilerProc;
  const tables = seedTables();
  const ready = new Map<string, Obj>();

  before(async () => {
    ns = uniqueNamespace('rec-seed');
    moto = await startMoto('rec-seed-moto');
    ddb = emulatorClient(moto.endpoint);
    mustApply(rehome(seedProvidersAt(moto.endpoint), ns), ns);
    rec = await startReconcilerProc('rec-seed-reconciler', ns, [], {
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
    });
    for (const f of seedFiles) {
      const text = readFileSync(join(seedDir, f), 'utf8');
      if (!/kind: (DynamoDBTable|DynamoDB)\b/.test(text)) continue;
      mustApply(rehome(text, ns), ns);
    }
  });

  after(async () => {
    await rec?.proc.stop();
    deleteNamespace(ns);
    ddb?.destroy();
    await moto?.proc.stop();
  });

  it('finds the seed tables (9 table manifests)', () => {
    expect(tables.length).to.be.at.least(9);
  });

  it('verifies both seed providers through STS (static keys, and roleARN assumed via STS)', async () => {
    for (const name of ['localstack', 'production-aws']) {
      const p = await waitFor(`provider ${name} ready`, () => {
        const o = getObj('awsprovider', ns, name);
        return o?.status?.ready === true ? o : undefined;
      });
      expect(p.status?.accountId, name).to.match(/^\d{12}$/);
      expect(condition(p, 'Ready')?.reason).to.equal('CredentialsVerified');
    }
  });

  it('every seed table reaches Ready with every status field filled', async () => {
    for (const t of tables) {
      const o = await waitFor(
        `${t.resource}/${t.name} Ready`,
        () => {
          const x = getObj(t.resource, ns, t.name);
          return x?.status?.ready === true ? x : undefined;
        },
        { timeoutMs: 90_000 },
      );
      ready.set(t.name, o);
      const s = o.status ?? {};
      expect(s.tableArn, t.name).to.match(new RegExp(`:table/${t.tableName}$`));
      expect(s.tableStatus, t.name).to.equal('ACTIVE');
      expect(s.itemCount, t.name).to.be.a('number');
      expect(s.tableSizeBytes, t.name).to.be.a('number');
      expect(s.lastSyncTime, t.name).to.match(/^\d{4}-\d\d-\d\dT/);
      expect(s.observedGeneration, t.name).to.equal(1);
      for (const type of ['Ready', 'Synced']) expect(condition(o, type)?.status, `${t.name} ${type}`).to.equal('True');
      expect(condition(o, 'Terminal')?.status, t.name).to.equal('False');
      if (t.stream) expect(s.streamArn, t.name).to.be.a('string').and.contain(t.tableName);
      const gsis = (s.globalSecondaryIndexes as { indexName: string; indexStatus: string }[] | undefined) ?? [];
      expect(gsis.length, t.name).to.equal(t.gsis);
      for (const g of gsis) expect(g.indexStatus, `${t.name} ${g.indexName}`).to.equal('ACTIVE');
    }
  });

  it('tables in moto carry the spec tags, the provider default tags and the ownership tags', async () => {
    for (const t of tables) {
      const o = ready.get(t.name);
      if (!o) throw new Error(`${t.name} did not become Ready`);
      const have = await tags(ddb, o.status?.tableArn as string);
      for (const [k, v] of Object.entries(t.tags)) expect(have[k], `${t.name} tag ${k}`).to.equal(v);
      expect(have['managed-by'], t.name).to.equal('infra-operator');
      expect(have['aws-infra-operator.runner.codes/owner-uid'], t.name).to.equal(o.metadata.uid);
      expect(have['aws-infra-operator.runner.codes/owner'], t.name).to.match(new RegExp(`/${ns}/${t.name}$`));
    }
  });

  it('enables point-in-time recovery where the spec asks for it', async () => {
    const withPitr = tables.filter((t) => t.pitr);
    expect(withPitr.length).to.be.greaterThan(0);
    for (const t of withPitr) {
      const d = await ddb.send(new DescribeContinuousBackupsCommand({ TableName: t.tableName }));
      expect(d.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).to.equal(
        'ENABLED',
      );
    }
  });

  it('creates the tables with the spec’s keys, indexes and billing', async () => {
    const orders = await ddb.send(new DescribeTableCommand({ TableName: 'orders' }));
    expect(orders.Table?.KeySchema?.map((k) => `${k.AttributeName}:${k.KeyType}`)).to.deep.equal([
      'customerId:HASH',
      'orderDate:RANGE',
    ]);
    expect(orders.Table?.ProvisionedThroughput?.ReadCapacityUnits).to.equal(10);
    const lb = await ddb.send(new DescribeTableCommand({ TableName: 'game_leaderboard' }));
    expect(lb.Table?.LocalSecondaryIndexes?.map((i) => i.IndexName)).to.deep.equal(['score-index']);
  });

  it('kubectl get ddb / get dynamodb list them; kubectl describe shows Events', () => {
    const ddbList = kubectl(['get', 'ddb', '-n', ns]);
    expect(ddbList.code).to.equal(0);
    for (const t of tables.filter((x) => x.resource === 'dynamodbtable')) expect(ddbList.stdout).to.contain(t.name);
    const dynList = kubectl(['get', 'dynamodb', '-n', ns]);
    expect(dynList.code).to.equal(0);
    for (const t of tables.filter((x) => x.resource === 'dynamodb')) expect(dynList.stdout).to.contain(t.name);
    const described = kubectl(['describe', 'dynamodb', 'critical-data', '-n', ns]);
    expect(described.stdout).to.match(/Events:[\s\S]*Creating[\s\S]*CreateTable sent/);
  });
});

describe('reconciler: wrong credentials (moto with IAM authentication)', function () {
  this.timeout(120_000);
  let ns: string;
  let moto: Emulator;
  let rec: ReconcilerProc;

  before(async () => {
    ns = uniqueNamespace('rec-creds');
    moto = await startMoto('rec-creds-moto', { auth: true });
    mustApply(providerYaml('wrong', moto.endpoint, { accessKey: 'AKIANOSUCHKEY0000000' }), ns);
    rec = await startReconcilerProc('rec-creds-reconciler', ns);
  });

  after(async () => {
    await rec?.proc.stop();
    deleteNamespace(ns);
    await moto?.proc.stop();
  });

  it('the provider is not ready with reason InvalidCredentials; its tables say ProviderNotReady; no crash loop', async () => {
    const p = await waitFor('provider InvalidCredentials', () => {
      const o = getObj('awsprovider', ns, 'wrong');
      return condition(o, 'Ready')?.reason === 'InvalidCredentials' ? o : undefined;
    });
    expect(p.status?.ready).to.equal(false);
    expect(condition(p, 'Ready')?.message).to.contain('InvalidClientTokenId');
    mustApply(simpleTableYaml('t-wrong', 'creds_table', 'wrong'), ns);
    const t = await waitFor('table ProviderNotReady', () => {
      const o = getObj('dynamodbtable', ns, 't-wrong');
      return condition(o, 'Ready')?.reason === 'ProviderNotReady' ? o : undefined;
    });
    expect(condition(t, 'Ready')?.message).to.contain('InvalidCredentials');
    expect(t.status?.ready).to.equal(false);
    const health = await fetch(`http://127.0.0.1:${rec.healthPort}/healthz`);
    expect(health.status).to.equal(200);
  });
});
