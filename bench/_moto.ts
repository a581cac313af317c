// moto for the benchmarks: the server hack/testenv.sh installed (its version pinned there), and an
// environment without HTTP proxies, so that a proxy set for the package registries does not catch
// requests to 127.0.0.1.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

export function motoServer(): string {
  const version = /^MOTO_VERSION=(\S+)$/m.exec(readFileSync(join(root, 'hack', 'testenv.sh'), 'utf8'))?.[1];
  const cache =
    process.env.DDBOP_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'dynamodb-operator');
  return join(cache, `moto-${version}`, 'venv', 'bin', 'moto_server');
}

export function withoutProxies(): Record<string, string | undefined> {
  const env = { ...process.env };
  for (const k of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) delete env[k];
  return env;
}
