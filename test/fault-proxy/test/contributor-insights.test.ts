// Contributor insights, which neither emulator has: the model on its own (states, errors, listing,
// failure, table deletion) and through the proxy in front of real moto, which answers these calls
// with an error itself (if moto ever implements them, the first test fails and the model can go).
import { expect } from 'chai';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeContributorInsightsCommand,
  ListContributorInsightsCommand,
  UpdateContributorInsightsCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { clientFor, startMoto } from '../../../packages/reconciler/test/update.helpers.ts';
import type { Emulator } from '../../../packages/reconciler/test/update.helpers.ts';
import { ContributorInsightsModel } from '../contributor-insights.ts';
import type { TableLookup } from '../contributor-insights.ts';
import { startFaultProxy } from '../index.ts';
import type { FaultProxy } from '../index.ts';

const lookup: TableLookup = async (t) => (t === 'orders' ? { indexes: ['by-g'] } : undefined);

describe('fault proxy: contributor insights model', () => {
  it('ENABLING → ENABLED and DISABLING → DISABLED after settleMs, per table and per GSI', async () => {
    const m = new ContributorInsightsModel({ settleMs: 100 });
    const up = await m.answer(
      'UpdateContributorInsights',
      { TableName: 'orders', ContributorInsightsAction: 'ENABLE' },
      0,
      lookup,
    );
    expect(up).to.deep.equal({ body: { TableName: 'orders', ContributorInsightsStatus: 'ENABLING' } });
    expect(m.statusOf('orders', undefined, 50)).to.equal('ENABLING');
    expect(m.statusOf('orders', undefined, 100)).to.equal('ENABLED');
    expect(m.statusOf('orders', 'by-g', 100)).to.equal('DISABLED');
    await m.answer(
      'UpdateContributorInsights',
      { TableName: 'orders', IndexName: 'by-g', ContributorInsightsAction: 'ENABLE' },
      100,
      lookup,
    );
    await m.answer(
      'UpdateContributorInsights',
      { TableName: 'orders', ContributorInsightsAction: 'DISABLE' },
      200,
      lookup,
    );
    const d = await m.answer('DescribeContributorInsights', { TableName: 'orders' }, 250, lookup);
    expect('body' in d && d.body.ContributorInsightsStatus).to.equal('DISABLING');
    const gsi = await m.answer('DescribeContributorInsights', { TableName: 'orders', IndexName: 'by-g' }, 250, lookup);
    expect('body' in gsi && gsi.body.ContributorInsightsStatus).to.equal('ENABLED');
    expect('body' in gsi && gsi.body.ContributorInsightsRuleList).to.have.length(2);
    const list = await m.answer('ListContributorInsights', { TableName: 'orders' }, 400, lookup);
    expect(list).to.deep.equal({
      body: {
        ContributorInsightsSummaries: [
          { TableName: 'orders', IndexName: 'by-g', ContributorInsightsStatus: 'ENABLED' },
        ],
      },
    });
  });

  it('ResourceNotFoundException for an unknown table or index, ValidationException for an unknown action', async () => {
    const m = new ContributorInsightsModel();
    const noTable = await m.answer('DescribeContributorInsights', { TableName: 'nope' }, 0, lookup);
    expect('error' in noTable && noTable.error).to.equal('ResourceNotFoundException');
    const noIndex = await m.answer(
      'UpdateContributorInsights',
      { TableName: 'orders', IndexName: 'x', ContributorInsightsAction: 'ENABLE' },
      0,
      lookup,
    );
    expect('error' in noIndex && noIndex.error).to.equal('ResourceNotFoundException');
    const bad = await m.answer(
      'UpdateContributorInsights',
      { TableName: 'orders', ContributorInsightsAction: 'ON' },
      0,
      lookup,
    );
    expect('error' in bad && bad.error).to.equal('ValidationException');
  });

  it('FAILED with its FailureException; deleting the table forgets its settings', async () => {
    const m = new ContributorInsightsModel();
    m.fail('orders', undefined, 'AccessDeniedException', 'no cloudwatch:PutInsightRule');
    const d = await m.answer('DescribeContributorInsights', { TableName: 'orders' }, 0, lookup);
    expect('body' in d && d.body.ContributorInsightsStatus).to.equal('FAILED');
    expect('body' in d && d.body.FailureException).to.deep.equal({
      ExceptionName: 'AccessDeniedException',
      ExceptionDescription: 'no cloudwatch:PutInsightRule',
    });
    m.failNextEnable('orders', 'by-g', 'InternalServerError', 'rule creation failed');
    await m.answer(
      'UpdateContributorInsights',
      { TableName: 'orders', IndexName: 'by-g', ContributorInsightsAction: 'ENABLE' },
      10,
      lookup,
    );
    expect(m.statusOf('orders', 'by-g', 11)).to.equal('ENABLING');
    expect(m.statusOf('orders', 'by-g', 10 + 1_500)).to.equal('FAILED');
    // One failure only: enabling again succeeds.
    await m.answer(
      'UpdateContributorInsights',
      { TableName: 'orders', IndexName: 'by-g', ContributorInsightsAction: 'ENABLE' },
      2_000,
      lookup,
    );
    expect(m.statusOf('orders', 'by-g', 3_500)).to.equal('ENABLED');
    m.deletedTable('orders');
    expect(m.statusOf('orders', undefined, 0)).to.equal('DISABLED');
  });
});

describe('fault proxy: contributor insights in front of moto', function () {
  this.timeout(60_000);
  let emu: Emulator;
  let proxy: FaultProxy;
  let direct: DynamoDBClient;
  let proxied: DynamoDBClient;

  before(async () => {
    emu = await startMoto();
    proxy = await startFaultProxy({ upstream: emu.endpoint });
    direct = clientFor(emu.endpoint);
    proxied = clientFor(proxy.url);
    await direct.send(
      new CreateTableCommand({
        TableName: 'ci_orders',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'g', AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'by-g',
            KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
  });
  after(async () => {
    direct?.destroy();
    proxied?.destroy();
    await proxy?.close();
    await emu?.stop();
  });

  it('moto itself does not implement contributor insights', async () => {
    const err = await direct.send(new DescribeContributorInsightsCommand({ TableName: 'ci_orders' })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err, 'moto answered DescribeContributorInsights: the model may no longer be needed').to.be.instanceOf(Error);
  });

  it('through the proxy: enable the table and a GSI, see them ENABLED, listed, and gone with the table', async () => {
    const up = await proxied.send(
      new UpdateContributorInsightsCommand({ TableName: 'ci_orders', ContributorInsightsAction: 'ENABLE' }),
    );
    expect(up.ContributorInsightsStatus).to.equal('ENABLING');
    await proxied.send(
      new UpdateContributorInsightsCommand({
        TableName: 'ci_orders',
        IndexName: 'by-g',
        ContributorInsightsAction: 'ENABLE',
      }),
    );
    proxy.advance(2_000);
    const d = await proxied.send(new DescribeContributorInsightsCommand({ TableName: 'ci_orders', IndexName: 'by-g' }));
    expect(d.ContributorInsightsStatus).to.equal('ENABLED');
    const list = await proxied.send(new ListContributorInsightsCommand({ TableName: 'ci_orders' }));
    expect(list.ContributorInsightsSummaries?.map((s) => s.IndexName ?? '(table)').sort()).to.deep.equal([
      '(table)',
      'by-g',
    ]);
    const missing = await proxied
      .send(new DescribeContributorInsightsCommand({ TableName: 'ci_orders', IndexName: 'nope' }))
      .then(
        () => 'ok',
        (e: Error) => e.name,
      );
    expect(missing).to.equal('ResourceNotFoundException');
    await proxied.send(new DeleteTableCommand({ TableName: 'ci_orders' }));
    const gone = await proxied.send(new DescribeContributorInsightsCommand({ TableName: 'ci_orders' })).then(
      () => 'ok',
      (e: Error) => e.name,
    );
    expect(gone).to.equal('ResourceNotFoundException');
    expect(proxy.calls().filter((c) => c.by === 'modelled').length).to.be.greaterThan(3);
  });
});
