// From an AWSProvider or ClusterAWSProvider (+ the Secret it references) to what an AWS client needs.
// The provider spec is read defensively here because a provider object may be invalid; every failure
// names the field. A namespaced provider's Secrets are in its own namespace; a cluster provider's
// name theirs (an admin's namespace), since it has none of its own.
import type { KubeObject } from '@dynamodb-operator/kube';

/** Reads a Secret; `namespace` absent: the provider's own namespace (the caller knows it). */
export type SecretGetter = (name: string, namespace?: string) => Promise<KubeObject | undefined>;

export interface SecretRef {
  name: string;
  key: string;
  /** Set for a ClusterAWSProvider's Secrets only. */
  namespace?: string;
  /** The spec field the user wrote (for messages): e.g. spec.accessKeyIDRef or spec.credentialsSecret. */
  field: string;
}

export interface ProviderSpecView {
  region: string;
  endpoint?: string;
  /** IRSA role (web identity of the operator's ServiceAccount). */
  roleARN?: string;
  /** Assumed with STS on top of the base credentials. */
  assumeRoleARN?: string;
  externalID?: string;
  accessKeyIDRef?: SecretRef;
  secretAccessKeyRef?: SecretRef;
  sessionTokenRef?: SecretRef;
  defaultTags: Record<string, string>;
}

/** Why a provider cannot be used, with a stable condition reason. */
export class ProviderError extends Error {
  override name = 'ProviderError';
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.reason = reason;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** A cluster-scoped provider (no namespace of its own). */
export const isClusterProvider = (p: KubeObject): boolean => !p.metadata.namespace;

function secretNamespace(r: Record<string, unknown>, path: string, cluster: boolean): string | undefined {
  if (!cluster) return undefined;
  const namespace = str(r.namespace);
  if (!namespace) {
    throw new ProviderError(
      'InvalidProvider',
      `${path}.namespace: a ClusterAWSProvider's Secret needs its namespace (an admin's namespace)`,
    );
  }
  return namespace;
}

function ref(v: unknown, path: string, cluster: boolean): SecretRef | undefined {
  if (v === undefined || v === null) return undefined;
  const r = v as Record<string, unknown>;
  const name = str(r.name);
  const key = str(r.key);
  if (!name || !key) {
    throw new ProviderError(
      'InvalidProvider',
      `${path}: needs both name and key of a Secret${cluster ? '' : ' in the same namespace'}`,
    );
  }
  const namespace = secretNamespace(r, path, cluster);
  return namespace ? { name, key, namespace, field: path } : { name, key, field: path };
}

export function readProviderSpec(p: KubeObject): ProviderSpecView {
  const s = p.spec ?? {};
  const cluster = isClusterProvider(p);
  const region = str(s.region);
  if (!region) throw new ProviderError('InvalidProvider', 'spec.region: required, e.g. us-east-1');
  const view: ProviderSpecView = { region, defaultTags: {} };
  const endpoint = str(s.endpoint);
  if (endpoint) view.endpoint = endpoint;
  const role = str(s.roleARN);
  if (role) view.roleARN = role;
  const assume = str(s.assumeRoleARN);
  if (assume) view.assumeRoleARN = assume;
  const ext = str(s.externalID);
  if (ext) view.externalID = ext;
  let a = ref(s.accessKeyIDRef, 'spec.accessKeyIDRef', cluster);
  let b = ref(s.secretAccessKeyRef, 'spec.secretAccessKeyRef', cluster);
  let t: SecretRef | undefined;
  const bundle = s.credentialsSecret as Record<string, unknown> | undefined;
  if (bundle && typeof bundle === 'object') {
    const name = str(bundle.name);
    if (!name) throw new ProviderError('InvalidProvider', 'spec.credentialsSecret.name: required');
    if (a || b) {
      throw new ProviderError(
        'InvalidProvider',
        'spec.credentialsSecret: give either credentialsSecret or accessKeyIDRef/secretAccessKeyRef, not both',
      );
    }
    const field = 'spec.credentialsSecret';
    const namespace = secretNamespace(bundle, field, cluster);
    const where = namespace ? { namespace } : {};
    a = { name, key: 'access-key-id', field, ...where };
    b = { name, key: 'secret-access-key', field, ...where };
    t = { name, key: 'session-token', field, ...where };
  }
  if ((a && !b) || (!a && b)) {
    throw new ProviderError(
      'InvalidProvider',
      `spec.${a ? 'secretAccessKeyRef' : 'accessKeyIDRef'}: static credentials need both accessKeyIDRef and secretAccessKeyRef`,
    );
  }
  if (a) view.accessKeyIDRef = a;
  if (b) view.secretAccessKeyRef = b;
  if (t) view.sessionTokenRef = t;
  if (s.defaultTags && typeof s.defaultTags === 'object') {
    for (const [k, v] of Object.entries(s.defaultTags as Record<string, unknown>)) {
      if (typeof v === 'string') view.defaultTags[k] = v;
    }
  }
  return view;
}

export interface StaticKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Secret data → static keys; `getSecret` returns undefined for a missing Secret. */
export async function readStaticKeys(
  view: ProviderSpecView,
  getSecret: SecretGetter,
): Promise<{ keys: StaticKeys; versions: string[] } | undefined> {
  if (!view.accessKeyIDRef || !view.secretAccessKeyRef) return undefined;
  const versions: string[] = [];
  // Messages name the field the user wrote: a credentialsSecret has fixed key names, a *Ref its own.
  const value = async (r: SecretRef): Promise<string> => {
    const field = r.field;
    const bundle = field === 'spec.credentialsSecret';
    const secret = await getSecret(r.name, r.namespace);
    if (!secret) {
      const where = r.namespace ? `namespace ${r.namespace}` : "the provider's namespace";
      throw new ProviderError(
        'SecretNotFound',
        `${field}: Secret "${r.name}" not found in ${where}; create it or fix ${field}.name`,
      );
    }
    versions.push(`${r.name}@${secret.metadata.resourceVersion ?? ''}`);
    const raw = secret.data?.[r.key];
    if (raw === undefined) {
      throw new ProviderError(
        'SecretKeyNotFound',
        bundle
          ? `${field}: Secret "${r.name}" has no key "${r.key}"; a credentialsSecret needs the keys access-key-id and secret-access-key (session-token optional)`
          : `${field}: Secret "${r.name}" has no key "${r.key}"; add it or fix ${field}.key`,
      );
    }
    const decoded = Buffer.from(raw, 'base64').toString('utf8').trim();
    if (!decoded) throw new ProviderError('SecretKeyEmpty', `${field}: key "${r.key}" of Secret "${r.name}" is empty`);
    return decoded;
  };
  const keys: StaticKeys = {
    accessKeyId: await value(view.accessKeyIDRef),
    secretAccessKey: await value(view.secretAccessKeyRef),
  };
  // The session token is optional: only credentialsSecret names one, and only if the key exists.
  if (view.sessionTokenRef) {
    const secret = await getSecret(view.sessionTokenRef.name, view.sessionTokenRef.namespace);
    const raw = secret?.data?.[view.sessionTokenRef.key];
    if (raw) keys.sessionToken = Buffer.from(raw, 'base64').toString('utf8').trim();
  }
  return { keys, versions };
}

/** `namespace/name` of the Secrets whose contents the provider's credentials use. */
export function referencedSecretKeys(provider: KubeObject): string[] {
  try {
    const v = readProviderSpec(provider);
    const own = provider.metadata.namespace ?? '';
    const keys = [v.accessKeyIDRef, v.secretAccessKeyRef, v.sessionTokenRef].flatMap((r) =>
      r ? [`${r.namespace ?? own}/${r.name}`] : [],
    );
    return [...new Set(keys)];
  } catch {
    return []; // an invalid provider uses no Secret; its condition says why
  }
}
