// resourcePolicy and contributor insights through the webhook and the reconciler, against moto behind the
// fault proxy. moto 5.2.5 implements Put/Get/DeleteResourcePolicy (emulated) but drops CreateTable's
// ResourcePolicy, which the first sync then puts; contributor insights exist in neither emulator and are
// answered by the proxy's model (test/fault-proxy/contributor-insights.ts: modelled, not emulated).
// Both kinds: created with a policy and insights on the table and a GSI → Ready, the policy in moto,
// its RevisionId and each owner ENABLED in status; the policy changed; changed behind the operator's back
// → put back at a drift check, while a reformatted (whitespace / key order) copy is not drift; removed →
// deleted; insights removed → disabled; an enable FAILED (injected) → reported, retried on a spec change;
// observe-only → no write; invalid JSON and a document over 20 KB refused at apply with the field path;
// the object deleted → the table gone.
import { expect } from 'chai';
import {
  DescribeContributorInsightsCommand,
  DescribeTableCommand,
  GetResourcePolicyCommand,
  PutResourcePolicyCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { stringify } from 'yaml';
import { applyYaml, kubectl, waitFor } from './support/index.ts';
import { GROUP, getObj, mustApply } from './support-reconciler/index.ts';
import type { Obj } from './support-reconciler/index.ts';
import { eventsOf, lastSeq } from './support-updates/index.ts';
import type { ProxyProc } from './support-updates/index.ts';
import { readyAtGeneration as readyAt, startOperatorStack } from './support-stack/index.ts';
import type { OperatorStack } from './support-stack/index.ts';
import { samePolicy } from '../../packages/api/src/plan/access-insights.ts';

const TABLE = 'access_orders';
const TABLE_KIND = 'access_quick';

const policy = (table: string, actions: string[]) =>
  JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadOnly',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::123456789012:root' },
          Action: actions,
          Resource: `arn:aws:dynamodb:us-east-1:123456789012:table/${table}`,
        },
      ],
    },
    null,
    2,
  );

function ordersYaml(resourcePolicy: string): string {
  return stringify({
    apiVersion: `${GROUP}/v1alpha1`,
    kind: 'DynamoDB',
    metadata: { name: 'orders' },
    spec: {
      providerRef: { name: 'moto' },
      tableName: TABLE,
      billingMode: 'PAY_PER_REQUEST',
      attributes: [
        { name: 'pk', type: 'S' },
        { name: 'g', type: 'S' },
      ],
      keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
      globalSecondaryIndexes: [
        {
          indexName: 'by-g',
          keys: [{ attributeName: 'g', keyType: 'HASH' }],
          projection: { type: 'ALL' },
          contributorInsightsSpecification: { enabled: true },
        },
      ],
      contributorInsightsSpecification: { enabled: true },
      resourcePolicy,
      deletionPolicy: 'Delete',
    },
  });
}

function quickYaml(): string {
  return stringify({
    apiVersion: `${GROUP}/v1alpha1`,
    kind: 'DynamoDBTable',
    metadata: { name: 'quick' },
    spec: {
      providerRef: { name: 'moto' },
      tableName: TABLE_KIND,
      hashKey: { name: 'id', type: 'S' },
      contributorInsights: true,
      resourcePolicy: policy(TABLE_KIND, ['dynamodb:GetItem']),
      deletionPolicy: 'Delete',
    },
  });
}

type Status = {
  tableArn?: string;
  resourcePolicy?: { revisionId?: string };
  contributorInsights?: { indexName?: string; contributorInsightsStatus: string; failureException?: string }[];
};

describe('resourcePolicy and contributor insights (webhook + reconciler + moto behind the fault proxy)', function () {
  this.timeout(300_000);
  let ns: string;
  let proxy: ProxyProc;
  let ddb: DynamoDBClient;
  let stack: OperatorStack | undefined;
  let arn = '';

  const statusOf = (resource = 'dynamodb', name = 'orders'): Status =>
    ((getObj(resource, ns, name) as Obj | undefined)?.status ?? {}) as Status;
  const readyAtGeneration = (resource: string, name: string) => readyAt(ns, resource, name, { synced: false });
  const livePolicy = async (resourceArn = arn): Promise<{ Policy?: string; RevisionId?: string } | string> =>
    ddb.send(new GetResourcePolicyCommand({ ResourceArn: resourceArn })).then(
      (r) => r,
      (e: Error) => e.name,
    );
  const insights = async (table: string, index?: string) =>
    (
      await ddb.send(
        new DescribeContributorInsightsCommand({ TableName: table, ...(index ? { IndexName: index } : {}) }),
      )
    ).ContributorInsightsStatus;
  const insightsStatus = (resource = 'dynamodb', name = 'orders') =>
    Object.fromEntries(
      (statusOf(resource, name).contributorInsights ?? []).map((e) => [
        e.indexName ?? '(table)',
        e.contributorInsightsStatus,
      ]),
    );
  const patchJson = (ops: unknown[]) =>
    kubectl(['patch', 'dynamodb', 'orders', '-n', ns, '--type=json', '-p', JSON.stringify(ops)]);
  const callsSince = async (seq: number, operation: string) =>
    (await proxy.calls()).filter((c) => c.seq > seq && c.operation === operation);

  before(async () => {
    stack = await startOperatorStack('access', ['--resync-period=2s', '--drift-check-period=3s']);
    ({ ns, proxy, ddb } = stack);
    mustApply(ordersYaml(policy(TABLE, ['dynamodb:GetItem', 'dynamodb:Query'])), ns);
    mustApply(quickYaml(), ns);
  });

  after(async () => {
    await stack?.stop();
  });

  it('kubectl explain shows resourcePolicy and contributor insights in both kinds', () => {
    const policyDoc = kubectl(['explain', 'dynamodbs.spec.resourcePolicy']);
    expect(policyDoc.code, policyDoc.stderr).to.equal(0);
    expect(policyDoc.stdout).to.contain('20 KB');
    const gsi = kubectl(['explain', 'dynamodbs.spec.globalSecondaryIndexes.contributorInsightsSpecification.enabled']);
    expect(gsi.code, gsi.stderr).to.equal(0);
    const flag = kubectl(['explain', 'dynamodbtables.spec.contributorInsights']);
    expect(flag.code, flag.stderr).to.equal(0);
    expect(flag.stdout).to.contain('<boolean>');
    const status = kubectl(['explain', 'dynamodbs.status.contributorInsights.contributorInsightsStatus']);
    expect(status.code, status.stderr).to.equal(0);
    expect(status.stdout).to.contain('ENABLING');
  });

  it('creates both kinds with their policy (in moto, RevisionId in status) and insights ENABLED per owner', async () => {
    const o = await waitFor('orders Ready', readyAtGeneration('dynamodb', 'orders'), { timeoutMs: 60_000 });
    arn = (o.status as Status).tableArn ?? '';
    expect(arn).to.match(new RegExp(`table/${TABLE}$`));
    const live = await livePolicy();
    expect(live, 'GetResourcePolicy').to.be.an('object');
    if (typeof live === 'string') return;
    expect(samePolicy(live.Policy ?? '', policy(TABLE, ['dynamodb:GetItem', 'dynamodb:Query']))).to.equal(true);
    await waitFor('revisionId in status', () => statusOf().resourcePolicy?.revisionId === live.RevisionId);
    // CreateTable carried the policy; moto 5.2.5 drops it there, so the first sync put it: one call.
    const puts = (await proxy.calls()).filter((c) => c.operation === 'PutResourcePolicy' && c.table === TABLE);
    expect(puts.map((c) => c.status)).to.deep.equal([200]);
    await waitFor(
      'insights ENABLED in status',
      () => JSON.stringify(insightsStatus()) === JSON.stringify({ '(table)': 'ENABLED', 'by-g': 'ENABLED' }),
    );
    expect(await insights(TABLE)).to.equal('ENABLED');
    expect(await insights(TABLE, 'by-g')).to.equal('ENABLED');
    const updates = (await proxy.calls()).filter(
      (c) => c.operation === 'UpdateContributorInsights' && c.table === TABLE,
    );
    expect(updates.map((c) => c.status)).to.deep.equal([200, 200]);

    const q = await waitFor('quick Ready', readyAtGeneration('dynamodbtable', 'quick'), { timeoutMs: 60_000 });
    const quick = await livePolicy((q.status as Status).tableArn);
    expect(
      typeof quick === 'object' && samePolicy(quick.Policy ?? '', policy(TABLE_KIND, ['dynamodb:GetItem'])),
    ).to.equal(true);
    await waitFor('quick insights ENABLED', () => insightsStatus('dynamodbtable', 'quick')['(table)'] === 'ENABLED');
  });

  it('changes the policy in place (one PutResourcePolicy, a new RevisionId)', async () => {
    const before = statusOf().resourcePolicy?.revisionId;
    const since = lastSeq(await proxy.calls());
    const r = patchJson([{ op: 'replace', path: '/spec/resourcePolicy', value: policy(TABLE, ['dynamodb:Scan']) }]);
    expect(r.code, r.stderr).to.equal(0);
    await waitFor('the new policy in moto', async () => {
      const live = await livePolicy();
      return typeof live === 'object' && samePolicy(live.Policy ?? '', policy(TABLE, ['dynamodb:Scan']));
    });
    await waitFor('a new revisionId in status', () => {
      const now = statusOf().resourcePolicy?.revisionId;
      return now !== undefined && now !== before;
    });
    expect((await callsSince(since, 'PutResourcePolicy')).map((c) => c.status)).to.deep.equal([200]);
  });

  it('a reformatted copy (whitespace, key order) is not drift; a changed policy is put back at a drift check', async () => {
    const spec = JSON.parse(policy(TABLE, ['dynamodb:Scan'])) as { Statement: Record<string, unknown>[] };
    const reordered = JSON.stringify({ Statement: spec.Statement, Version: '2012-10-17' });
    await ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: reordered }));
    let since = lastSeq(await proxy.calls());
    // Two drift checks of the policy read it, and nothing is written.
    await waitFor(
      'two GetResourcePolicy drift checks',
      async () => (await callsSince(since, 'GetResourcePolicy')).length >= 2,
      {
        timeoutMs: 30_000,
      },
    );
    expect(await callsSince(since, 'PutResourcePolicy')).to.deep.equal([]);

    await ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: policy(TABLE, ['dynamodb:DeleteItem']) }));
    since = lastSeq(await proxy.calls());
    await waitFor(
      'the spec policy back in moto',
      async () => {
        const live = await livePolicy();
        return typeof live === 'object' && samePolicy(live.Policy ?? '', policy(TABLE, ['dynamodb:Scan']));
      },
      { timeoutMs: 30_000 },
    );
    expect((await callsSince(since, 'PutResourcePolicy')).map((c) => c.status)).to.deep.equal([200]);
    await waitFor('a DriftDetected Event naming the resource policy', () =>
      eventsOf(ns, 'orders').some(
        (e) => e.reason === 'DriftDetected' && e.message.includes('resource policy') && e.type === 'Warning',
      ),
    );
  });

  it("removing the field deletes the policy; removing GSI insights and disabling the table's disables them", async () => {
    const since = lastSeq(await proxy.calls());
    const r = patchJson([
      { op: 'remove', path: '/spec/resourcePolicy' },
      { op: 'remove', path: '/spec/globalSecondaryIndexes/0/contributorInsightsSpecification' },
      { op: 'replace', path: '/spec/contributorInsightsSpecification/enabled', value: false },
    ]);
    expect(r.code, r.stderr).to.equal(0);
    await waitFor('no policy in moto', async () => (await livePolicy()) === 'PolicyNotFoundException');
    await waitFor('status without the policy, table insights DISABLED, GSI no longer listed', () => {
      const s = statusOf();
      return (
        s.resourcePolicy === undefined && JSON.stringify(insightsStatus()) === JSON.stringify({ '(table)': 'DISABLED' })
      );
    });
    expect(await insights(TABLE)).to.equal('DISABLED');
    expect(await insights(TABLE, 'by-g')).to.equal('DISABLED');
    expect((await callsSince(since, 'DeleteResourcePolicy')).map((c) => c.status)).to.deep.equal([200]);
    expect((await callsSince(since, 'UpdateContributorInsights')).length).to.equal(2);
    await waitFor('orders Ready', readyAtGeneration('dynamodb', 'orders'));
  });

  it('a failed enable shows FAILED with its reason and a Warning Event, and is tried again only on a spec change', async () => {
    const inject = await fetch(`${proxy.url}/__proxy/contributor-insights/fail-next-enable`, {
      method: 'POST',
      body: JSON.stringify({
        table: TABLE,
        index: 'by-g',
        name: 'InternalServerError',
        description: 'could not create the CloudWatch rules',
      }),
    });
    expect(inject.status).to.equal(200);
    let since = lastSeq(await proxy.calls());
    const r = patchJson([
      { op: 'add', path: '/spec/globalSecondaryIndexes/0/contributorInsightsSpecification', value: { enabled: true } },
    ]);
    expect(r.code, r.stderr).to.equal(0);
    const failed = await waitFor('by-g FAILED in status', () => {
      const e = statusOf().contributorInsights?.find((x) => x.indexName === 'by-g');
      return e?.contributorInsightsStatus === 'FAILED' ? e : undefined;
    });
    expect(failed.failureException).to.equal('InternalServerError: could not create the CloudWatch rules');
    await waitFor('a ContributorInsightsFailed Event', () =>
      eventsOf(ns, 'orders').some((e) => e.reason === 'ContributorInsightsFailed' && e.type === 'Warning'),
    );
    // Not enabled again on its own: a few more reconciles of the table send nothing more.
    const after = lastSeq(await proxy.calls());
    await waitFor(
      'three more reads of the table',
      async () => (await proxy.calls()).filter((c) => c.seq > after && c.table === TABLE).length >= 3,
    );
    expect((await callsSince(since, 'UpdateContributorInsights')).length).to.equal(1);

    since = lastSeq(await proxy.calls());
    const again = patchJson([{ op: 'replace', path: '/spec/contributorInsightsSpecification/enabled', value: true }]);
    expect(again.code, again.stderr).to.equal(0);
    await waitFor(
      'table and by-g ENABLED after the spec change',
      () => JSON.stringify(insightsStatus()) === JSON.stringify({ '(table)': 'ENABLED', 'by-g': 'ENABLED' }),
    );
    expect((await callsSince(since, 'UpdateContributorInsights')).length).to.equal(2);
  });

  it('observe-only: a policy and insights change in the spec sends no write; back to managed, both converge', async () => {
    const policyAnnotation = `${GROUP}/management-policy`;
    const a = kubectl(['annotate', 'dynamodb', 'orders', '-n', ns, `${policyAnnotation}=Observe`]);
    expect(a.code, a.stderr).to.equal(0);
    const since = lastSeq(await proxy.calls());
    const r = patchJson([
      { op: 'add', path: '/spec/resourcePolicy', value: policy(TABLE, ['dynamodb:GetItem']) },
      { op: 'replace', path: '/spec/contributorInsightsSpecification/enabled', value: false },
    ]);
    expect(r.code, r.stderr).to.equal(0);
    await waitFor(
      'three reads of the observed table',
      async () => (await proxy.calls()).filter((c) => c.seq > since && c.table === TABLE).length >= 3,
    );
    const writes = (await proxy.calls()).filter(
      (c) =>
        c.seq > since &&
        ['PutResourcePolicy', 'DeleteResourcePolicy', 'UpdateContributorInsights'].includes(c.operation),
    );
    expect(writes).to.deep.equal([]);
    expect(await livePolicy()).to.equal('PolicyNotFoundException');

    const back = kubectl(['annotate', 'dynamodb', 'orders', '-n', ns, `${policyAnnotation}-`]);
    expect(back.code, back.stderr).to.equal(0);
    await waitFor('the policy in moto once managed again', async () => typeof (await livePolicy()) === 'object');
    await waitFor(
      'table insights DISABLED, by-g still ENABLED',
      () => JSON.stringify(insightsStatus()) === JSON.stringify({ '(table)': 'DISABLED', 'by-g': 'ENABLED' }),
    );
  });

  it('refuses a policy that is not JSON, or over 20 KB, at apply with the field path; nothing reaches AWS', async () => {
    const since = lastSeq(await proxy.calls());
    const bad = applyYaml(ordersYaml('{"Version": "2012-10-17", "Statement": ['), ['-n', ns]);
    expect(bad.code).to.not.equal(0);
    expect(bad.stderr).to.contain('spec.resourcePolicy: is not valid JSON');
    const big = policy(
      TABLE,
      Array.from({ length: 900 }, (_, i) => `dynamodb:Action${i}`),
    );
    const large = applyYaml(ordersYaml(big), ['-n', ns]);
    expect(large.code).to.not.equal(0);
    expect(large.stderr).to.match(/spec\.resourcePolicy: the policy is \d+ bytes, over DynamoDB's limit of 20480/);
    expect(await callsSince(since, 'PutResourcePolicy')).to.deep.equal([]);
  });

  it('deleting the objects deletes the tables', async () => {
    for (const [resource, name] of [
      ['dynamodb', 'orders'],
      ['dynamodbtable', 'quick'],
    ] as const) {
      const r = kubectl(['delete', resource, name, '-n', ns, '--wait=false']);
      expect(r.code, r.stderr).to.equal(0);
    }
    for (const t of [TABLE, TABLE_KIND])
      await waitFor(`${t} gone`, async () =>
        ddb.send(new DescribeTableCommand({ TableName: t })).then(
          () => false,
          (e: Error) => e.name === 'ResourceNotFoundException',
        ),
      );
    await waitFor('objects gone', () => !getObj('dynamodb', ns, 'orders') && !getObj('dynamodbtable', ns, 'quick'));
  });
});
