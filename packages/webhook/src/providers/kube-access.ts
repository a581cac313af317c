// How to reach the API server: from a kubeconfig (client certificate or bearer token) or from inside a
// pod (service-account token, re-read on every request because kubelet rotates it). Anything else
// (exec plugins, auth providers) is reported as unsupported, and the caller falls back to the full
// client library. Written by hand because @kubernetes/client-node costs ~80 MB of RSS to load, which
// alone would break the webhook's memory budget, for one list + watch.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';

export interface KubeAccess {
  server: URL;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  insecureSkipTlsVerify: boolean;
  /** The bearer token for the next request, if any (read lazily: it may rotate). */
  token(): string | undefined;
}

export class UnsupportedKubeconfig extends Error {}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

type Named<T> = { name: string } & T;
interface Kubeconfig {
  'current-context'?: string;
  contexts?: Named<{ context: { cluster: string; user: string } }>[];
  clusters?: Named<{
    cluster: {
      server: string;
      'certificate-authority'?: string;
      'certificate-authority-data'?: string;
      'insecure-skip-tls-verify'?: boolean;
    };
  }>[];
  users?: Named<{ user: Record<string, unknown> }>[];
}

export function inClusterAccess(env: NodeJS.ProcessEnv = process.env, dir = SERVICE_ACCOUNT_DIR): KubeAccess {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  if (!host) throw new Error('not in a cluster (KUBERNETES_SERVICE_HOST is not set): pass --kubeconfig');
  return {
    server: new URL(`https://${host.includes(':') ? `[${host}]` : host}:${port}`),
    ca: readFileSync(join(dir, 'ca.crt')),
    insecureSkipTlsVerify: false,
    token: () => readFileSync(join(dir, 'token'), 'utf8').trim(),
  };
}

/** The current context of a kubeconfig file. Pure apart from reading the files it names. */
export function kubeconfigAccess(path: string): KubeAccess {
  const config = parse(readFileSync(path, 'utf8')) as Kubeconfig;
  const base = dirname(path);
  const file = (name: string) => readFileSync(isAbsolute(name) ? name : join(base, name));
  const contextName = config['current-context'];
  const context = config.contexts?.find((entry) => entry.name === contextName)?.context;
  if (!context) throw new Error(`${path}: current-context "${contextName ?? ''}" is not among its contexts`);
  const cluster = config.clusters?.find((entry) => entry.name === context.cluster)?.cluster;
  if (!cluster?.server) throw new Error(`${path}: cluster "${context.cluster}" has no server`);
  const user = config.users?.find((entry) => entry.name === context.user)?.user ?? {};
  if (user.exec || user['auth-provider']) {
    throw new UnsupportedKubeconfig(
      `${path}: user "${context.user}" authenticates with an exec plugin or auth provider`,
    );
  }
  const data = (key: string): Buffer | undefined => {
    const inline = user[`${key}-data`];
    if (typeof inline === 'string') return Buffer.from(inline, 'base64');
    const name = user[key];
    return typeof name === 'string' ? file(name) : undefined;
  };
  const access: KubeAccess = {
    server: new URL(cluster.server),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    token: () => {
      if (typeof user.token === 'string') return user.token;
      if (typeof user.tokenFile === 'string') return file(user.tokenFile).toString('utf8').trim();
      return undefined;
    },
  };
  const caData = cluster['certificate-authority-data'];
  if (caData) access.ca = Buffer.from(caData, 'base64');
  else if (cluster['certificate-authority']) access.ca = file(cluster['certificate-authority']);
  const cert = data('client-certificate');
  const key = data('client-key');
  if (cert) access.cert = cert;
  if (key) access.key = key;
  return access;
}
