// Where the API server is and how to authenticate, without loading @kubernetes/client-node: its
// KubeConfig pulls in the whole generated API (~90 MB of resident memory for a process that needs
// none of it). Handled here: in-cluster service-account credentials, and kubeconfig files with
// client certificates, bearer tokens or token files. Anything else (exec plugins, auth providers)
// falls back to client-node's KubeConfig, loaded only then.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';

export interface ClusterAccess {
  server: URL;
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  rejectUnauthorized?: boolean;
  /** Authorization (and other) headers; may re-read a rotated token. */
  headers(): Promise<Record<string, string>>;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** A token file re-read at most once a minute (projected service-account tokens rotate). */
function tokenFileHeaders(path: string): () => Promise<Record<string, string>> {
  let token = '';
  let readAt = 0;
  return async () => {
    if (!token || Date.now() - readAt > 60_000) {
      token = readFileSync(path, 'utf8').trim();
      readAt = Date.now();
    }
    return { authorization: `Bearer ${token}` };
  };
}

export function inClusterAccess(env: NodeJS.ProcessEnv = process.env, dir = SA_DIR): ClusterAccess {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) {
    throw new Error('not running in a cluster (KUBERNETES_SERVICE_HOST/PORT unset): pass --kubeconfig');
  }
  const h = host.includes(':') ? `[${host}]` : host;
  return {
    server: new URL(`https://${h}:${port}`),
    ca: readFileSync(join(dir, 'ca.crt')),
    headers: tokenFileHeaders(join(dir, 'token')),
  };
}

interface Named<T> {
  name: string;
  [k: string]: unknown;
  cluster?: T;
  user?: T;
  context?: T;
}
type Rec = Record<string, unknown>;

const b64 = (s: unknown): Buffer | undefined => (typeof s === 'string' ? Buffer.from(s, 'base64') : undefined);

/** Parses a kubeconfig; undefined when it needs something only client-node implements. */
export function kubeconfigAccess(path: string): ClusterAccess | undefined {
  const cfg = parse(readFileSync(path, 'utf8')) as Rec;
  const base = dirname(path);
  const file = (p: unknown): Buffer | undefined =>
    typeof p === 'string' ? readFileSync(isAbsolute(p) ? p : join(base, p)) : undefined;
  const find = (list: unknown, name: unknown): Rec | undefined => {
    const item = (Array.isArray(list) ? (list as Named<Rec>[]) : []).find((x) => x.name === name);
    return item ? ((item.cluster ?? item.user ?? item.context) as Rec | undefined) : undefined;
  };
  const ctx = find(cfg.contexts, cfg['current-context']);
  if (!ctx) throw new Error(`${path}: no current-context`);
  const cluster = find(cfg.clusters, ctx.cluster);
  const user = find(cfg.users, ctx.user) ?? {};
  if (!cluster || typeof cluster.server !== 'string') throw new Error(`${path}: context has no cluster server`);
  if (user.exec || user['auth-provider'] || user.username) return undefined;
  const access: ClusterAccess = {
    server: new URL(cluster.server),
    headers: async () => ({}),
  };
  const ca = b64(cluster['certificate-authority-data']) ?? file(cluster['certificate-authority']);
  if (ca) access.ca = ca;
  if (cluster['insecure-skip-tls-verify'] === true) access.rejectUnauthorized = false;
  const cert = b64(user['client-certificate-data']) ?? file(user['client-certificate']);
  const key = b64(user['client-key-data']) ?? file(user['client-key']);
  if (cert) access.cert = cert;
  if (key) access.key = key;
  if (typeof user.token === 'string') {
    const header = { authorization: `Bearer ${user.token}` };
    access.headers = async () => header;
  } else if (typeof user.tokenFile === 'string') {
    access.headers = tokenFileHeaders(user.tokenFile);
  }
  return access;
}

/** Fallback for exec plugins and auth providers: client-node's KubeConfig, imported only now. */
export async function clientNodeAccess(path: string): Promise<ClusterAccess> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`${path}: no current cluster`);
  const once: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer; rejectUnauthorized?: boolean } =
    {};
  await kc.applyToHTTPSOptions(once);
  const access: ClusterAccess = {
    server: new URL(cluster.server),
    headers: async () => {
      const o: { headers?: Record<string, string> } = {};
      await kc.applyToHTTPSOptions(o);
      return o.headers ?? {};
    },
  };
  if (once.ca) access.ca = once.ca;
  if (once.cert) access.cert = once.cert;
  if (once.key) access.key = once.key;
  if (once.rejectUnauthorized !== undefined) access.rejectUnauthorized = once.rejectUnauthorized;
  return access;
}

export async function loadAccess(kubeconfig?: string): Promise<ClusterAccess> {
  if (!kubeconfig) return inClusterAccess();
  return kubeconfigAccess(kubeconfig) ?? (await clientNodeAccess(kubeconfig));
}
