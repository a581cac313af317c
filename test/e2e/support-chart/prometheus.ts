// A real Prometheus server: Debian's `prometheus` package, downloaded with apt-get and unpacked into the
// cache (not installed: no daemon, no service), the same route hack/testenv.sh takes for promtool.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

const cacheRoot = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'dynamodb-operator');

function run(command: string, args: string[], cwd?: string): string {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Path of the prometheus binary, fetched on first use. */
export function ensurePrometheus(): string {
  const cached = existsSync(cacheRoot) ? readdirSync(cacheRoot).find((d) => d.startsWith('prometheus-')) : undefined;
  if (cached && existsSync(join(cacheRoot, cached, '.complete'))) return join(cacheRoot, cached, 'bin', 'prometheus');
  const tmp = mkdtempSync(join(tmpdir(), 'ddbop-prometheus-'));
  try {
    const download = spawnSync('apt-get', ['download', '-q', 'prometheus'], { cwd: tmp, encoding: 'utf8' });
    if (download.status !== 0) {
      // a fresh machine has no package lists yet
      run('apt-get', ['update', '-qq']);
      run('apt-get', ['download', '-q', 'prometheus'], tmp);
    }
    const deb = readdirSync(tmp).find((f) => f.startsWith('prometheus_') && f.endsWith('.deb'));
    if (!deb) throw new Error('apt-get download prometheus produced no .deb');
    const version =
      run('dpkg-deb', ['-f', join(tmp, deb), 'Version'])
        .trim()
        .split('+')[0] ?? 'unknown';
    run('dpkg-deb', ['-x', join(tmp, deb), join(tmp, 'x')]);
    const dir = join(cacheRoot, `prometheus-${version}`);
    mkdirSync(join(dir, 'bin'), { recursive: true });
    copyFileSync(join(tmp, 'x', 'usr', 'bin', 'prometheus'), join(dir, 'bin', 'prometheus'));
    spawnSync('chmod', ['0755', join(dir, 'bin', 'prometheus')]);
    run('touch', [join(dir, '.complete')]);
    return join(dir, 'bin', 'prometheus');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
