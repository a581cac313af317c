// One cached DynamoDB + STS client pair per AWSProvider, rebuilt when the provider's spec
// (generation) or the resourceVersion of its Secret changes, or after a credential error.
// SDK-level retries are off (maxAttempts 1): the work queue retries with backoff, and a silent SDK
// retry of CreateTable after a lost response would be a second CreateTable. Every call, including
// the credential providers' STS calls, has hard deadlines (deadlines.ts).
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain, fromTemporaryCredentials, fromTokenFile } from '@aws-sdk/credential-providers';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { KubeObject } from '@dynamodb-operator/kube';
import type { Metrics } from '../observability/metrics.ts';
import { useCachedHandlers } from './cached-handlers.ts';
import { DEFAULT_AWS_TIMEOUTS, endpointLabel, installDeadline, requestHandlerOptions } from './deadlines.ts';
import type { AwsTimeouts } from './deadlines.ts';
import { awsErrorName } from './errors.ts';
import { readProviderSpec, readStaticKeys } from './provider-settings.ts';
import type { SecretGetter } from './provider-settings.ts';
import type { ProviderSpecView } from './provider-settings.ts';
import { useFastConfig } from './fast-config.ts';
import { useSharedEndpoints } from './shared-endpoints.ts';

export interface ProviderClients {
  dynamodb: DynamoDBClient;
  sts: STSClient;
  /** Application Auto Scaling (spec.autoScaling); same endpoint, region and credentials. */
  autoscaling: ApplicationAutoScalingClient;
  /**
   * DynamoDB in another region (a replica's own table), same credentials and settings; built on first
   * use and kept with these clients. A custom endpoint stays the same (emulators tell the region from the
   * request's signature).
   */
  dynamodbIn: (region: string) => DynamoDBClient;
  /** The clients dynamodbIn built, to destroy with the others. */
  regional: Map<string, DynamoDBClient>;
  settings: ProviderSpecView;
  /** uid:generation — the provider spec these clients were built from. */
  specKey: string;
  /** Secret name@resourceVersion pairs read when building (no secret data). */
  secretVersions: string[];
  credentialSource: 'static' | 'assumeRole' | 'webIdentity' | 'defaultChain';
}

// The SDK's middleware generics are per command; ours is command-agnostic.
type AnyMiddleware = (
  next: (args: unknown) => Promise<unknown>,
  context: { commandName?: string },
) => (args: unknown) => Promise<unknown>;
interface Stack {
  add(mw: AnyMiddleware, opts: { step: 'initialize'; name: string }): void;
}

function instrument(
  client: DynamoDBClient | STSClient | ApplicationAutoScalingClient,
  metrics: Metrics | undefined,
): void {
  if (!metrics) return;
  const mw: AnyMiddleware = (next, context) => async (args) => {
    const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
    const end = metrics.awsDuration.startTimer({ operation });
    try {
      const out = await next(args);
      metrics.awsCalls.inc({ operation, code: 'OK' });
      return out;
    } catch (err) {
      metrics.awsCalls.inc({ operation, code: awsErrorName(err) });
      throw err;
    } finally {
      end();
    }
  };
  (client.middlewareStack as unknown as Stack).add(mw, { step: 'initialize', name: 'ddbopMetrics' });
}

/**
 * Emulators behind a custom endpoint do not all implement every read: dynalite has no
 * DescribeContinuousBackups. For those reads only, UnknownOperationException means "this endpoint
 * does not model the feature", i.e. it is off: answer with an empty description instead of failing
 * every reconcile. Writes still fail loudly (a spec that asks for PITR on dynalite gets a Terminal
 * condition naming the operation). Never installed for real AWS endpoints.
 */
const FEATURE_READS = new Set(['DescribeContinuousBackupsCommand', 'DescribeTimeToLiveCommand']);
function tolerateUnmodelledReads(client: DynamoDBClient): void {
  const mw: AnyMiddleware = (next, context) => async (args) => {
    try {
      return await next(args);
    } catch (err) {
      if (FEATURE_READS.has(context.commandName ?? '') && awsErrorName(err) === 'UnknownOperationException') {
        return { output: { $metadata: {} }, response: {} };
      }
      throw err;
    }
  };
  (client.middlewareStack as unknown as Stack).add(mw, { step: 'initialize', name: 'ddbopUnmodelledReads' });
}

export function specKeyOf(provider: KubeObject): string {
  return `${provider.metadata.uid ?? ''}:${provider.metadata.generation ?? 0}`;
}

export async function buildClients(
  provider: KubeObject,
  getSecret: SecretGetter,
  metrics: Metrics | undefined,
  env: NodeJS.ProcessEnv = process.env,
  timeouts: AwsTimeouts = DEFAULT_AWS_TIMEOUTS,
): Promise<ProviderClients> {
  const settings = readProviderSpec(provider);
  const stat = await readStaticKeys(settings, getSecret);
  const requestHandler = requestHandlerOptions(timeouts);
  // `base` is also the config of the credential providers' own STS clients: same deadlines.
  const base = {
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    maxAttempts: 1,
    requestHandler,
  };
  // Base credentials: static keys, IRSA (roleARN with the pod's web identity token), or the default
  // chain. Outside a pod (no token file) roleARN is assumed with STS on top of the default chain.
  let credentials: NonNullable<DynamoDBClientConfig['credentials']>;
  let credentialSource: ProviderClients['credentialSource'];
  if (stat) {
    credentials = stat.keys;
    credentialSource = 'static';
  } else if (settings.roleARN && env.AWS_WEB_IDENTITY_TOKEN_FILE) {
    credentials = fromTokenFile({
      roleArn: settings.roleARN,
      roleSessionName: 'dynamodb-operator',
      clientConfig: base,
    });
    credentialSource = 'webIdentity';
  } else if (settings.roleARN) {
    credentials = fromTemporaryCredentials({
      params: { RoleArn: settings.roleARN, RoleSessionName: 'dynamodb-operator' },
      clientConfig: base,
    });
    credentialSource = 'assumeRole';
  } else {
    credentials = fromNodeProviderChain({ clientConfig: { requestHandler } });
    credentialSource = 'defaultChain';
  }
  if (settings.assumeRoleARN) {
    credentials = fromTemporaryCredentials({
      params: {
        RoleArn: settings.assumeRoleARN,
        RoleSessionName: 'dynamodb-operator',
        ...(settings.externalID ? { ExternalId: settings.externalID } : {}),
      },
      masterCredentials: credentials,
      clientConfig: base,
    });
    credentialSource = 'assumeRole';
  }
  const common = { ...base, credentials };
  // The provider's region and each replica's: the same deadlines, metrics, emulator tolerance and handler cache.
  const newDynamoDB = (region: string): DynamoDBClient => {
    const client = new DynamoDBClient({ ...common, region });
    installDeadline(client, timeouts, endpointLabel(settings.endpoint, 'DynamoDB', region));
    instrument(client, metrics);
    if (settings.endpoint) tolerateUnmodelledReads(client);
    useCachedHandlers(client);
    useSharedEndpoints(client);
    useFastConfig(client);
    return client;
  };
  const dynamodb = newDynamoDB(settings.region);
  const sts = new STSClient(common);
  const autoscaling = new ApplicationAutoScalingClient(common);
  installDeadline(sts, timeouts, endpointLabel(settings.endpoint, 'STS', settings.region));
  installDeadline(autoscaling, timeouts, endpointLabel(settings.endpoint, 'Application Auto Scaling', settings.region));
  instrument(sts, metrics);
  instrument(autoscaling, metrics);
  const regional = new Map<string, DynamoDBClient>();
  const dynamodbIn = (region: string): DynamoDBClient => {
    if (region === settings.region) return dynamodb;
    const known = regional.get(region);
    if (known) return known;
    const client = newDynamoDB(region);
    regional.set(region, client);
    return client;
  };
  return {
    dynamodb,
    sts,
    autoscaling,
    dynamodbIn,
    regional,
    settings,
    specKey: specKeyOf(provider),
    secretVersions: stat?.versions ?? [],
    credentialSource,
  };
}

export class ClientCache {
  private readonly byProvider = new Map<string, ProviderClients>();
  private readonly building = new Map<string, Promise<ProviderClients>>();

  private readonly metrics: Metrics | undefined;
  private readonly timeouts: AwsTimeouts;
  constructor(metrics: Metrics | undefined, timeouts: AwsTimeouts = DEFAULT_AWS_TIMEOUTS) {
    this.metrics = metrics;
    this.timeouts = timeouts;
  }

  /** Cached clients for the provider, built on first use or when its spec changed. */
  async get(providerKey: string, provider: KubeObject, getSecret: SecretGetter): Promise<ProviderClients> {
    const cached = this.byProvider.get(providerKey);
    if (cached && cached.specKey === specKeyOf(provider)) return cached;
    const inflight = this.building.get(providerKey);
    if (inflight) return inflight;
    const p = buildClients(provider, getSecret, this.metrics, process.env, this.timeouts)
      .then((c) => {
        this.replace(providerKey, c);
        return c;
      })
      .finally(() => this.building.delete(providerKey));
    this.building.set(providerKey, p);
    return p;
  }

  /** Re-read the Secret; rebuild when the provider spec or a Secret version changed. */
  async refresh(providerKey: string, provider: KubeObject, getSecret: SecretGetter): Promise<ProviderClients> {
    const fresh = await buildClients(provider, getSecret, this.metrics, process.env, this.timeouts);
    const cached = this.byProvider.get(providerKey);
    if (
      cached &&
      cached.specKey === fresh.specKey &&
      cached.secretVersions.join(',') === fresh.secretVersions.join(',')
    ) {
      fresh.dynamodb.destroy();
      fresh.sts.destroy();
      fresh.autoscaling.destroy();
      for (const r of fresh.regional.values()) r.destroy();
      return cached;
    }
    this.replace(providerKey, fresh);
    return fresh;
  }

  invalidate(providerKey: string): void {
    const c = this.byProvider.get(providerKey);
    this.byProvider.delete(providerKey);
    // Let in-flight calls on the old client finish (each ends by its call deadline) before its sockets go.
    const grace = Math.max(30_000, this.timeouts.callMs);
    if (c)
      setTimeout(() => {
        c.dynamodb.destroy();
        c.sts.destroy();
        c.autoscaling.destroy();
        for (const r of c.regional.values()) r.destroy();
      }, grace).unref();
  }

  private replace(providerKey: string, c: ProviderClients): void {
    if (this.byProvider.get(providerKey) !== c) this.invalidate(providerKey);
    this.byProvider.set(providerKey, c);
  }

  destroy(): void {
    for (const c of this.byProvider.values()) {
      c.dynamodb.destroy();
      c.sts.destroy();
      c.autoscaling.destroy();
      for (const r of c.regional.values()) r.destroy();
    }
    this.byProvider.clear();
  }
}
