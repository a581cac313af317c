// E2E helpers for the update suites: the fault proxy as a process in front of a private moto
// (a process, not in-process: kubectl() blocks this event loop and would stall the proxy), its call
// log over HTTP, table manifests built from a small spec, convergence waits that check both the
// object's status and the emulator, and the per-scenario report (JSON lines + a markdown table).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort, kubectl, portOpen, startProcess, testEnv, waitFor } from '../support/index.ts';
import type { ManagedProcess } from '../support/index.ts';
import { condition, getObj, GROUP, mustApply } from '../support-reconciler/index.ts';
import type { Obj } from '../support-reconciler/index.ts';
// the call log's shape is the proxy's own (served as JSON by /__proxy/calls)
import type { CallRecord } from '../../fault-proxy/index.ts';
import { REPLICAS } from './replicas-doc.ts';

export type { CallRecord };

export interface FaultRuleJson {
  operation?: string | string[];
  table?: string;
  after?: number;
  times?: number;
  probability?: number;
  action: Record<string, unknown>;
}

export interface ProxyProc {
  url: string;
  proc: ManagedProcess;
  calls(): Promise<CallRecord[]>;
  addFault(rule: FaultRuleJson): Promise<void>;
  clearFaults(): Promise<void>;
}

/** The fault proxy (AWS's UpdateTable rules enforced) in front of `upstream`, as its own process. */
export async function startFaultProxyProc(name: string, upstream: string): Promise<ProxyProc> {
  const port = await freePort();
  const proc = startProcess(name, process.execPath, [
    join(testEnv().root, 'test', 'fault-proxy', 'main.ts'),
    '--upstream',
    upstream,
    '--port',
    String(port),
    // Short but visible UPDATING/CREATING phases: the reconciler must wait for ACTIVE between steps.
    '--update-ms',
    '300',
    '--gsi-create-ms',
    '800',
    '--gsi-delete-ms',
    '400',
  ]);
  await waitFor(`${name} listening on ${port}`, () => portOpen(port), { timeoutMs: 20_000 });
  const url = `http://127.0.0.1:${port}`;
  const ok = async (r: Response) => {
    if (!r.ok) throw new Error(`fault proxy ${r.url}: HTTP ${r.status} ${await r.text()}`);
    return r;
  };
  return {
    url,
    proc,
    calls: async () => (await (await ok(await fetch(`${url}/__proxy/calls`))).json()) as CallRecord[],
    addFault: async (rule) => {
      await ok(
        await fetch(`${url}/__proxy/faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(rule),
        }),
      );
    },
    clearFaults: async () => {
      await ok(await fetch(`${url}/__proxy/faults`, { method: 'DELETE' }));
    },
  };
}

const READS = new Set(['DescribeTable', 'DescribeTimeToLive', 'DescribeContinuousBackups', 'ListTagsOfResource']);
export const isWrite = (c: CallRecord): boolean => !READS.has(c.operation) && !c.operation.startsWith('Describe');
/** Write calls for `table` after `sinceSeq` (every attempt, whatever its outcome). */
export const writesOf = (calls: CallRecord[], table: string, sinceSeq = 0): CallRecord[] =>
  calls.filter((c) => c.seq > sinceSeq && c.table === table && isWrite(c));
/** Writes the emulator applied (HTTP 200 from upstream, not answered by the proxy itself). */
export const acceptedWritesOf = (calls: CallRecord[], table: string, sinceSeq = 0): CallRecord[] =>
  writesOf(calls, table, sinceSeq).filter((c) => c.status === 200 && c.by === undefined);
/** Calls the proxy refused because they broke AWS's ordering rules (UpdateTable while busy, >1 GSI op). */
export const enforcedRefusals = (calls: CallRecord[], table: string, sinceSeq = 0): CallRecord[] =>
  calls.filter((c) => c.seq > sinceSeq && c.table === table && c.by === 'enforced');
export const lastSeq = (calls: CallRecord[]): number => calls.reduce((m, c) => Math.max(m, c.seq), 0);

export interface TableSpec {
  [k: string]: unknown;
}

export const BASE_ATTRIBUTES = [
  { name: 'email', type: 'S' },
  { name: 'status', type: 'S' },
  { name: 'created', type: 'N' },
  { name: 'owner', type: 'S' },
];

/** A DynamoDBTable manifest: every field explicit (no webhook in these suites). */
export function tableYaml(name: string, tableName: string, provider: string, spec: TableSpec): string {
  return stringify({
    apiVersion: `${GROUP}/v1alpha1`,
    kind: 'DynamoDBTable',
    metadata: { name },
    spec: {
      tableName,
      providerRef: { name: provider },
      billingMode: 'PAY_PER_REQUEST',
      hashKey: { name: 'ID', type: 'S' },
      attributes: BASE_ATTRIBUTES,
      deletionPolicy: 'Delete',
      ...spec,
    },
  });
}

export interface Converged {
  obj: Obj;
  seconds: number;
}

/**
 * Applies the manifest and waits until the object reports the new generation as Ready and Synced
 * and `emulatorCheck` (a DescribeTable-style probe against moto directly) holds.
 */
export async function applyAndConverge(
  yaml: string,
  ns: string,
  name: string,
  emulatorCheck: () => Promise<boolean>,
  opts: { timeoutMs?: number; syncedReason?: string } = {},
): Promise<Converged> {
  const t0 = Date.now();
  mustApply(yaml, ns);
  let last: unknown;
  const obj = await waitFor(
    `${name} converged (Ready, Synced, observedGeneration = generation, emulator state)`,
    async () => {
      const o = getObj('dynamodbtable', ns, name);
      last = o?.status;
      const gen = (o?.metadata as { generation?: number } | undefined)?.generation;
      if (!o || o.status?.observedGeneration !== gen) return undefined;
      if (o.status?.ready !== true || condition(o, 'Synced')?.status !== 'True') return undefined;
      if (opts.syncedReason && condition(o, 'Synced')?.reason !== opts.syncedReason) return undefined;
      last = 'status converged; emulator not yet as expected';
      return (await emulatorCheck()) ? o : undefined;
    },
    { timeoutMs: opts.timeoutMs ?? 90_000, intervalMs: 300 },
  ).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}; last status: ${JSON.stringify(last)}`);
  });
  return { obj, seconds: (Date.now() - t0) / 1000 };
}

export interface EventItem {
  reason: string;
  message: string;
  type: string;
  /** how often the (aggregated) Event happened */
  count?: number;
}

export function eventsOf(ns: string, name: string): EventItem[] {
  const r = kubectl(['get', 'events', '-n', ns, '--field-selector', `involvedObject.name=${name}`, '-o', 'json']);
  if (r.code !== 0) return [];
  return (JSON.parse(r.stdout) as { items: EventItem[] }).items;
}

export interface ScenarioResult {
  scenario: string;
  writes: number;
  seconds: number;
  note?: string;
}

const GAPS = [
  '## What these runs do not show (emulator and reconciler gaps)',
  '',
  '- **moto ignores SSE**: the encryption change is asserted by the UpdateTable calls the proxy saw and by',
  '  `Synced` reason `AcceptedNotVisible` (the converger holds a step AWS accepted twice without effect).',
  '- **moto refuses to re-enable a stream once disabled**: a view-type change sends the disable (accepted)',
  '  and then the enable, which moto refuses; on moto that object stays `Synced=False` until streams are',
  '  turned off in the spec. On AWS the enable is accepted.',
  '- **Drift takes longer to see than a resync**: in steady state each resync makes one AWS read, the',
  '  most overdue of DescribeTable (due every `--resync-period`) and TTL, PITR and tags (each due every',
  '  `--drift-check-period`). This suite runs both at 5 s, so each of the four is read every ~20 s; the',
  '  drift rows above include that wait. With the defaults (10 min / 1 h) DescribeTable comes at least',
  '  every other resync and each of the three others about once an hour.',
];

// Not measured by this suite (the fault proxy models DynamoDB only): auto scaling's calls, each asserted
// exactly in test/e2e/autoscaling.test.ts from the reconciler's own AWS call metric.
const AUTO_SCALING = [
  '## Auto scaling (`test/e2e/autoscaling.test.ts`)',
  '',
  'Against moto without the fault proxy (Application Auto Scaling has no stand-in there); the calls are asserted',
  "exactly by that test from the reconciler's `dynamodb_operator_aws_api_calls_total`; seconds from one run.",
  'The table scales read and write [5, 50] @70 and its GSI write [2, 20] @60; resync period 2 s.',
  '',
  '| scenario | write calls | seconds |',
  '| --- | --- | ---: |',
  '| create with autoScaling (per table) | CreateTable, RegisterScalableTarget 3, PutScalingPolicy 3 | 2.8 |',
  '| capacity moved behind its back: 2 values in range, 1 above max, 1 unscaled | UpdateTable 2 (to the bound; the unscaled one to the spec); the in-range values are kept | 3.4 |',
  '| table read max 50 → 80, GSI write target 60 → 45 | RegisterScalableTarget 1, PutScalingPolicy 1 | 0.7 |',
  "| autoScaling removed (3 targets) | DeleteScalingPolicy 3, DeregisterScalableTarget 3, UpdateTable 2 (capacity back to the spec's) | 4.0 |",
  '| deleted with Delete / Orphan | DeleteScalingPolicy 3, DeregisterScalableTarget 3, DeleteTable / none | 2.0 |',
];

// Not measured by this suite: restore and import, asserted exactly in test/e2e/restore-import.test.ts from a
// recording proxy in front of moto.
const RESTORE_IMPORT = [
  '## Restore and import (`test/e2e/restore-import.test.ts`)',
  '',
  'Through the webhook and the reconciler (resync 2 s) against moto, whose S3 holds the import data, behind a',
  "recording proxy: the reconciler's write calls per table are asserted exactly from its log; seconds are the",
  "test's own durations over three runs (machine shared with other test runs). Restores and imports carry no",
  'tags, so each table is claimed with one TagResource (the ownership tags) at the first reconcile that sees it.',
  '',
  '| scenario | write calls | seconds |',
  '| --- | --- | ---: |',
  "| create with `restore: {sourceTableName, useLatestRestorableTime: true}`, PITR and a tag | RestoreTableToPointInTime 1, TagResource 2 (ownership, then the spec's tag), UpdateContinuousBackups 1, UpdateTable 1 (billing mode: moto drops `BillingModeOverride`; none on AWS) | 2.1–4.5 |",
  '| create with `restore: {backupArn}` | RestoreTableFromBackup 1, TagResource 1, UpdateTable 1 (billing mode, as above) | 1.9–3.8 |',
  '| create with `import` (DYNAMODB_JSON from S3) | ImportTable 1, TagResource 1 | 0.9–2.2 |',
  '| an import that fails (missing bucket / malformed object) | ImportTable 1, never sent again (Terminal); the table moto leaves for the malformed one: TagResource 1 (claimed, so that deletion removes it) | 1.2–3.7 (both) |',
  '| `restore` or `import` changed after creation | none: refused at apply (`spec.restore: restore is used only when the table is created and is immutable …`) | — |',
  '| delete the objects (deletionPolicy Delete) | DeleteTable 1 per table that exists; none for the failed import that left no table | 2.1–2.8 |',
];

/** One JSON line per scenario on stdout, and the markdown table in docs/update-scenarios.md. */
export class ScenarioReport {
  readonly rows: ScenarioResult[] = [];

  record(r: ScenarioResult): void {
    this.rows.push(r);
    process.stdout.write(
      `${JSON.stringify({ scenario: r.scenario, writes: r.writes, seconds: Number(r.seconds.toFixed(2)) })}\n`,
    );
  }

  writeMarkdown(path: string): void {
    const lines = [
      '# Update scenarios: AWS write calls and time to converge',
      '',
      'Written by `test/e2e/updates.test.ts` (reconciler as a process, `kubectl apply` of a changed manifest,',
      'a private moto behind the fault proxy, which enforces UpdateTable only while everything is ACTIVE,',
      'one GSI create/delete per call, and UPDATING/CREATING phases of 0.3–0.8 s). **writes** = write calls',
      'for the table seen by the proxy (UpdateTable, TagResource, UntagResource, UpdateTimeToLive,',
      'UpdateContinuousBackups, …, including refused and faulted attempts); **seconds** = from `kubectl apply`',
      'to Ready + Synced at the new generation with the emulator showing the change. Regenerate with',
      '`DDBOP_WRITE_DOCS=1 npx mocha --no-config --require ./test/e2e/support/root-hooks.ts --extension ts --timeout 120000 test/e2e/updates.test.ts`',
      '(other runs write the table to `.testenv/logs/update-scenarios.md`); figures vary with machine load.',
      '',
      '| scenario | writes | seconds | note |',
      '| --- | ---: | ---: | --- |',
      ...this.rows.map((r) => `| ${r.scenario} | ${r.writes} | ${r.seconds.toFixed(1)} | ${r.note ?? ''} |`),
      '',
      ...AUTO_SCALING,
      '',
      ...RESTORE_IMPORT,
      '',
      ...REPLICAS,
      '',
      ...GAPS,
      '',
    ];
    writeFileSync(path, lines.join('\n'));
  }
}
