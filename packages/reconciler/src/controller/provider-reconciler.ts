// reconcile(key) for AWSProvider: resolve credentials (re-reading the Secret, so a rotated Secret
// rebuilds the cached clients), check them with STS GetCallerIdentity, and report ready/accountId.
// Emulators without STS (dynalite) on a custom endpoint give Ready=True with reason AccountIdUnknown
// (credentials not verified) rather than a provider that is never ready.
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { validateObject } from '@dynamodb-operator/api';
import type { Condition } from '@dynamodb-operator/api';
import type { ClientCache } from '../aws/clients.ts';
import { awsErrorName, classifyAwsError, isCredentialError } from '../aws/errors.ts';
import { ProviderError } from '../aws/provider-settings.ts';
import type { KubeHttp } from '../kube/http.ts';
import { RESOURCES, objectPath } from '../kube/resources.ts';
import type { KubeObject } from '../kube/resources.ts';
import type { LeaderGate } from '../leader/gate.ts';
import { NotLeaderError } from '../leader/gate.ts';
import type { Logger } from '../observability/log.ts';
import { sameStatus, setCondition } from './conditions.ts';
import { RetryableError } from './errors.ts';
import type { EventSink } from './events.ts';
import { formatErrors } from './prepare.ts';
import type { ReconcileResult, Store } from './table-context.ts';
import { cond, k8sNow } from './table-status.ts';

export interface ProviderDeps {
  providers: Store;
  kube: KubeHttp;
  clients: ClientCache;
  events: EventSink;
  gate: LeaderGate;
  getSecret(namespace: string, name: string): Promise<KubeObject | undefined>;
}

interface ProviderStatus {
  ready?: boolean;
  accountId?: string;
  observedGeneration?: number;
  lastCheckedTime?: string;
  conditions?: Condition[];
  [k: string]: unknown;
}

async function write(d: ProviderDeps, obj: KubeObject, next: ProviderStatus): Promise<void> {
  const prev = obj.status as Record<string, unknown> | undefined;
  if (sameStatus(prev, next, ['lastCheckedTime'])) return;
  const body: Record<string, unknown> = { ...next, lastCheckedTime: k8sNow() };
  for (const k of Object.keys(prev ?? {})) if (!(k in body)) body[k] = null;
  await d.kube.patch(objectPath(RESOURCES.AWSProvider, obj.metadata.namespace ?? '', obj.metadata.name, 'status'), {
    status: body,
  });
  const before = prev?.ready;
  if (before !== next.ready) {
    const c = next.conditions?.find((x) => x.type === 'Ready');
    d.events.emit(obj, next.ready ? 'Normal' : 'Warning', c?.reason ?? 'Ready', c?.message ?? '');
  }
}

function status(obj: KubeObject, ready: boolean, reason: string, message: string, accountId?: string): ProviderStatus {
  const prev = (obj.status ?? {}) as ProviderStatus;
  const gen = obj.metadata.generation;
  const out: ProviderStatus = {
    ready,
    observedGeneration: gen,
    conditions: setCondition(prev.conditions, cond('Ready', ready, reason, message, gen), k8sNow()),
  };
  if (accountId) out.accountId = accountId;
  return out;
}

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
    await write(
      d,
      obj,
      status(obj, false, 'InvalidProvider', `the provider spec is invalid: ${formatErrors(v.errors)}`),
    );
    return {};
  }
  let clients;
  try {
    clients = await d.clients.refresh(key, obj, (name) => d.getSecret(ns, name));
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    d.clients.invalidate(key);
    await write(d, obj, status(obj, false, err.reason, err.message));
    // The Secret is not watched: look again in a while.
    return { requeueAfterMs: 30_000 };
  }
  try {
    const id = await clients.sts.send(new GetCallerIdentityCommand({}), { abortSignal: d.gate.signal() });
    await write(
      d,
      obj,
      status(
        obj,
        true,
        'CredentialsVerified',
        `credentials (${clients.credentialSource}) verified; account ${id.Account}`,
        id.Account,
      ),
    );
    return {};
  } catch (err) {
    if (err instanceof NotLeaderError) throw err;
    const name = awsErrorName(err);
    const text = `${name}: ${(err as Error)?.message ?? String(err)}`;
    if (isCredentialError(err) || name === 'AccessDenied' || name === 'AccessDeniedException') {
      d.clients.invalidate(key);
      await write(
        d,
        obj,
        status(
          obj,
          false,
          'InvalidCredentials',
          `STS GetCallerIdentity rejected the credentials (${clients.credentialSource}): ${text}; fix the Secret or role`,
        ),
      );
      return { requeueAfterMs: 60_000 };
    }
    if (clients.settings.endpoint) {
      log.info({ endpoint: clients.settings.endpoint, err: name }, 'STS not available at the custom endpoint');
      await write(
        d,
        obj,
        status(
          obj,
          true,
          'AccountIdUnknown',
          `credentials resolved but not verified: STS GetCallerIdentity failed at the custom endpoint ${clients.settings.endpoint} (${name}); emulators such as dynalite do not serve STS, so accountId stays empty`,
        ),
      );
      return {};
    }
    const msg = `STS GetCallerIdentity failed: ${text}`;
    await write(d, obj, status(obj, false, classifyAwsError(err) === 'terminal' ? name : 'STSUnavailable', msg));
    throw new RetryableError('STSUnavailable', msg);
  }
}
