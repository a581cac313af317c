// reconcile(key) for AWSProvider and ClusterAWSProvider: resolve credentials (re-reading the Secret, so a rotated Secret
// rebuilds the cached clients), check them with STS GetCallerIdentity, and report ready/accountId.
// An endpoint that cannot be reached, does not answer in time, drops the connection or answers
// something that is not AWS is Ready=False with that reason (EndpointUnreachable, Timeout,
// ConnectionReset, InvalidResponse) and is checked again every PROVIDER_RECHECK_MS. Emulators without
// STS (dynalite) on a custom endpoint give Ready=True with reason AccountIdUnknown only when the
// endpoint does answer DynamoDB (ListTables), rather than a provider that is never ready.
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { validateObject } from '@dynamodb-operator/api';
import type { TenancyPolicy } from '@dynamodb-operator/api';
import type { ClientCache, ProviderClients } from '../aws/clients.ts';
import { endpointLabel } from '../aws/deadlines.ts';
import { awsErrorName, classifyAwsError, classifyNetworkError, isCredentialError } from '../aws/errors.ts';
import { ProviderError } from '../aws/provider-settings.ts';
import { POLICY_DENIED, policyMessage, providerPolicyErrors } from '../aws/tenancy.ts';
import { RESOURCES, objectPath } from '@dynamodb-operator/kube';
import type { KubeHttp, KubeObject, Resource } from '@dynamodb-operator/kube';
import type { LeaderGate } from '../leader/gate.ts';
import { NotLeaderError } from '../leader/gate.ts';
import type { Logger } from '../observability/log.ts';
import { sameStatus } from './conditions.ts';
import { RetryableError } from './errors.ts';
import type { EventSink } from './events.ts';
import { formatErrors } from './prepare.ts';
import type { ReconcileResult, Store } from './table-context.ts';
import { settleProvider } from './provider-status.ts';
import type { ProviderStatus, ProviderVerdict } from './provider-status.ts';
import { k8sNow } from './table-status.ts';

export interface ProviderDeps {
  providers: Store;
  kube: KubeHttp;
  clients: ClientCache;
  events: EventSink;
  gate: LeaderGate;
  getSecret(namespace: string, name: string): Promise<KubeObject | undefined>;
  /** The admin's tenancy policy; absent: everything allowed. */
  tenancy?: TenancyPolicy;
  /** Which kind `providers` holds: AWSProvider (the default) or ClusterAWSProvider. */
  resource?: Resource;
  /** A namespace's labels, for the policy's namespaceSelector grants; undefined: not known. */
  namespaceLabels?(namespace: string): Record<string, string> | undefined;
}

/** The one place a provider's status is written (the decision is settleProvider, pure). */
async function report(d: ProviderDeps, obj: KubeObject, verdict: ProviderVerdict): Promise<void> {
  const prev = obj.status as ProviderStatus | undefined;
  const { status, event } = settleProvider(prev, verdict, obj.metadata.generation, k8sNow());
  if (sameStatus(prev, status, ['lastCheckedTime'])) return;
  const body: Record<string, unknown> = { ...status, lastCheckedTime: k8sNow() };
  for (const k of Object.keys(prev ?? {})) if (!(k in body)) body[k] = null;
  const resource = d.resource ?? RESOURCES.AWSProvider;
  await d.kube.patch(objectPath(resource, obj.metadata.namespace ?? '', obj.metadata.name, 'status'), {
    status: body,
  });
  if (event) d.events.emit(obj, event.type, event.reason, event.message);
}

const notReady = (reason: string, message: string): ProviderVerdict => ({ ready: false, reason, message });

export async function reconcileProvider(d: ProviderDeps, key: string, log: Logger): Promise<ReconcileResult> {
  const obj = d.providers.get(key);
  if (!obj) {
    d.clients.invalidate(key);
    return {};
  }
  const ns = obj.metadata.namespace ?? '';
  const v = validateObject(obj);
  if (v.errors.length > 0) {
    d.clients.invalidate(key);
    await report(d, obj, notReady('InvalidProvider', `the provider spec is invalid: ${formatErrors(v.errors)}`));
    return {};
  }
  // Before any Secret read or AWS call: a provider the policy forbids never signs a request. A
  // ClusterAWSProvider is the admin's own (cluster-scoped, out of a namespace editor's reach): the
  // policy, which bounds what namespace editors may name, does not apply to it.
  const cluster = (d.resource ?? RESOURCES.AWSProvider).namespaced === false;
  const denied = d.tenancy && !cluster ? providerPolicyErrors(d.tenancy, obj, d.namespaceLabels) : [];
  if (denied.length > 0) {
    d.clients.invalidate(key);
    await report(d, obj, notReady(POLICY_DENIED, policyMessage(denied)));
    return {};
  }
  let clients;
  try {
    clients = await d.clients.refresh(key, obj, (name, namespace) => d.getSecret(namespace ?? ns, name));
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    d.clients.invalidate(key);
    await report(d, obj, notReady(err.reason, err.message));
    // The referenced Secrets are watched (kube/secret-watch.ts); this re-check is the fallback.
    return { requeueAfterMs: 30_000 };
  }
  const signal = d.gate.signal();
  try {
    const id = await clients.sts.send(new GetCallerIdentityCommand({}), { abortSignal: signal });
    await report(d, obj, {
      ready: true,
      reason: 'CredentialsVerified',
      message: `credentials (${clients.credentialSource}) verified; account ${id.Account}`,
      ...(id.Account ? { accountId: id.Account } : {}),
    });
    return {};
  } catch (err) {
    if (err instanceof NotLeaderError) throw err;
    if (isRejected(err)) return rejected(d, key, obj, clients, err);
    const network = classifyNetworkError(err);
    // An answer that is not STS XML may still come from a DynamoDB emulator: the probe below decides.
    if (network && !(network === 'InvalidResponse' && clients.settings.endpoint)) return unreachable(d, obj, err);
    if (clients.settings.endpoint) {
      // No STS here (dynalite) or STS answered oddly: the provider is usable if DynamoDB answers.
      const sts = awsErrorName(err);
      const where = endpointLabel(clients.settings.endpoint, 'DynamoDB', clients.settings.region);
      let probe = 'DynamoDB ListTables answered';
      try {
        await clients.dynamodb.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: d.gate.signal() });
      } catch (probeErr) {
        if (probeErr instanceof NotLeaderError) throw probeErr;
        if (classifyNetworkError(probeErr)) return unreachable(d, obj, probeErr);
        if (isCredentialError(probeErr)) return rejected(d, key, obj, clients, probeErr);
        // Any other AWS answer (e.g. AccessDenied for ListTables under least privilege) still shows
        // that DynamoDB is there; table calls will say what they lack.
        probe = `DynamoDB answered ListTables with ${awsErrorName(probeErr)}`;
      }
      log.info({ endpoint: where, err: sts }, 'STS not available at the custom endpoint');
      await report(d, obj, {
        ready: true,
        reason: 'AccountIdUnknown',
        message: `${probe} at the custom ${where}, but STS GetCallerIdentity did not (${sts}), so the credentials are not verified and accountId stays empty (emulators such as dynalite do not serve STS)`,
      });
      return {};
    }
    const name = awsErrorName(err);
    const msg = `STS GetCallerIdentity failed: ${name}: ${errText(err)}`;
    await report(d, obj, notReady(classifyAwsError(err) === 'terminal' ? name : 'STSUnavailable', msg));
    throw new RetryableError('STSUnavailable', msg);
  }
}

/** How soon a provider whose endpoint failed at the transport level is checked again. */
export const PROVIDER_RECHECK_MS = 15_000;

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function isRejected(err: unknown): boolean {
  const name = awsErrorName(err);
  return isCredentialError(err) || name === 'AccessDenied' || name === 'AccessDeniedException';
}

async function rejected(
  d: ProviderDeps,
  key: string,
  obj: KubeObject,
  clients: ProviderClients,
  err: unknown,
): Promise<ReconcileResult> {
  d.clients.invalidate(key);
  await report(
    d,
    obj,
    notReady(
      'InvalidCredentials',
      `the endpoint rejected the credentials (${clients.credentialSource}): ${awsErrorName(err)}: ${errText(err)}; fix the Secret or role`,
    ),
  );
  return { requeueAfterMs: 60_000 };
}

/**
 * Transport failure: Ready=False with its reason; the message (from deadlines.ts) names the endpoint
 * without credentials and what to check. Checked again at a fixed short interval rather than with
 * the growing backoff, so the provider (and its tables, which wait for it) recover soon after the
 * endpoint does.
 */
async function unreachable(d: ProviderDeps, obj: KubeObject, err: unknown): Promise<ReconcileResult> {
  const reason = classifyNetworkError(err) ?? 'EndpointUnreachable';
  await report(d, obj, notReady(reason, errText(err)));
  return { requeueAfterMs: PROVIDER_RECHECK_MS };
}
