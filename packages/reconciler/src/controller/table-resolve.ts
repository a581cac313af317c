// Step 1 of a table reconcile: resolve what it needs — the validated model, the AWSProvider (in the
// object's own namespace) or the ClusterAWSProvider (when providerRef.kind says so, and only if it
// serves the object's namespace) and its AWS clients. When one of them is missing or unusable, the object
// says why (condition + Event) and the reconcile ends here without an AWS call.
import type { TableModel } from '@dynamodb-operator/api';
import type { ProviderClients } from '../aws/clients.ts';
import { ProviderError, readProviderSpec } from '../aws/provider-settings.ts';
import { clusterProviderScopeOf, clusterProviderViolations } from '@dynamodb-operator/api';
import { POLICY_DENIED, adoptionPolicyErrors, policyMessage, providerPolicyErrors } from '../aws/tenancy.ts';
import { keyOf } from '@dynamodb-operator/kube';
import type { KubeObject } from '@dynamodb-operator/kube';
import { getCondition } from './conditions.ts';
import { TerminalError } from './errors.ts';
import { TABLE_ENDPOINT_ANNOTATION, endpointKey, locationOfArn } from './location.ts';
import type { TableLocation } from './location.ts';
import { deletionTargetOf } from './deletion-target.ts';
import type { DeletionTarget } from './deletion-target.ts';
import type { Outcome } from './outcome.ts';
import { prepareTable } from './prepare.ts';
import { report } from './report.ts';
import { handleTableDeletion } from './table-delete.ts';
import type { ReconcileResult, TableRun } from './table-context.ts';
import { TerminalMemo } from './terminal-memo.ts';

/** Reads spec.providerRef.name without trusting the spec's shape. */
export function providerNameOf(obj: KubeObject): string | undefined {
  const ref = (obj.spec ?? {}).providerRef as { name?: unknown } | undefined;
  return typeof ref?.name === 'string' ? ref.name : undefined;
}

/** spec.providerRef.kind is ClusterAWSProvider (absent or AWSProvider: a provider in the namespace). */
export function usesClusterProvider(obj: KubeObject): boolean {
  const ref = (obj.spec ?? {}).providerRef as { kind?: unknown } | undefined;
  return ref?.kind === 'ClusterAWSProvider';
}

/** The provider's cache key: `namespace/name`, or `/name` for a ClusterAWSProvider (cluster-scoped). */
export function providerKeyOf(obj: KubeObject): string {
  const name = providerNameOf(obj) ?? '';
  return usesClusterProvider(obj) ? `/${name}` : `${obj.metadata.namespace ?? ''}/${name}`;
}

function providerStore(run: TableRun) {
  return usesClusterProvider(run.obj) ? run.d.clusterProviders : run.d.providers;
}

export function providerOf(run: TableRun): KubeObject | undefined {
  return providerStore(run)?.get(providerKeyOf(run.obj));
}

/** Where the object's provider points now; the account only when the provider check reported it. */
export function currentLocation(run: TableRun, c: ProviderClients): TableLocation {
  const st = (providerOf(run)?.status ?? {}) as { accountId?: unknown };
  return {
    region: c.settings.region,
    endpoint: endpointKey(c.settings.endpoint),
    ...(typeof st.accountId === 'string' && st.accountId ? { account: st.accountId } : {}),
  };
}

/** Where the object's table was found (status.tableArn: region, account; the recorded endpoint). */
export function recordedLocation(run: TableRun): TableLocation {
  return {
    ...locationOfArn(run.status.tableArn),
    endpoint: run.obj.metadata.annotations?.[TABLE_ENDPOINT_ANNOTATION],
  };
}

export interface Resolved {
  model: TableModel;
  clients: ProviderClients;
  /** namespace/name of the provider: the key of its cached clients. */
  providerKey: string;
}

/** A deleting object: what deletion needs, read without requiring a valid spec (deletion-target.ts). */
export interface ResolvedDeletion {
  deletion: DeletionTarget;
  clients: ProviderClients;
  providerKey: string;
}

/** Everything a reconcile with AWS calls needs, or the result of a reconcile that ends here. */
export async function resolveTable(run: TableRun): Promise<Resolved | ResolvedDeletion | { done: ReconcileResult }> {
  const provider = providerNameOf(run.obj) ? providerOf(run) : undefined;
  const subject = await subjectOf(run, provider);
  if ('done' in subject) return subject;
  const usable = usableProvider(run, provider, subject.model);
  if ('problem' in usable) {
    // A deleting object goes to its deletion policy without clients; the problem is its reason.
    const why = usable.problem.message;
    if (subject.target) return { done: await handleTableDeletion(run, subject.target, undefined, why) };
    await report(run, usable.problem);
    return { done: {} };
  }
  if (subject.model && run.d.terminalMemo.blocks(keyOf(run.obj), TerminalMemo.fingerprint(run.obj, provider))) {
    // the Terminal condition already says why; nothing changed that could change AWS's answer
    return { done: {} };
  }
  return withClients(run, usable.provider, subject);
}

/** What the reconcile works on: the validated model, or (deleting) the deletion target. */
type Subject = { model: TableModel; target?: undefined } | { target: DeletionTarget; model?: undefined };

/**
 * Deletion never depends on the spec still being valid: an AWSProvider's defaultTags, say, can make
 * it invalid long after the table was created.
 */
async function subjectOf(
  run: TableRun,
  provider: KubeObject | undefined,
): Promise<Subject | { done: ReconcileResult }> {
  if (run.obj.metadata.deletionTimestamp) {
    const target = deletionTargetOf(run.obj);
    if (target) return { target };
    // No table name: nothing in AWS was ever created for it.
    await run.removeFinalizer();
    return { done: {} };
  }
  const prepared = prepareTable(run.obj, { operatorTags: run.d.operatorTags, providerTags: providerTagsOf(provider) });
  if (!prepared.ok) {
    throw new TerminalError('InvalidSpec', `the spec is invalid, no AWS call was made: ${prepared.message}`);
  }
  return { model: prepared.model };
}

function providerTagsOf(provider: KubeObject | undefined): Record<string, string> {
  if (!provider) return {};
  try {
    return readProviderSpec(provider).defaultTags;
  } catch {
    // an invalid provider is reported when its clients are built
    return {};
  }
}

type Problem = Extract<Outcome, { kind: 'blocked' | 'terminal' }>;

/** The provider, or why it cannot be used without an AWS call (missing, denied, known unusable). */
function usableProvider(
  run: TableRun,
  provider: KubeObject | undefined,
  model?: TableModel,
): { provider: KubeObject } | { problem: Problem } {
  const providerName = providerNameOf(run.obj);
  const cluster = usesClusterProvider(run.obj);
  if (!provider) {
    const message = cluster
      ? `ClusterAWSProvider "${providerName}" not found (spec.providerRef.name)`
      : `AWSProvider "${providerName}" not found in namespace ${run.ns}` +
        ' (spec.providerRef.name; providers are looked up in the object’s own namespace)';
    const fix = 'create it or fix spec.providerRef.name';
    return { problem: { kind: 'blocked', reason: 'ProviderNotFound', message, fix } };
  }
  const denied = policyDenials(run, provider, model);
  // Terminal (kstatus Stalled): only the admin's policy or an edit of the object changes this.
  if (denied.length > 0)
    return { problem: { kind: 'terminal', reason: POLICY_DENIED, message: policyMessage(denied) } };
  // A provider known to be unusable (checked by the provider controller).
  const pst = (provider.status ?? {}) as { ready?: boolean; observedGeneration?: number };
  if (pst.ready === false && pst.observedGeneration === provider.metadata.generation) {
    const pc = getCondition(provider.status?.conditions, 'Ready');
    const kindName = cluster ? 'ClusterAWSProvider' : 'AWSProvider';
    const message = `${kindName} "${providerName}" is not ready: ${pc?.reason ?? 'NotReady'}: ${pc?.message ?? ''}`;
    return { problem: { kind: 'blocked', reason: 'ProviderNotReady', message } };
  }
  return { provider };
}

/**
 * The tenancy policy, checked here too: the provider's status may predate the policy, and the adopt
 * annotation is the table object's own. A ClusterAWSProvider must serve the object's namespace (the
 * webhook may have been bypassed, or the selector or the namespace's labels changed since).
 */
function policyDenials(run: TableRun, provider: KubeObject, model?: TableModel): Parameters<typeof policyMessage>[0] {
  const { d } = run;
  const providerName = providerNameOf(run.obj) ?? '';
  if (usesClusterProvider(run.obj)) {
    return [
      ...clusterProviderViolations(
        providerName,
        clusterProviderScopeOf(provider.spec),
        run.ns,
        d.namespaceLabels?.(run.ns),
        'spec.providerRef.name',
      ),
      ...(d.tenancy && model ? adoptionPolicyErrors(d.tenancy, run.obj, model.tableName, d.namespaceLabels) : []),
    ];
  }
  if (!d.tenancy) return [];
  return [
    ...providerPolicyErrors(d.tenancy, provider, d.namespaceLabels).map((e) => ({
      ...e,
      path: `AWSProvider "${providerName}" ${e.path}`,
    })),
    ...(model ? adoptionPolicyErrors(d.tenancy, run.obj, model.tableName, d.namespaceLabels) : []),
  ];
}

/** The provider's AWS clients; a provider that cannot make them is reported (and looked at again). */
async function withClients(
  run: TableRun,
  provider: KubeObject,
  subject: Subject,
): Promise<Resolved | ResolvedDeletion | { done: ReconcileResult }> {
  const providerKey = providerKeyOf(run.obj);
  try {
    const clients = await run.d.clients.get(providerKey, provider, (name, namespace) =>
      run.d.getSecret(namespace ?? run.ns, name),
    );
    if (subject.target) return { deletion: subject.target, clients, providerKey };
    return { model: subject.model, clients, providerKey };
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    const kindName = usesClusterProvider(run.obj) ? 'ClusterAWSProvider' : 'AWSProvider';
    const message = `${kindName} "${providerNameOf(run.obj)}" is not usable: ${err.message}`;
    if (subject.target) return { done: await handleTableDeletion(run, subject.target, undefined, message) };
    await report(run, { kind: 'blocked', reason: 'ProviderNotReady', message, syncedReason: err.reason });
    return { done: { requeueAfterMs: 30_000 } };
  }
}
