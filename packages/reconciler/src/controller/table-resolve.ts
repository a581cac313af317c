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
import { prepareTable } from './prepare.ts';
import { handleTableDeletion } from './table-delete.ts';
import type { ReconcileResult, TableRun } from './table-context.ts';
import { TerminalMemo } from './terminal-memo.ts';
import { conds, k8sNow, nextStatus } from './table-status.ts';

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
  const { d } = run;
  const gen = run.obj.metadata.generation;
  const deleting = Boolean(run.obj.metadata.deletionTimestamp);
  const providerName = providerNameOf(run.obj);
  const cluster = usesClusterProvider(run.obj);
  const kindName = cluster ? 'ClusterAWSProvider' : 'AWSProvider';
  const providerKey = providerKeyOf(run.obj);
  const provider = providerName ? providerOf(run) : undefined;
  let providerTags: Record<string, string> = {};
  if (provider) {
    try {
      providerTags = readProviderSpec(provider).defaultTags;
    } catch {
      // an invalid provider is reported below, when its clients are built
    }
  }

  // Deletion never depends on the spec still being valid: an AWSProvider's defaultTags, say, can make
  // it invalid long after the table was created.
  let model: TableModel | undefined;
  let target: DeletionTarget | undefined;
  if (deleting) {
    target = deletionTargetOf(run.obj);
    if (!target) {
      // No table name: nothing in AWS was ever created for it.
      await run.removeFinalizer();
      return { done: {} };
    }
  } else {
    const prepared = prepareTable(run.obj, { operatorTags: d.operatorTags, providerTags });
    if (!prepared.ok) {
      throw new TerminalError('InvalidSpec', `the spec is invalid, no AWS call was made: ${prepared.message}`);
    }
    model = prepared.model;
  }

  if (!provider) {
    const msg = cluster
      ? `ClusterAWSProvider "${providerName}" not found (spec.providerRef.name)`
      : `AWSProvider "${providerName}" not found in namespace ${run.ns}` +
        ' (spec.providerRef.name; providers are looked up in the object’s own namespace)';
    if (target) return { done: await handleTableDeletion(run, target, undefined, msg) };
    await run.writeStatus(
      nextStatus(
        run.status,
        {},
        conds(
          gen,
          [false, 'ProviderNotFound', `${msg}; create it or fix spec.providerRef.name`],
          [false, 'ProviderNotFound', msg],
        ),
        k8sNow(),
      ),
    );
    d.events.emit(run.obj, 'Warning', 'ProviderNotFound', msg);
    return { done: {} };
  }

  // The tenancy policy, checked here too: the provider's status may predate the policy, and the
  // adopt annotation is the table object's own. A ClusterAWSProvider must serve the object's namespace
  // (the webhook may have been bypassed, or the selector or the namespace's labels changed since). No
  // AWS call for a denied object; a deleting one goes to its deletion policy without clients.
  const servedErrors = cluster
    ? clusterProviderViolations(
        providerName ?? '',
        clusterProviderScopeOf(provider.spec),
        run.ns,
        d.namespaceLabels?.(run.ns),
        'spec.providerRef.name',
      )
    : [];
  if (d.tenancy || servedErrors.length > 0) {
    const denied = [
      ...servedErrors,
      ...(d.tenancy && !cluster
        ? providerPolicyErrors(d.tenancy, provider, d.namespaceLabels).map((e) => ({
            ...e,
            path: `AWSProvider "${providerName}" ${e.path}`,
          }))
        : []),
      ...(d.tenancy && model ? adoptionPolicyErrors(d.tenancy, run.obj, model.tableName, d.namespaceLabels) : []),
    ];
    if (denied.length > 0) {
      const msg = policyMessage(denied);
      if (target) return { done: await handleTableDeletion(run, target, undefined, msg) };
      await run.writeStatus(
        // Terminal (kstatus Stalled): only the admin's policy or an edit of the object changes this.
        nextStatus(
          run.status,
          {},
          conds(gen, [false, POLICY_DENIED, msg], [false, POLICY_DENIED, msg], [true, POLICY_DENIED, msg]),
          k8sNow(),
        ),
      );
      d.events.emit(run.obj, 'Warning', POLICY_DENIED, msg);
      return { done: {} };
    }
  }

  // A provider known to be unusable (checked by the provider controller): no AWS call, say why.
  const pst = (provider.status ?? {}) as { ready?: boolean; observedGeneration?: number };
  if (pst.ready === false && pst.observedGeneration === provider.metadata.generation) {
    const pc = getCondition(provider.status?.conditions, 'Ready');
    const msg = `${kindName} "${providerName}" is not ready: ${pc?.reason ?? 'NotReady'}: ${pc?.message ?? ''}`;
    if (target) return { done: await handleTableDeletion(run, target, undefined, msg) };
    await run.writeStatus(
      nextStatus(
        run.status,
        {},
        conds(gen, [false, 'ProviderNotReady', msg], [false, 'ProviderNotReady', msg]),
        k8sNow(),
      ),
    );
    d.events.emit(run.obj, 'Warning', 'ProviderNotReady', msg);
    return { done: {} };
  }

  if (!deleting && d.terminalMemo.blocks(keyOf(run.obj), TerminalMemo.fingerprint(run.obj, provider))) {
    // the Terminal condition already says why; nothing changed that could change AWS's answer
    return { done: {} };
  }

  try {
    const clients = await d.clients.get(providerKey, provider, (name, namespace) =>
      d.getSecret(namespace ?? run.ns, name),
    );
    if (target) return { deletion: target, clients, providerKey };
    if (!model) throw new Error('unreachable: a live object has a model');
    return { model, clients, providerKey };
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    const msg = `${kindName} "${providerName}" is not usable: ${err.message}`;
    if (target) return { done: await handleTableDeletion(run, target, undefined, msg) };
    await run.writeStatus(
      nextStatus(run.status, {}, conds(gen, [false, 'ProviderNotReady', msg], [false, err.reason, msg]), k8sNow()),
    );
    d.events.emit(run.obj, 'Warning', 'ProviderNotReady', msg);
    return { done: { requeueAfterMs: 30_000 } };
  }
}
