// Shared plumbing of one table reconcile: dependencies, Kubernetes writes (finalizer, annotations,
// status — each only when it changes), and the AWS calls every path needs.
import { DescribeTableCommand, ListTagsOfResourceCommand, TagResourceCommand } from '@aws-sdk/client-dynamodb';
import type { TableDescription, Tag } from '@aws-sdk/client-dynamodb';
import type { TableKind, TenancyPolicy } from '@dynamodb-operator/api';
import type { ClientCache, ProviderClients } from '../aws/clients.ts';
import { classifyAwsError } from '../aws/errors.ts';
import { keyOf, objectPath } from '@dynamodb-operator/kube';
import type { KubeHttp, KubeObject, Resource } from '@dynamodb-operator/kube';
import type { LeaderGate } from '../leader/gate.ts';
import type { Logger } from '../observability/log.ts';
import { sameStatus } from './conditions.ts';
import type { ConvergeContext, ConvergeResult, SteadyReadContext, SteadyReadResult } from './converge.ts';
import type { EventSink } from './events.ts';
import { FreshTables } from './fresh-tables.ts';
import { OwnedTables } from './owned-tables.ts';
import { FINALIZER } from './ownership.ts';
import { PollDelays } from './poll-delays.ts';
import type { PollPhase } from './poll-delays.ts';
import { k8sNow } from './table-status.ts';
import type { TableStatus } from './table-status.ts';
import type { TerminalMemo } from './terminal-memo.ts';

// Short enough that an emulator's (or a small AWS table's) transition is seen at once, and at most
// about ten DescribeTable calls per table per second while it lasts.
export const DEFAULT_POLL_FIRST_MS = 100;

export const CREATE_INTENT_ANNOTATION = 'dynamodb.aws-infra-operator.runner.codes/create-requested-at';

export interface Store {
  get(key: string): KubeObject | undefined;
}

export interface TableDeps {
  kind: TableKind;
  resource: Resource;
  tables: Store;
  providers: Store;
  kube: KubeHttp;
  clients: ClientCache;
  events: EventSink;
  gate: LeaderGate;
  getSecret(namespace: string, name: string): Promise<KubeObject | undefined>;
  operatorTags: Record<string, string>;
  converge: (ctx: ConvergeContext) => Promise<ConvergeResult>;
  /** The steady-state read rotation (made before, and sometimes instead of, DescribeTable). */
  steadyRead?: (ctx: SteadyReadContext) => Promise<SteadyReadResult>;
  /** AWS-terminal failures per object, so resyncs do not replay a refused request. */
  terminalMemo: TerminalMemo;
  /** Longest wait between looks while a table is CREATING/DELETING/UPDATING (see poll-delays.ts). */
  pollMs: number;
  /** First wait of such a transition (default 100 ms), doubled per look up to pollMs. */
  pollFirstMs?: number;
  /** Per-object poll backoff; created on first use. */
  polls?: PollDelays;
  /** Ownership confirmed from AWS by this process (see owned-tables.ts); created on first use. */
  owned?: OwnedTables;
  /** Tables this process created, until their first sync (see fresh-tables.ts); created on first use. */
  fresh?: FreshTables;
  /** The admin's tenancy policy; absent: everything allowed. */
  tenancy?: TenancyPolicy;
  /** ClusterAWSProviders keyed `/name`; absent: none known. */
  clusterProviders?: Store;
  /** A namespace's labels (for ClusterAWSProvider namespace selectors); undefined: not known. */
  namespaceLabels?(namespace: string): Record<string, string> | undefined;
}

/** The deps' poll backoff, created on first use (so whoever builds the deps need not). */
export function pollDelays(d: TableDeps): PollDelays {
  d.polls ??= new PollDelays(d.pollFirstMs ?? DEFAULT_POLL_FIRST_MS, d.pollMs);
  return d.polls;
}

/** The deps' ownership memory, created on first use (so whoever builds the deps need not). */
export function ownedTables(d: TableDeps): OwnedTables {
  d.owned ??= new OwnedTables();
  return d.owned;
}

/** The deps' memory of tables created here, created on first use. */
export function freshTables(d: TableDeps): FreshTables {
  d.fresh ??= new FreshTables();
  return d.fresh;
}

export interface ReconcileResult {
  requeueAfterMs?: number;
}

export function hasFinalizer(obj: KubeObject): boolean {
  return (obj.metadata.finalizers ?? []).includes(FINALIZER);
}

/** One reconcile of one object: holds the object as we last wrote it. */
export class TableRun {
  obj: KubeObject;
  readonly d: TableDeps;
  readonly log: Logger;

  constructor(d: TableDeps, obj: KubeObject, log: Logger) {
    this.d = d;
    this.obj = obj;
    this.log = log;
  }

  get ns(): string {
    return this.obj.metadata.namespace ?? '';
  }
  get name(): string {
    return this.obj.metadata.name;
  }
  get status(): TableStatus {
    return (this.obj.status ?? {}) as TableStatus;
  }

  /** The delay before the next look at this table during a transition (short first, then doubling). */
  poll(phase: PollPhase): number {
    return pollDelays(this.d).next(keyOf(this.obj), phase);
  }

  /** Metadata merge patch guarded by resourceVersion, so a stale cache cannot clobber a list. */
  private async patchMeta(meta: Record<string, unknown>): Promise<void> {
    const out = await this.d.kube.patch<KubeObject>(objectPath(this.d.resource, this.ns, this.name), {
      metadata: { ...meta, resourceVersion: this.obj.metadata.resourceVersion },
    });
    this.obj = { ...this.obj, metadata: out.metadata };
  }

  async addFinalizer(): Promise<void> {
    if (hasFinalizer(this.obj)) return;
    await this.patchMeta({ finalizers: [...(this.obj.metadata.finalizers ?? []), FINALIZER] });
  }

  async removeFinalizer(): Promise<void> {
    if (!hasFinalizer(this.obj)) return;
    await this.patchMeta({ finalizers: (this.obj.metadata.finalizers ?? []).filter((f) => f !== FINALIZER) });
  }

  /** Annotations; with `finalizer`, the finalizer too when it is missing, in the same metadata patch. */
  async annotate(annotations: Record<string, string>, opts: { finalizer?: boolean } = {}): Promise<void> {
    const finalizers =
      opts.finalizer && !hasFinalizer(this.obj)
        ? { finalizers: [...(this.obj.metadata.finalizers ?? []), FINALIZER] }
        : {};
    await this.patchMeta({ annotations, ...finalizers });
  }

  /** Write status when it differs from the current one (lastSyncTime alone is not a difference). */
  async writeStatus(next: TableStatus): Promise<boolean> {
    const prev = this.obj.status as Record<string, unknown> | undefined;
    if (sameStatus(prev, next, ['lastSyncTime'])) return false;
    const body: Record<string, unknown> = { ...next, lastSyncTime: k8sNow() };
    for (const k of Object.keys(prev ?? {})) if (!(k in body)) body[k] = null;
    const out = await this.d.kube.patch<KubeObject>(objectPath(this.d.resource, this.ns, this.name, 'status'), {
      status: body,
    });
    this.obj = { ...this.obj, metadata: out.metadata, ...(out.status ? { status: out.status } : {}) };
    return true;
  }

  /** DescribeTable; undefined for ResourceNotFoundException (and only that). */
  async describe(c: ProviderClients, tableName: string): Promise<TableDescription | undefined> {
    try {
      const out = await c.dynamodb.send(new DescribeTableCommand({ TableName: tableName }), {
        abortSignal: this.d.gate.signal(),
      });
      return out.Table;
    } catch (err) {
      if (classifyAwsError(err) === 'notFound') return undefined;
      throw err;
    }
  }

  async listTags(c: ProviderClients, arn: string): Promise<Tag[]> {
    const tags: Tag[] = [];
    let next: string | undefined;
    do {
      const out = await c.dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: arn, NextToken: next }), {
        abortSignal: this.d.gate.signal(),
      });
      tags.push(...(out.Tags ?? []));
      next = out.NextToken;
    } while (next);
    return tags;
  }

  /**
   * TagResource with the tags that are missing or different; no call when none are. Returns how many
   * were sent and the tags the table carries afterwards, so that this reconcile need not list them again
   * (AWS may not show tags just written to ListTagsOfResource yet anyway).
   */
  async ensureTags(
    c: ProviderClients,
    arn: string,
    have: Tag[],
    want: Record<string, string>,
  ): Promise<{ added: number; now: Tag[] }> {
    const current = new Map(have.map((t) => [t.Key ?? '', t.Value ?? '']));
    const missing = Object.entries(want)
      .filter(([k, v]) => current.get(k) !== v)
      .map(([Key, Value]) => ({ Key, Value }));
    if (missing.length === 0) return { added: 0, now: have };
    await c.dynamodb.send(new TagResourceCommand({ ResourceArn: arn, Tags: missing }), {
      abortSignal: this.d.gate.signal(),
    });
    for (const t of missing) current.set(t.Key, t.Value);
    return { added: missing.length, now: [...current].map(([Key, Value]) => ({ Key, Value })) };
  }
}
