// The operator as the table-feature suites run it: the webhook registered for one fresh namespace, the
// reconciler watching it, and a private moto behind the fault proxy (which models what moto lacks),
// with an AWSProvider `moto` pointing at the proxy. One start and one stop, so that each feature suite
// states only its tables and its checks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { makeServingCert } from '../support/index.ts';
import {
  condition,
  deleteNamespace,
  emulatorClient,
  getObj,
  mustApply,
  providerYaml,
  startMoto,
  startReconcilerProc,
  uniqueNamespace,
} from '../support-reconciler/index.ts';
import type { Emulator, Obj, ReconcilerProc } from '../support-reconciler/index.ts';
import { startFaultProxyProc } from '../support-updates/index.ts';
import type { ProxyProc } from '../support-updates/index.ts';
import {
  registerWebhooks,
  startWebhookProcess,
  unregisterWebhooks,
  writeCertDir,
} from '../../../packages/webhook/test/e2e/harness.ts';
import type { WebhookProcess } from '../../../packages/webhook/test/e2e/harness.ts';

export interface OperatorStack {
  ns: string;
  moto: Emulator;
  proxy: ProxyProc;
  /** A client through the proxy: what the test reads is what AWS would show. */
  ddb: DynamoDBClient;
  rec: ReconcilerProc;
  webhook: WebhookProcess;
  stop(): Promise<void>;
}

/** Starts everything for suite `name`; on a failure part-way, stops what had started before throwing. */
export async function startOperatorStack(name: string, reconcilerFlags: string[]): Promise<OperatorStack> {
  const undo: (() => unknown)[] = [];
  const stop = async () => {
    for (const step of undo.reverse()) await step();
    undo.length = 0;
  };
  try {
    const ns = uniqueNamespace(name);
    undo.push(() => deleteNamespace(ns));
    const dir = mkdtempSync(join(tmpdir(), `ddbop-${name}-`));
    undo.push(() => rmSync(dir, { recursive: true, force: true }));
    const cert = makeServingCert(['127.0.0.1']);
    writeCertDir(dir, cert, 'v1');
    const webhook = await startWebhookProcess(`${name}-webhook`, dir);
    undo.push(() => webhook.process.stop());
    const hookName = `ddbop-e2e-${name}-${process.pid}`;
    undo.push(() => unregisterWebhooks(hookName));
    await registerWebhooks(hookName, ns, webhook, cert.caPem);
    const moto = await startMoto(`${name}-moto`);
    undo.push(() => moto.proc.stop());
    const proxy = await startFaultProxyProc(`${name}-proxy`, moto.endpoint);
    undo.push(() => proxy.proc.stop());
    const ddb = emulatorClient(proxy.url);
    undo.push(() => ddb.destroy());
    mustApply(providerYaml('moto', proxy.url), ns);
    const rec = await startReconcilerProc(`${name}-reconciler`, ns, reconcilerFlags);
    undo.push(() => rec.proc.stop());
    return { ns, moto, proxy, ddb, rec, webhook, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The object once Ready (and, unless told otherwise, Synced) for its current generation; else undefined. */
export function readyAtGeneration(
  ns: string,
  resource: string,
  name: string,
  opts: { synced?: boolean } = {},
): () => Obj | undefined {
  return () => {
    const o = getObj(resource, ns, name) as (Obj & { metadata: { generation?: number } }) | undefined;
    const ready = condition(o, 'Ready') as { status: string; observedGeneration?: number } | undefined;
    const synced = opts.synced === false || condition(o, 'Synced')?.status === 'True';
    return ready?.status === 'True' && synced && ready.observedGeneration === o?.metadata.generation ? o : undefined;
  };
}
