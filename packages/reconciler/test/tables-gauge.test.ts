import { expect } from 'chai';
import { startTablesGauge } from '../src/manager/probes.ts';
import { makeMetrics } from '../src/observability/metrics.ts';
import type { TableSummary } from '../src/manager/watches.ts';

/** A cache with a change counter, counting how often it is walked. */
class FakeCache {
  storeChanges = 0;
  walks = 0;
  private readonly items = new Map<string, TableSummary>();
  put(key: string, status: string): void {
    this.items.set(key, { provider: 'ns/p', status });
    this.storeChanges++;
  }
  *summaries(): IterableIterator<[string, TableSummary]> {
    this.walks++;
    yield* this.items;
  }
}

describe('the tables gauge', () => {
  it('counts tables by kind and status, and walks the caches again only after they change', async () => {
    const metrics = makeMetrics(false);
    const table = new FakeCache();
    const dynamo = new FakeCache();
    table.put('ns/a', 'ACTIVE');
    table.put('ns/b', 'CREATING');
    const value = async (kind: string, status: string) =>
      (await metrics.tables.get()).values.find((v) => v.labels.kind === kind && v.labels.status === status)?.value;
    const tick = () => new Promise((r) => setTimeout(r, 30));
    const stop = startTablesGauge(metrics, { DynamoDBTable: table, DynamoDB: dynamo }, 10);
    try {
      while ((await value('DynamoDBTable', 'CREATING')) === undefined) await tick();
      expect(await value('DynamoDBTable', 'ACTIVE')).to.equal(1);
      const walks = table.walks;
      await tick();
      await tick();
      expect(table.walks, 'walks of an unchanged cache').to.equal(walks);
      table.put('ns/b', 'ACTIVE');
      while ((await value('DynamoDBTable', 'ACTIVE')) !== 2) await tick();
      expect(await value('DynamoDBTable', 'CREATING')).to.equal(undefined);
    } finally {
      stop();
    }
  });
});
