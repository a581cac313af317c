// helm without blocking the event loop, for a `helm upgrade --wait` during which the test keeps
// sending requests. Values go through a temporary file that lives until helm exits.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { testEnv } from '../support/index.ts';

export function helmAsync(args: string[], values: object): Promise<{ code: number; out: string }> {
  const env = testEnv();
  const dir = mkdtempSync(join(tmpdir(), 'ddbop-values-'));
  const file = join(dir, 'values.yaml');
  writeFileSync(file, stringify(values));
  return new Promise((resolve) => {
    const child = spawn(join(env.binDir, 'helm'), [...args, '--values', file], {
      env: {
        ...process.env,
        KUBECONFIG: env.kubeconfig,
        HELM_CACHE_HOME: join(env.root, '.testenv', 'helm', 'cache'),
        HELM_CONFIG_HOME: join(env.root, '.testenv', 'helm', 'config'),
        HELM_DATA_HOME: join(env.root, '.testenv', 'helm', 'data'),
      },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ code: code ?? -1, out });
    });
  });
}
