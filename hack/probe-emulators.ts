// Measures what the two DynamoDB emulators model and what they do not, by sending each the same calls
// real DynamoDB would accept or reject, and printing what came back. docs/testing.md quotes its output.
//   . .testenv/env && node hack/probe-emulators.ts            (both emulators from the test environment)
//   node hack/probe-emulators.ts --json                         (one JSON line per probe and emulator)
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTagsOfResourceCommand,
  TagResourceCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput, TableDescription } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

type Probe = (ddb: DynamoDBClient, name: string) => Promise<string>;

function endpoints(): Record<string, string> {
  let moto = process.env.MOTO_ENDPOINT;
  let dynalite = process.env.DYNALITE_ENDPOINT;
  if (!moto || !dynalite) {
    const env = readFileSync(join(import.meta.dirname, '..', '.testenv', 'env'), 'utf8');
    moto ??= /MOTO_ENDPOINT='([^']+)'/.exec(env)?.[1];
    dynalite ??= /DYNALITE_ENDPOINT='([^']+)'/.exec(env)?.[1];
  }
  if (!moto || !dynalite) throw new Error('no emulator endpoints: run `hack/testenv.sh up` first');
  return { moto, dynalite };
}

const base = (name: string, extra: Partial<CreateTableCommandInput> = {}): CreateTableCommandInput => ({
  TableName: name,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  ...extra,
});

/** What a call did: "ok" or "<ErrorName>: <message>" — errors are results here, not failures. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    const e = err as Error;
    return `${e.name}: ${e.message}`.slice(0, 160);
  }
}

async function describe(ddb: DynamoDBClient, name: string): Promise<TableDescription> {
  const t = (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table;
  if (!t) throw new Error(`no Table for ${name}`);
  return t;
}

async function active(ddb: DynamoDBClient, name: string): Promise<TableDescription> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const t = await describe(ddb, name);
    const indexesReady = (t.GlobalSecondaryIndexes ?? []).every((g) => g.IndexStatus === 'ACTIVE');
    if (t.TableStatus === 'ACTIVE' && indexesReady) return t;
    if (Date.now() > deadline) throw new Error(`${name} not ACTIVE after 20 s`);
    await delay(50);
  }
}

async function created(ddb: DynamoDBClient, input: CreateTableCommandInput): Promise<TableDescription> {
  await ddb.send(new CreateTableCommand(input));
  return active(ddb, input.TableName ?? '');
}

const gsi = (indexName: string, attr: string, provisioned = true) => ({
  Create: {
    IndexName: indexName,
    KeySchema: [{ AttributeName: attr, KeyType: 'HASH' as const }],
    Projection: { ProjectionType: 'ALL' as const },
    ...(provisioned ? { ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } } : {}),
  },
});

// GSI probes use a PROVISIONED table (GSIs with their own throughput), valid for AWS and both emulators
const provisioned = (name: string): CreateTableCommandInput =>
  base(name, { BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } });

const probes: Record<string, Probe> = {
  'status returned by CreateTable': async (ddb, n) =>
    (await ddb.send(new CreateTableCommand(base(n)))).TableDescription?.TableStatus ?? '?',
  'UpdateTable while the table is CREATING': async (ddb, n) => {
    await ddb.send(new CreateTableCommand(base(n)));
    return outcome(
      ddb.send(
        new UpdateTableCommand({
          TableName: n,
          BillingMode: 'PROVISIONED',
          ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
        }),
      ),
    );
  },
  'second UpdateTable while UPDATING': async (ddb, n) => {
    await created(ddb, base(n));
    const first = await ddb.send(
      new UpdateTableCommand({
        TableName: n,
        BillingMode: 'PROVISIONED',
        ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
      }),
    );
    const status = first.TableDescription?.TableStatus ?? '?';
    const second = await outcome(
      ddb.send(
        new UpdateTableCommand({
          TableName: n,
          ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 2 },
        }),
      ),
    );
    return `first left it ${status}; second: ${second}`;
  },
  'two GSI creates in one UpdateTable': async (ddb, n) => {
    await created(ddb, provisioned(n));
    return outcome(
      ddb.send(
        new UpdateTableCommand({
          TableName: n,
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'a', AttributeType: 'S' },
            { AttributeName: 'b', AttributeType: 'S' },
          ],
          GlobalSecondaryIndexUpdates: [gsi('byA', 'a'), gsi('byB', 'b')],
        }),
      ),
    );
  },
  'GSI create: IndexStatus right after': async (ddb, n) => {
    await created(ddb, provisioned(n));
    const out = await ddb.send(
      new UpdateTableCommand({
        TableName: n,
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'a', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexUpdates: [gsi('byA', 'a')],
      }),
    );
    const t = out.TableDescription;
    return `table ${t?.TableStatus ?? '?'}, index ${t?.GlobalSecondaryIndexes?.[0]?.IndexStatus ?? 'absent'}`;
  },
  'GSI create: indexes described once ACTIVE again': async (ddb, n) => {
    await created(ddb, provisioned(n));
    await ddb.send(
      new UpdateTableCommand({
        TableName: n,
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'a', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexUpdates: [gsi('byA', 'a')],
      }),
    );
    const t = await active(ddb, n);
    return JSON.stringify((t.GlobalSecondaryIndexes ?? []).map((g) => `${g.IndexName}:${g.IndexStatus}`));
  },
  'GSI delete: indexes described right after': async (ddb, n) => {
    await created(
      ddb,
      base(n, {
        BillingMode: 'PROVISIONED',
        ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'a', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexes: [gsi('byA', 'a').Create],
      }),
    );
    const out = await ddb.send(
      new UpdateTableCommand({ TableName: n, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byA' } }] }),
    );
    const t = out.TableDescription;
    return JSON.stringify((t?.GlobalSecondaryIndexes ?? []).map((g) => `${g.IndexName}:${g.IndexStatus}`));
  },
  'GSI create while another GSI is CREATING': async (ddb, n) => {
    await created(ddb, provisioned(n));
    const defs = [
      { AttributeName: 'pk', AttributeType: 'S' as const },
      { AttributeName: 'a', AttributeType: 'S' as const },
      { AttributeName: 'b', AttributeType: 'S' as const },
    ];
    await ddb.send(
      new UpdateTableCommand({
        TableName: n,
        AttributeDefinitions: defs,
        GlobalSecondaryIndexUpdates: [gsi('byA', 'a')],
      }),
    );
    return outcome(
      ddb.send(
        new UpdateTableCommand({
          TableName: n,
          AttributeDefinitions: defs,
          GlobalSecondaryIndexUpdates: [gsi('byB', 'b')],
        }),
      ),
    );
  },
  'GSI create on a PAY_PER_REQUEST table (no index throughput)': async (ddb, n) => {
    await created(ddb, base(n));
    return outcome(
      ddb.send(
        new UpdateTableCommand({
          TableName: n,
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'a', AttributeType: 'S' },
          ],
          GlobalSecondaryIndexUpdates: [gsi('byA', 'a', false)],
        }),
      ),
    );
  },
  'UpdateTable to the throughput it already has': async (ddb, n) => {
    await created(ddb, provisioned(n));
    return outcome(
      ddb.send(
        new UpdateTableCommand({
          TableName: n,
          ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
        }),
      ),
    );
  },
  'TagResource with a reserved aws: key': async (ddb, n) => {
    const t = await created(ddb, base(n));
    return outcome(ddb.send(new TagResourceCommand({ ResourceArn: t.TableArn, Tags: [{ Key: 'aws:x', Value: 'v' }] })));
  },
  'TTL: enable, then disable at once': async (ddb, n) => {
    await created(ddb, base(n));
    const spec = (Enabled: boolean) => ({ TableName: n, TimeToLiveSpecification: { Enabled, AttributeName: 'exp' } });
    const first = await outcome(ddb.send(new UpdateTimeToLiveCommand(spec(true))));
    const second = await outcome(ddb.send(new UpdateTimeToLiveCommand(spec(false))));
    return `enable: ${first}; disable: ${second}`;
  },
  'TTL: enable when already enabled': async (ddb, n) => {
    await created(ddb, base(n));
    const spec = { TableName: n, TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } };
    await outcome(ddb.send(new UpdateTimeToLiveCommand(spec)));
    return outcome(ddb.send(new UpdateTimeToLiveCommand(spec)));
  },
  'DescribeTimeToLive of a new table': async (ddb, n) => {
    await created(ddb, base(n));
    const out = await ddb.send(new DescribeTimeToLiveCommand({ TableName: n }));
    return out.TimeToLiveDescription?.TimeToLiveStatus ?? 'absent';
  },
  'PITR: enable, then describe': async (ddb, n) => {
    await created(ddb, base(n));
    const upd = await outcome(
      ddb.send(
        new UpdateContinuousBackupsCommand({
          TableName: n,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      ),
    );
    if (upd !== 'ok') return upd;
    const out = await ddb.send(new DescribeContinuousBackupsCommand({ TableName: n }));
    const d = out.ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
    return `${d?.PointInTimeRecoveryStatus ?? '?'} (RecoveryPeriodInDays ${d?.RecoveryPeriodInDays ?? 'absent'})`;
  },
  'SSE KMS on create: SSEDescription': async (ddb, n) => {
    const t = await created(ddb, base(n, { SSESpecification: { Enabled: true, SSEType: 'KMS' } }));
    return t.SSEDescription ? JSON.stringify(t.SSEDescription).slice(0, 140) : 'absent';
  },
  'SSE with a customer KMS key ARN that does not exist': async (ddb, n) =>
    outcome(
      ddb.send(
        new CreateTableCommand(
          base(n, {
            SSESpecification: {
              Enabled: true,
              SSEType: 'KMS',
              KMSMasterKeyId: 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000',
            },
          }),
        ),
      ),
    ),
  'DeleteTable with deletion protection on': async (ddb, n) => {
    const t = await created(ddb, base(n, { DeletionProtectionEnabled: true }));
    const del = await outcome(ddb.send(new DeleteTableCommand({ TableName: n })));
    if (del !== 'ok') {
      await ddb.send(new UpdateTableCommand({ TableName: n, DeletionProtectionEnabled: false }));
    }
    return `described DeletionProtectionEnabled=${String(t.DeletionProtectionEnabled)}; delete: ${del}`;
  },
  'streams on create: LatestStreamArn': async (ddb, n) => {
    const t = await created(
      ddb,
      base(n, { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }),
    );
    return `${t.LatestStreamArn ? 'present' : 'absent'}; StreamSpecification ${JSON.stringify(t.StreamSpecification ?? null)}`;
  },
  'stream view type change without disabling first': async (ddb, n) => {
    await created(ddb, base(n, { StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } }));
    return outcome(
      ddb.send(
        new UpdateTableCommand({
          TableName: n,
          StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
        }),
      ),
    );
  },
  'tags given to CreateTable': async (ddb, n) => {
    const t = await created(ddb, base(n, { Tags: [{ Key: 'k', Value: 'v' }] }));
    const tags = await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: t.TableArn }));
    return JSON.stringify(tags.Tags ?? []);
  },
  'billing PAY_PER_REQUEST -> PROVISIONED -> PAY_PER_REQUEST at once': async (ddb, n) => {
    await created(ddb, base(n));
    const a = await outcome(
      ddb.send(
        new UpdateTableCommand({
          TableName: n,
          BillingMode: 'PROVISIONED',
          ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
        }),
      ),
    );
    await active(ddb, n);
    const b = await outcome(ddb.send(new UpdateTableCommand({ TableName: n, BillingMode: 'PAY_PER_REQUEST' })));
    return `to PROVISIONED: ${a}; back: ${b}`;
  },
  'TableClass STANDARD_INFREQUENT_ACCESS': async (ddb, n) => {
    const t = await created(ddb, base(n, { TableClass: 'STANDARD_INFREQUENT_ACCESS' }));
    return t.TableClassSummary?.TableClass ?? 'absent';
  },
  'attribute defined but not used in any key': async (ddb, n) =>
    outcome(
      ddb.send(
        new CreateTableCommand(
          base(n, {
            AttributeDefinitions: [
              { AttributeName: 'pk', AttributeType: 'S' },
              { AttributeName: 'unused', AttributeType: 'S' },
            ],
          }),
        ),
      ),
    ),
  'PROVISIONED without ProvisionedThroughput': async (ddb, n) =>
    outcome(ddb.send(new CreateTableCommand(base(n, { BillingMode: 'PROVISIONED' })))),
  'PAY_PER_REQUEST with ProvisionedThroughput': async (ddb, n) =>
    outcome(
      ddb.send(
        new CreateTableCommand(base(n, { ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } })),
      ),
    ),
  'table name with a hyphen and a dot': async (ddb, n) =>
    outcome(ddb.send(new CreateTableCommand(base(`${n}-x.y`)))).finally(() =>
      ddb.send(new DeleteTableCommand({ TableName: `${n}-x.y` })).catch(() => undefined),
    ),
  'CreateTable of an existing name': async (ddb, n) => {
    await created(ddb, base(n));
    return outcome(ddb.send(new CreateTableCommand(base(n))));
  },
  'DescribeTable of a missing table': async (ddb, n) => outcome(describe(ddb, `${n}-missing`)),
  'DeleteTable: status right after': async (ddb, n) => {
    await created(ddb, base(n));
    return (await ddb.send(new DeleteTableCommand({ TableName: n }))).TableDescription?.TableStatus ?? '?';
  },
};

async function main(): Promise<void> {
  const asJson = process.argv.includes('--json');
  const eps = endpoints();
  const results: Record<string, Record<string, string>> = {};
  for (const [emulator, endpoint] of Object.entries(eps)) {
    const ddb = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    for (const [probe, run] of Object.entries(probes)) {
      const name = `probe_${randomBytes(4).toString('hex')}`;
      const result = await outcome(run(ddb, name).then((r) => ((results[probe] ??= {})[emulator] = r)));
      if (result !== 'ok') (results[probe] ??= {})[emulator] = `probe failed: ${result}`;
      if (asJson) console.log(JSON.stringify({ emulator, probe, result: results[probe]?.[emulator] }));
      // clean up; a table still CREATING/UPDATING may refuse at first
      for (let i = 0; i < 50; i++) {
        const del = await outcome(ddb.send(new DeleteTableCommand({ TableName: name })));
        if (del === 'ok' || del.startsWith('ResourceNotFoundException')) break;
        await delay(100);
      }
    }
    ddb.destroy();
  }
  if (!asJson) {
    const names = Object.keys(eps);
    const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
    console.log(`| probe | ${names.join(' | ')} |`);
    console.log(`| --- | ${names.map(() => '---').join(' | ')} |`);
    for (const [probe, byEmulator] of Object.entries(results)) {
      console.log(`| ${probe} | ${names.map((e) => cell(byEmulator[e] ?? '')).join(' | ')} |`);
    }
  }
}

await main();
