// A TableRun over fakes, for the ownership and deletion decisions that need one: the Kubernetes API
// is a recording fake that applies merge patches to one object (or refuses them), and DynamoDB is a
// function of (command name, input). No network.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ProviderClients } from '../src/aws/clients.ts';
import { KubeApiError, RESOURCES } from '@dynamodb-operator/kube';
import type { KubeHttp, KubeObject } from '@dynamodb-operator/kube';
import type { LeaderGate } from '../src/leader/gate.ts';
import { makeLogger } from '../src/observability/log.ts';
import { TableRun } from '../src/controller/table-context.ts';
import type { TableDeps } from '../src/controller/table-context.ts';
import { TerminalMemo } from '../src/controller/terminal-memo.ts';

export interface Call {
  op: string;
  input: Record<string, unknown>;
}

export interface Fakes {
  deps: TableDeps;
  calls: Call[];
  patches: { path: string; body: Record<string, unknown> }[];
  events: { reason: string; message: string }[];
  clients: ProviderClients;
  run: (obj: KubeObject) => TableRun;
  /** Makes metadata patches (e.g. finalizer removal) fail as a down webhook does. */
  refuseMetadataPatches: (err: KubeApiError | undefined) => void;
  /** Objects the fake API server's GET answers (by path); anything else is 404. */
  served: Map<string, KubeObject | { items: KubeObject[] }>;
}

export function fakes(aws: (op: string, input: Record<string, unknown>) => unknown, endpoint?: string): Fakes {
  const calls: Call[] = [];
  const patches: Fakes['patches'] = [];
  const events: Fakes['events'] = [];
  const served: Fakes['served'] = new Map();
  let refuse: KubeApiError | undefined;
  let current: KubeObject | undefined;
  const kube = {
    patch: async (path: string, body: Record<string, unknown>) => {
      patches.push({ path, body });
      if (!path.endsWith('/status') && refuse) throw refuse;
      const obj = current as KubeObject;
      if (path.endsWith('/status')) {
        // A merge patch: null removes the key.
        const st = Object.entries((body as { status: Record<string, unknown> }).status).filter(([, v]) => v !== null);
        current = { ...obj, status: Object.fromEntries(st) };
      } else {
        const md = (body as { metadata: Record<string, unknown> }).metadata;
        const annotations = { ...(obj.metadata.annotations ?? {}), ...((md.annotations as object) ?? {}) };
        current = {
          ...obj,
          metadata: {
            ...obj.metadata,
            ...(md.finalizers ? { finalizers: md.finalizers as string[] } : {}),
            annotations,
          },
        };
      }
      return current;
    },
    get: async (path: string) => {
      const o = served.get(path);
      if (!o) throw new KubeApiError(404, 'NotFound', `${path} not found`);
      return o;
    },
  } as unknown as KubeHttp;
  const dynamodb = {
    send: async (cmd: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const op = cmd.constructor.name.replace(/Command$/, '');
      calls.push({ op, input: cmd.input });
      return aws(op, cmd.input);
    },
  } as unknown as DynamoDBClient;
  const clients = {
    dynamodb,
    specKey: 'provider-uid:1',
    settings: { region: 'us-east-1', defaultTags: {}, ...(endpoint ? { endpoint } : {}) },
  } as unknown as ProviderClients;
  const deps: TableDeps = {
    kind: 'DynamoDBTable',
    resource: RESOURCES.DynamoDBTable,
    tables: { get: () => current },
    providers: { get: () => undefined },
    kube,
    clients: {} as TableDeps['clients'],
    events: { emit: (_o, _t, reason, message) => events.push({ reason, message }) },
    gate: { signal: () => new AbortController().signal } as unknown as LeaderGate,
    getSecret: async () => undefined,
    operatorTags: {},
    converge: async () => ({ synced: true, reason: 'Observed', message: '' }),
    terminalMemo: new TerminalMemo(),
    pollMs: 1000,
  };
  return {
    deps,
    calls,
    patches,
    events,
    clients,
    served,
    refuseMetadataPatches: (err) => {
      refuse = err;
    },
    run: (obj) => {
      current = obj;
      return new TableRun(deps, obj, makeLogger('silent'));
    },
  };
}

export function tableObject(over: Partial<KubeObject['metadata']> = {}, status?: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'aws-infra-operator.runner.codes/v1alpha1',
    kind: 'DynamoDBTable',
    metadata: {
      name: 'b',
      namespace: 'tenant-y',
      uid: 'uid-b',
      generation: 2,
      resourceVersion: '7',
      finalizers: ['dynamodb.aws-infra-operator.runner.codes/finalizer'],
      ...over,
    },
    spec: { tableName: 'shared', providerRef: { name: 'aws' } },
    ...(status ? { status } : {}),
  };
}
