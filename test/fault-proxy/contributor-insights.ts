// CloudWatch Contributor Insights for DynamoDB, which neither emulator implements (moto 5.2.5 and
// dynalite answer UnknownOperation): the proxy answers UpdateContributorInsights,
// DescribeContributorInsights and ListContributorInsights itself, from the AWS API reference:
// - one setting per table and per GSI; UpdateContributorInsights answers ENABLING or DISABLING, and the
//   status becomes ENABLED or DISABLED `settleMs` later;
// - a table or index that does not exist is ResourceNotFoundException; an action other than ENABLE or
//   DISABLE is ValidationException;
// - Describe of a table or index never set reports DISABLED; a failed enable reports FAILED with its
//   FailureException (set by a test through `fail`, or `failNextEnable`: the next ENABLE of that owner
//   goes ENABLING → FAILED instead of ENABLED, as when DynamoDB cannot create the CloudWatch rules);
// - ListContributorInsights lists the table's (or every) setting that is not DISABLED;
// - deleting the table drops its settings.
// Pure over the clock it is given; the proxy passes what it knows of the table (DescribeTable).

export interface InsightsTimings {
  /** ENABLING → ENABLED and DISABLING → DISABLED after this long. */
  settleMs: number;
}

export const DEFAULT_INSIGHTS_TIMINGS: InsightsTimings = { settleMs: 1_500 };

export const INSIGHTS_OPERATIONS = new Set([
  'UpdateContributorInsights',
  'DescribeContributorInsights',
  'ListContributorInsights',
]);

interface Setting {
  table: string;
  index?: string;
  action: 'ENABLE' | 'DISABLE';
  at: number;
  failure?: { ExceptionName: string; ExceptionDescription: string };
}

/** What the proxy knows of a table: its GSI names, or undefined when it does not exist. */
export type TableLookup = (table: string) => Promise<{ indexes: string[] } | undefined>;

export type InsightsAnswer = { body: Record<string, unknown> } | { error: string; message: string };

const keyOf = (table: string, index: string | undefined): string => `${table}\u0000${index ?? ''}`;

export class ContributorInsightsModel {
  private readonly settings = new Map<string, Setting>();
  private readonly timings: InsightsTimings;
  private readonly failNext = new Map<string, { ExceptionName: string; ExceptionDescription: string }>();

  constructor(timings: Partial<InsightsTimings> = {}) {
    this.timings = { ...DEFAULT_INSIGHTS_TIMINGS, ...timings };
  }

  statusOf(table: string, index: string | undefined, now: number): string {
    const s = this.settings.get(keyOf(table, index));
    if (!s) return 'DISABLED';
    const settled = now - s.at >= this.timings.settleMs;
    if (s.failure) return settled || s.at === 0 ? 'FAILED' : 'ENABLING';
    if (s.action === 'ENABLE') return settled ? 'ENABLED' : 'ENABLING';
    return settled ? 'DISABLED' : 'DISABLING';
  }

  /** A test's way to make an enable fail, as AWS reports it (FAILED + FailureException). */
  fail(table: string, index: string | undefined, name: string, description: string): void {
    const k = keyOf(table, index);
    const s = this.settings.get(k) ?? { table, action: 'ENABLE' as const, at: 0 };
    if (index !== undefined) s.index = index;
    s.failure = { ExceptionName: name, ExceptionDescription: description };
    this.settings.set(k, s);
  }

  /** The next ENABLE of this owner fails (ENABLING, then FAILED with this exception). */
  failNextEnable(table: string, index: string | undefined, name: string, description: string): void {
    this.failNext.set(keyOf(table, index), { ExceptionName: name, ExceptionDescription: description });
  }

  deletedTable(table: string): void {
    for (const [k, s] of this.settings) if (s.table === table) this.settings.delete(k);
  }

  async answer(
    operation: string,
    input: Record<string, unknown>,
    now: number,
    lookup: TableLookup,
  ): Promise<InsightsAnswer> {
    if (operation === 'ListContributorInsights') return { body: this.list(input, now) };
    const table = typeof input.TableName === 'string' ? input.TableName : '';
    const index = typeof input.IndexName === 'string' ? input.IndexName : undefined;
    if (!table) return { error: 'ValidationException', message: 'TableName is required' };
    const known = await lookup(table);
    if (!known)
      return { error: 'ResourceNotFoundException', message: `Requested resource not found: Table: ${table} not found` };
    if (index !== undefined && !known.indexes.includes(index))
      return {
        error: 'ResourceNotFoundException',
        message: `Requested resource not found: Index: ${index} not found for table ${table}`,
      };
    if (operation === 'UpdateContributorInsights') {
      const action = input.ContributorInsightsAction;
      if (action !== 'ENABLE' && action !== 'DISABLE')
        return {
          error: 'ValidationException',
          message: `1 validation error detected: Value '${String(action)}' at 'contributorInsightsAction' failed to satisfy constraint: Member must satisfy enum value set: [ENABLE, DISABLE]`,
        };
      const s: Setting = { table, action, at: now };
      if (index !== undefined) s.index = index;
      const failure = action === 'ENABLE' ? this.failNext.get(keyOf(table, index)) : undefined;
      if (failure) {
        s.failure = failure;
        this.failNext.delete(keyOf(table, index));
      }
      this.settings.set(keyOf(table, index), s);
      const body: Record<string, unknown> = {
        TableName: table,
        ContributorInsightsStatus: action === 'ENABLE' ? 'ENABLING' : 'DISABLING',
      };
      if (index !== undefined) body.IndexName = index;
      return { body };
    }
    return { body: this.describe(table, index, now) };
  }

  private describe(table: string, index: string | undefined, now: number): Record<string, unknown> {
    const s = this.settings.get(keyOf(table, index));
    const status = this.statusOf(table, index, now);
    const body: Record<string, unknown> = { TableName: table, ContributorInsightsStatus: status };
    if (index !== undefined) body.IndexName = index;
    if (status !== 'DISABLED') {
      const owner = index ? `${table}-${index}` : table;
      body.ContributorInsightsRuleList = [
        `DynamoDBContributorInsights-PKC-${owner}`,
        `DynamoDBContributorInsights-PKT-${owner}`,
      ];
    }
    if (s) body.LastUpdateDateTime = s.at / 1000;
    if (s?.failure) body.FailureException = s.failure;
    return body;
  }

  private list(input: Record<string, unknown>, now: number): Record<string, unknown> {
    const only = typeof input.TableName === 'string' ? input.TableName : undefined;
    const summaries = [...this.settings.values()]
      .filter((s) => only === undefined || s.table === only)
      .map((s) => {
        const out: Record<string, unknown> = {
          TableName: s.table,
          ContributorInsightsStatus: this.statusOf(s.table, s.index, now),
        };
        if (s.index !== undefined) out.IndexName = s.index;
        return out;
      })
      .filter((s) => s.ContributorInsightsStatus !== 'DISABLED');
    return { ContributorInsightsSummaries: summaries };
  }
}
