// Where the API server is and how to authenticate, without loading @kubernetes/client-node: importing
// it adds 81–85 MB of resident memory (measured, client-node 2.0.1) for a process that needs none of
// its generated API. Handled here: in-cluster service-account credentials, and kubeconfig files with
// client certificates (data or file), bearer tokens, token files, basic auth, http:// servers and
// insecure-skip-tls-verify. Anything else (exec plugins, auth providers) falls back to client-node's
// KubeConfig, imported only then (clientNodeAccess). The YAML parser too is imported only for a kubeconfig:
// a pod (in-cluster credentials) never loads its ~160 kB of source.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

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
/** How often a token file is re-read (client-go re-reads projected tokens on the same scale). */
export const TOKEN_REREAD_MS = 60_000;

/**
 * A token file re-read at most once a minute (projected service-account tokens rotate). A failed
 * re-read keeps the last token, as client-go's cachingTokenSource does; `fallback` (a kubeconfig's
 * inline token) serves until the file has been read once.
 */
export function tokenFileHeaders(
  path: string,
  fallback?: string,
  now: () => number = Date.now,
): () => Promise<Record<string, string>> {
  let token = '';
  let readAt = -Infinity;
  return async () => {
    if (now() - readAt >= TOKEN_REREAD_MS) {
      try {
        token = readFileSync(path, 'utf8').trim();
        readAt = now();
      } catch (err) {
        if (!token && !fallback) throw err;
      }
    }
    const t = token || fallback;
    const headers: Record<string, string> = t ? { authorization: `Bearer ${t}` } : {};
    return headers;
  };
}

/** As client-go's InClusterConfig: both variables required, an IPv6 host bracketed, the token re-read. */
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

interface Named {
  name: string;
  cluster?: Rec;
  user?: Rec;
  context?: Rec;
}
type Rec = Record<string, unknown>;

const b64 = (s: unknown): Buffer | undefined => (typeof s === 'string' ? Buffer.from(s, 'base64') : undefined);
const str = (s: unknown): string | undefined => (typeof s === 'string' && s !== '' ? s : undefined);

/** The current context's cluster and user entries of a parsed kubeconfig. */
function currentEntries(cfg: Rec, path: string): { cluster: Rec; user: Rec } {
  const find = (list: unknown, name: unknown): Rec | undefined => {
    const item = (Array.isArray(list) ? (list as Named[]) : []).find((x) => x.name === name);
    return item ? (item.cluster ?? item.user ?? item.context) : undefined;
  };
  const ctx = find(cfg.contexts, cfg['current-context']);
  if (!ctx)
    throw new Error(`${path}: current-context "${String(cfg['current-context'] ?? '')}" is not among its contexts`);
  const cluster = find(cfg.clusters, ctx.cluster);
  if (!cluster || typeof cluster.server !== 'string') {
    throw new Error(`${path}: cluster "${String(ctx.cluster ?? '')}" has no server`);
  }
  return { cluster, user: find(cfg.users, ctx.user) ?? {} };
}

/** The Authorization header a kubeconfig user asks for: token file (wins), token, or basic auth. */
function userHeaders(user: Rec, file: (p: string) => string): ClusterAccess['headers'] {
  const token = str(user.token);
  const tokenFile = str(user.tokenFile);
  if (tokenFile) return tokenFileHeaders(file(tokenFile), token);
  if (token) {
    const header = { authorization: `Bearer ${token}` };
    return async () => header;
  }
  const username = str(user.username);
  if (username) {
    const basic = Buffer.from(`${username}:${typeof user.password === 'string' ? user.password : ''}`);
    const header = { authorization: `Basic ${basic.toString('base64')}` };
    return async () => header;
  }
  return async () => ({});
}

/** Parses a kubeconfig; undefined when it needs something only client-node implements. */
export async function kubeconfigAccess(path: string): Promise<ClusterAccess | undefined> {
  const { parseYaml } = await import('./kubeconfig-yaml.ts');
  const cfg = parseYaml(readFileSync(path, 'utf8')) as Rec;
  const base = dirname(path);
  const resolve = (p: string): string => (isAbsolute(p) ? p : join(base, p));
  const file = (p: unknown): Buffer | undefined => (typeof p === 'string' ? readFileSync(resolve(p)) : undefined);
  const { cluster, user } = currentEntries(cfg, path);
  if (user.exec || user['auth-provider']) return undefined;
  const access: ClusterAccess = { server: new URL(cluster.server as string), headers: userHeaders(user, resolve) };
  const ca = b64(cluster['certificate-authority-data']) ?? file(cluster['certificate-authority']);
  if (ca) access.ca = ca;
  if (cluster['insecure-skip-tls-verify'] === true) access.rejectUnauthorized = false;
  const cert = b64(user['client-certificate-data']) ?? file(user['client-certificate']);
  const key = b64(user['client-key-data']) ?? file(user['client-key']);
  if (cert) access.cert = cert;
  if (key) access.key = key;
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
    // client-node caches the plugin's credential until its expirationTimestamp, then runs it again.
    headers: async () => {
      const o: { headers?: Record<string, string> } = {};
      await kc.applyToHTTPSOptions(o);
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(o.headers ?? {})) out[k.toLowerCase()] = v;
      return out;
    },
  };
  if (once.ca) access.ca = once.ca;
  if (once.cert) access.cert = once.cert;
  if (once.key) access.key = once.key;
  if (once.rejectUnauthorized !== undefined) access.rejectUnauthorized = once.rejectUnauthorized;
  return access;
}

/** Both deployables' one way in: a kubeconfig file (client-node only when it must), else in-cluster. */
export async function loadAccess(kubeconfig?: string): Promise<ClusterAccess> {
  if (!kubeconfig) return inClusterAccess();
  return (await kubeconfigAccess(kubeconfig)) ?? (await clientNodeAccess(kubeconfig));
}
