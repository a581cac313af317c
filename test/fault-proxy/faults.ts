// Fault rules: which requests get which fault. Pure matching; the proxy applies the result.

export type FaultAction =
  /** Delay, then handle the request normally. */
  | { kind: 'latency'; ms: number }
  /** Answer with a DynamoDB error without forwarding (status 400 unless given). */
  | { kind: 'error'; error: string; message?: string; status?: number }
  /** Answer 500 InternalServerError without forwarding. */
  | { kind: 'http500' }
  /** Close the connection without an answer; the emulator never sees the request. */
  | { kind: 'drop' }
  /** Forward, let the emulator apply it, then close the connection: the client never learns it worked. */
  | { kind: 'dropResponse' };

export interface FaultRule {
  /** DynamoDB operation(s) (e.g. "UpdateTable"); all when absent. */
  operation?: string | string[];
  /** Only requests for this table (TableName, or the table in ResourceArn). */
  table?: string;
  /** Let this many matching requests through first. Default 0. */
  after?: number;
  /** Apply to this many matching requests, then retire. Default: forever. */
  times?: number;
  /** Apply with this probability (0–1), drawn from the proxy's random source. Default 1. */
  probability?: number;
  action: FaultAction;
}

interface LiveRule {
  rule: FaultRule;
  seen: number;
  applied: number;
}

export class FaultSet {
  private rules: LiveRule[] = [];
  private readonly random: () => number;

  constructor(random: () => number = Math.random) {
    this.random = random;
  }

  add(rule: FaultRule): void {
    this.rules.push({ rule, seen: 0, applied: 0 });
  }

  clear(): void {
    this.rules = [];
  }

  /** The actions for one request, in rule order (latency rules combine with one terminal fault). */
  match(operation: string, table: string | undefined): FaultAction[] {
    const out: FaultAction[] = [];
    for (const live of this.rules) {
      const r = live.rule;
      const ops = r.operation === undefined ? undefined : Array.isArray(r.operation) ? r.operation : [r.operation];
      if (ops && !ops.includes(operation)) continue;
      if (r.table !== undefined && r.table !== table) continue;
      live.seen++;
      if (live.seen <= (r.after ?? 0)) continue;
      if (r.times !== undefined && live.applied >= r.times) continue;
      if (r.probability !== undefined && this.random() >= r.probability) continue;
      live.applied++;
      out.push(r.action);
      if (r.action.kind !== 'latency') break;
    }
    return out;
  }
}
