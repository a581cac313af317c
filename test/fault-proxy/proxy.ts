// A test-only fault-injecting HTTP proxy in front of a DynamoDB emulator (moto, dynalite). It counts
// every call per operation, injects latency / errors / 500s / dropped connections by rule, and
// enforces what the emulators do not model (see lifecycle.ts, tags.ts). Never shipped: lives under test/.
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { awsError, DEFAULT_MESSAGES } from './errors.ts';
import { FaultSet } from './faults.ts';
import type { FaultAction, FaultRule } from './faults.ts';
import { Lifecycle } from './lifecycle.ts';
import type { GsiAction, LifecycleTimings } from './lifecycle.ts';
import { overwriteExistingTags } from './tags.ts';
import { ReplicaModel, regionOfAuthorization } from './replicas.ts';

/** Calls a replica's own table takes in its region (answered by the replica model). */
const REGIONAL_OPERATIONS = new Set([
  'DescribeTable',
  'UpdateTable',
  'DescribeContinuousBackups',
  'UpdateContinuousBackups',
]);
import type { ReplicaTimings } from './replicas.ts';
import { ThroughputModel } from './throughput.ts';
import { ContributorInsightsModel, INSIGHTS_OPERATIONS } from './contributor-insights.ts';
import type { UpstreamCall } from './tags.ts';

export interface FaultProxyOptions {
  /** The emulator, e.g. http://127.0.0.1:4566. */
  upstream: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The clock for lifecycle and TTL rules (ms). Default: the real clock plus `advance()` offsets. */
  now?: () => number;
  /** Random source for probabilistic faults. */
  random?: () => number;
  /** Enforce AWS's UpdateTable/TTL rules and show transitional states. Default true. */
  enforce?: boolean;
  timings?: Partial<LifecycleTimings>;
  replicaTimings?: Partial<ReplicaTimings>;
}

export interface CallRecord {
  seq: number;
  /** Proxy clock, ms. */
  at: number;
  operation: string;
  table?: string;
  /** HTTP status sent, or "dropped". */
  status: number | 'dropped';
  /** The AWS error name when one was returned (injected, enforced or from the emulator). */
  error?: string;
  /** Why the proxy answered itself: "fault:<kind>", "enforced" or "modelled" (an API no emulator has). */
  by?: string;
  /** Region of a call to a replica's own table (from the SigV4 credential scope). */
  region?: string;
  /** GSI actions of an UpdateTable, e.g. ["Create:by-email"]. */
  gsi?: string[];
  /** Replica actions of an UpdateTable, e.g. ["Create:eu-west-1"]. */
  replicas?: string[];
  /** TagResource keys the table already had, untagged first so the emulator overwrites like AWS. */
  overwrote?: string[];
}

export interface FaultProxy {
  url: string;
  lifecycle: Lifecycle;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  /** Calls received per operation (all outcomes), optionally for one table. */
  counts(table?: string): Record<string, number>;
  calls(): CallRecord[];
  /** Move the proxy's clock forward (when no `now` was given). */
  advance(ms: number): void;
  now(): number;
  /** Forget calls, faults and lifecycle state. */
  reset(): void;
  close(): Promise<void>;
}

interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

function parseJson(buf: Buffer): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(buf.toString('utf8') || '{}');
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function tableOf(body: Record<string, unknown>): string | undefined {
  if (typeof body.TableName === 'string') return body.TableName;
  if (typeof body.ResourceArn === 'string') return body.ResourceArn.slice(body.ResourceArn.lastIndexOf('/') + 1);
  return undefined;
}

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(opts.upstream);
  let offset = 0;
  const now = opts.now ?? (() => Date.now() + offset);
  const enforce = opts.enforce !== false;
  let faults = new FaultSet(opts.random);
  let lifecycle = new Lifecycle(opts.timings);
  let throughput = new ThroughputModel();
  let replicas = new ReplicaModel(opts.replicaTimings);
  let insights = new ContributorInsightsModel();
  let records: CallRecord[] = [];
  let seq = 0;

  const forward = (method: string, path: string, headers: IncomingHttpHeaders, body: Buffer): Promise<Upstream> =>
    new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method,
          path,
          headers: { ...headers, 'content-length': body.length },
        },
        (res) => {
          readBody(res).then((b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }), reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  /** One call of the proxy's own (not counted, no faults), e.g. to model TagResource (tags.ts). */
  const callUpstream =
    (headers: IncomingHttpHeaders): UpstreamCall =>
    async (operation, input) => {
      const h = { ...headers, 'x-amz-target': `DynamoDB_20120810.${operation}` };
      const r = await forward('POST', '/', h, Buffer.from(JSON.stringify(input)));
      return r.status === 200 ? parseJson(r.body) : undefined;
    };

  /** The proxy's own DescribeTable (not counted): to check statuses and snapshot deleted indexes. */
  const describeUpstream = async (
    headers: IncomingHttpHeaders,
    table: string,
  ): Promise<Record<string, unknown> | undefined> => {
    const h = { ...headers, 'x-amz-target': 'DynamoDB_20120810.DescribeTable' };
    const r = await forward('POST', '/', h, Buffer.from(JSON.stringify({ TableName: table })));
    if (r.status !== 200) return undefined;
    const t = parseJson(r.body).Table;
    return t && typeof t === 'object' ? (t as Record<string, unknown>) : undefined;
  };

  const send = (
    res: ServerResponse,
    status: number,
    headers: Record<string, string | number>,
    body: Buffer | string,
  ): void => {
    const buf = typeof body === 'string' ? Buffer.from(body) : body;
    res.writeHead(status, { ...headers, 'content-length': buf.length });
    res.end(buf);
  };
  const sendError = (
    res: ServerResponse,
    rec: CallRecord,
    name: string,
    message: string,
    status = 400,
    by = 'enforced',
  ): void => {
    const e = awsError(name, message, status);
    rec.status = e.status;
    rec.error = name;
    rec.by = by;
    send(
      res,
      e.status,
      { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `fault-proxy-${rec.seq}` },
      e.body,
    );
  };

  const admin = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    const path = (req.url ?? '').replace(/\?.*$/, '');
    const json = (v: unknown): void => send(res, 200, { 'content-type': 'application/json' }, JSON.stringify(v));
    if (req.method === 'GET' && path === '/__proxy/counts')
      return json(proxy.counts(new URL(req.url ?? '', 'http://x').searchParams.get('table') ?? undefined));
    if (req.method === 'GET' && path === '/__proxy/calls') return json(records);
    if (req.method === 'POST' && path === '/__proxy/faults') {
      proxy.addFault(parseJson(body) as unknown as FaultRule);
      return json({ ok: true });
    }
    if (req.method === 'DELETE' && path === '/__proxy/faults') {
      proxy.clearFaults();
      return json({ ok: true });
    }
    if (req.method === 'POST' && path === '/__proxy/reset') {
      proxy.reset();
      return json({ ok: true });
    }
    if (req.method === 'POST' && path === '/__proxy/contributor-insights/fail-next-enable') {
      // {table, index?, name, description}: the next ENABLE of that owner ends FAILED (contributor-insights.ts).
      const b = parseJson(body);
      const index = typeof b.index === 'string' ? b.index : undefined;
      insights.failNextEnable(
        String(b.table ?? ''),
        index,
        String(b.name ?? 'InternalServerError'),
        String(b.description ?? ''),
      );
      return json({ ok: true });
    }
    if (req.method === 'POST' && path === '/__proxy/advance') {
      proxy.advance(Number(parseJson(body).ms ?? 0));
      return json({ now: now() });
    }
    send(res, 404, { 'content-type': 'text/plain' }, 'unknown /__proxy endpoint\n');
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    if ((req.url ?? '').startsWith('/__proxy/')) return admin(req, res, body);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.includes('.') ? target.slice(target.indexOf('.') + 1) : target || 'Unknown';
    const input = parseJson(body);
    const table = tableOf(input);
    const rec: CallRecord = { seq: ++seq, at: now(), operation, status: 0 };
    if (table) rec.table = table;
    const actions = (operation === 'UpdateTable' ? (input.GlobalSecondaryIndexUpdates ?? []) : []) as GsiAction[];
    if (actions.length > 0)
      rec.gsi = actions.flatMap((a) =>
        (['Create', 'Delete', 'Update'] as const).flatMap((k) => (a[k] ? [`${k}:${a[k]?.IndexName ?? ''}`] : [])),
      );
    const replicaActions = (operation === 'UpdateTable' ? (input.ReplicaUpdates ?? []) : []) as Record<
      string,
      { RegionName?: string } | undefined
    >[];
    if (replicaActions.length > 0)
      rec.replicas = replicaActions.flatMap((a) =>
        (['Create', 'Update', 'Delete'] as const).flatMap((k) => (a[k] ? [`${k}:${a[k]?.RegionName ?? ''}`] : [])),
      );
    records.push(rec);

    let dropResponse = false;
    for (const action of faults.match(operation, table)) {
      if (action.kind === 'latency') {
        await new Promise((r) => setTimeout(r, action.ms));
        continue;
      }
      if (action.kind === 'dropResponse') {
        dropResponse = true;
        continue;
      }
      return applyFault(action, res, rec);
    }

    if (enforce && table && REGIONAL_OPERATIONS.has(operation)) {
      // A replica's own table in its region (replicas.ts): moto has it in no region.
      const region = regionOfAuthorization(req.headers.authorization);
      const answer = replicas.regional(table, region, operation, input, now());
      if (answer && 'error' in answer) return sendError(res, rec, answer.error, answer.message);
      if (answer) {
        Object.assign(rec, { status: 200, by: 'modelled', ...(region ? { region } : {}) });
        return send(res, 200, { 'content-type': 'application/x-amz-json-1.0' }, JSON.stringify(answer.body));
      }
    }
    if (enforce && INSIGHTS_OPERATIONS.has(operation)) {
      // Neither emulator has contributor insights: the proxy answers them (contributor-insights.ts).
      const lookup = async (t: string) => {
        const d = await describeUpstream(req.headers, t);
        const gsis = (d?.GlobalSecondaryIndexes ?? []) as Record<string, unknown>[];
        return d ? { indexes: gsis.map((g) => String(g.IndexName)) } : undefined;
      };
      const answer = await insights.answer(operation, input, now(), lookup);
      if ('error' in answer) return sendError(res, rec, answer.error, answer.message);
      Object.assign(rec, { status: 200, by: 'modelled' });
      return send(res, 200, { 'content-type': 'application/x-amz-json-1.0' }, JSON.stringify(answer.body));
    }
    if (enforce && table && operation === 'UpdateTable') {
      const refusal = lifecycle.checkUpdateTable(table, actions, now());
      if (refusal) return sendError(res, rec, refusal.error, refusal.message);
      const current = await describeUpstream(req.headers, table);
      if (current) {
        // The emulator's own transitional states count too (dynalite has UPDATING phases).
        lifecycle.decorateDescription(current, now());
        replicas.decorate(table, current, now());
        const busy = [
          ...(current.TableStatus && current.TableStatus !== 'ACTIVE'
            ? [`Table is ${String(current.TableStatus)}`]
            : []),
          ...((current.GlobalSecondaryIndexes ?? []) as Record<string, unknown>[])
            .filter((g) => g.IndexStatus && g.IndexStatus !== 'ACTIVE')
            .map((g) => `Index ${String(g.IndexName)} is ${String(g.IndexStatus)}`),
        ];
        if (busy.length > 0)
          return sendError(
            res,
            rec,
            'ResourceInUseException',
            `Attempt to change a resource which is still in use: ${busy.join(', ')}: ${table}`,
          );
      }
      // On-demand caps and warm throughput as AWS has them (throughput.ts).
      const limits = throughput.checkUpdate(input, current);
      if (limits) return sendError(res, rec, limits.error, limits.message);
      // Global table replicas as AWS has them (replicas.ts).
      const replica = replicas.checkUpdate(table, input, current, now());
      if (replica) return sendError(res, rec, replica.error, replica.message);
      const sent = JSON.stringify(input).includes('"WarmThroughput"')
        ? Buffer.from(JSON.stringify(throughput.completeWarm(input, current)))
        : body;
      const snapshots = new Map<string, Record<string, unknown>>();
      for (const g of (current?.GlobalSecondaryIndexes ?? []) as Record<string, unknown>[])
        snapshots.set(String(g.IndexName), g);
      return forwardAndRecord(req, res, sent, rec, dropResponse, () => {
        lifecycle.acceptedUpdateTable(table, actions, now(), snapshots);
        throughput.acceptedUpdate(table, input);
        replicas.acceptedUpdate(table, input, now());
      });
    }
    if (enforce && table && operation === 'UpdateTimeToLive') {
      const refusal = lifecycle.checkTtl(table, now());
      if (refusal) return sendError(res, rec, refusal.error, refusal.message);
      return forwardAndRecord(req, res, body, rec, dropResponse, () => lifecycle.acceptedTtl(table, now()));
    }
    if (enforce && operation === 'TagResource') {
      // AWS overwrites an existing key; moto would append a duplicate (tags.ts).
      const overwritten = await overwriteExistingTags(callUpstream(req.headers), input);
      if (overwritten.length > 0) rec.overwrote = overwritten;
      return forwardAndRecord(req, res, body, rec, dropResponse);
    }
    if (enforce && table && operation === 'CreateTable') {
      const limits = throughput.checkCreate(input);
      if (limits) return sendError(res, rec, limits.error, limits.message);
      const sent = JSON.stringify(input).includes('"WarmThroughput"')
        ? Buffer.from(JSON.stringify(throughput.completeCreate(input)))
        : body;
      return forwardAndRecord(req, res, sent, rec, dropResponse, () => {
        lifecycle.acceptedCreateTable(table, now());
        throughput.acceptedCreate(table, input);
      });
    }
    if (enforce && table && operation === 'DeleteTable')
      return forwardAndRecord(req, res, body, rec, dropResponse, () => {
        lifecycle.deletedTable(table);
        throughput.deletedTable(table);
        replicas.deletedTable(table);
        insights.deletedTable(table);
      });
    return forwardAndRecord(req, res, body, rec, dropResponse);
  };

  const applyFault = (
    action: Exclude<FaultAction, { kind: 'latency' } | { kind: 'dropResponse' }>,
    res: ServerResponse,
    rec: CallRecord,
  ): void => {
    switch (action.kind) {
      case 'error':
        return sendError(
          res,
          rec,
          action.error,
          action.message ?? DEFAULT_MESSAGES[action.error] ?? action.error,
          action.status ?? 400,
          'fault:error',
        );
      case 'http500':
        return sendError(
          res,
          rec,
          'InternalServerError',
          DEFAULT_MESSAGES.InternalServerError ?? '',
          500,
          'fault:http500',
        );
      case 'drop':
        rec.status = 'dropped';
        rec.by = 'fault:drop';
        res.socket?.destroy();
        return;
    }
  };

  const forwardAndRecord = async (
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    rec: CallRecord,
    dropResponse: boolean,
    onAccepted?: () => void,
  ): Promise<void> => {
    const up = await forward(req.method ?? 'POST', req.url ?? '/', req.headers, body);
    if (up.status === 200) onAccepted?.();
    let out = up.body;
    const headers: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(up.headers))
      if (v !== undefined && k !== 'content-length') headers[k] = Array.isArray(v) ? v.join(', ') : v;
    if (up.status === 200 && rec.operation === 'DescribeTable' && enforce) {
      const parsed = parseJson(up.body);
      if (parsed.Table && typeof parsed.Table === 'object') {
        lifecycle.decorateDescription(parsed.Table as Record<string, unknown>, now());
        if (rec.table) throughput.decorate(rec.table, parsed.Table as Record<string, unknown>);
        if (rec.table) replicas.decorate(rec.table, parsed.Table as Record<string, unknown>, now());
        out = Buffer.from(JSON.stringify(parsed));
        // The body changed: its checksum header would make the SDK reject it.
        delete headers['x-amz-crc32'];
      }
    }
    if (up.status >= 400) {
      const type = parseJson(up.body).__type;
      if (typeof type === 'string') rec.error = type.slice(type.indexOf('#') + 1);
    }
    if (dropResponse) {
      rec.status = 'dropped';
      rec.by = 'fault:dropResponse';
      res.socket?.destroy();
      return;
    }
    rec.status = up.status;
    send(res, up.status, headers, out);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // The emulator is down or answered garbage: a 502 the SDK treats as a retryable server error.
      if (!res.headersSent)
        send(res, 502, { 'content-type': 'text/plain' }, `fault-proxy: ${(err as Error).message}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const addr = server.address() as { port: number };

  const proxy: FaultProxy = {
    url: `http://${opts.host ?? '127.0.0.1'}:${addr.port}`,
    get lifecycle() {
      return lifecycle;
    },
    addFault: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    counts: (t) => {
      const out: Record<string, number> = {};
      for (const r of records) if (t === undefined || r.table === t) out[r.operation] = (out[r.operation] ?? 0) + 1;
      return out;
    },
    calls: () => [...records],
    advance: (ms) => {
      offset += ms;
    },
    now,
    reset: () => {
      records = [];
      seq = 0;
      faults = new FaultSet(opts.random);
      lifecycle = new Lifecycle(opts.timings);
      throughput = new ThroughputModel();
      replicas = new ReplicaModel(opts.replicaTimings);
      insights = new ContributorInsightsModel();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
