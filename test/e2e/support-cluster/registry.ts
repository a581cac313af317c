// The release path as the cluster suites drive it: the local OCI registry (hack/registry.sh), releases
// made by hack/release.sh, and a previous release's chart made from this tree with one CRD field taken
// out (what a cluster running release N-1 has).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { parseEnvFile, repoRoot, testenvDir } from '../support/env.ts';

const registryScript = join(repoRoot, 'hack', 'registry.sh');

export interface Registry {
  /** host:port */
  address: string;
  ca: string;
}

export function registryIsUp(): boolean {
  return spawnSync('bash', [registryScript, 'status'], { stdio: 'ignore' }).status === 0;
}

/** Starts the registry (builds it on a machine's first run); returns true when this call did. */
export function ensureRegistry(): boolean {
  if (registryIsUp()) return false;
  const t0 = Date.now();
  const up = spawnSync('bash', [registryScript, 'up'], { stdio: 'inherit' });
  if (up.status !== 0) throw new Error(`hack/registry.sh up failed (exit ${up.status ?? up.signal}); see above`);
  console.log(`      registry up in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return true;
}

export function stopRegistry(): void {
  spawnSync('bash', [registryScript, 'down'], { stdio: 'inherit' });
}

export function registry(): Registry {
  const vars = parseEnvFile(readFileSync(join(testenvDir, 'registry', 'env'), 'utf8'));
  const address = vars.DDBOP_REGISTRY;
  const ca = vars.DDBOP_REGISTRY_CA;
  if (!address || !ca) throw new Error('.testenv/registry/env lacks DDBOP_REGISTRY: run hack/registry.sh up');
  return { address, ca };
}

export interface Release {
  version: string;
  commit: string;
  /** host:port */
  registry: string;
  images: { webhook: string; reconciler: string };
  chart: string;
  chartDigest: string;
  timingsMs: { images: number; push: number; chart: number; total: number };
  /** wall clock of the whole hack/release.sh run */
  seconds: number;
}

/** hack/release.sh VERSION (env: RELEASE_CHART_DIR / RELEASE_CHANGELOG for a made-up previous release). */
export function release(version: string, env: Record<string, string> = {}): Release {
  const t0 = Date.now();
  const r = spawnSync('bash', [join(repoRoot, 'hack', 'release.sh'), version], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 1_800_000,
  });
  if (r.status !== 0)
    throw new Error(`hack/release.sh ${version} failed (exit ${r.status ?? r.signal}):\n${r.stderr.slice(-3000)}`);
  const file = join(repoRoot, 'dist', 'release', version, 'release.json');
  if (!existsSync(file)) throw new Error(`hack/release.sh ${version} wrote no ${file}`);
  return { ...(JSON.parse(readFileSync(file, 'utf8')) as Omit<Release, 'seconds'>), seconds: (Date.now() - t0) / 1000 };
}

interface CrdFile {
  spec: {
    versions: { schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, unknown> } } } } }[];
  };
}

/** Removes spec.<field> from every version of a CRD object (file content or live object). */
export function withoutSpecField<T extends CrdFile>(crd: T, field: string): T {
  for (const v of crd.spec.versions) {
    if (!(field in v.schema.openAPIV3Schema.properties.spec.properties))
      throw new Error(`the CRD has no spec.${field} to take out`);
    delete v.schema.openAPIV3Schema.properties.spec.properties[field];
  }
  return crd;
}

/**
 * A previous release made from this tree: the chart with `spec.<field>` taken out of one CRD file, and
 * a changelog with an entry for `version`. Returns the env for hack/release.sh.
 */
export function previousReleaseInputs(
  version: string,
  crdFile: string,
  field: string,
  ref = process.env.RELEASE_REF ?? 'HEAD',
): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'ddbop-previous-release-'));
  // the chart of the commit hack/release.sh builds the images from, not the working tree's
  const archive = spawnSync(
    'sh',
    ['-c', `git -C "$1" archive "$2" charts/dynamodb-operator | tar -x -C "$3"`, 'sh', repoRoot, ref, dir],
    { encoding: 'utf8' },
  );
  if (archive.status !== 0) throw new Error(`git archive ${ref} charts/dynamodb-operator: ${archive.stderr}`);
  const chart = join(dir, 'charts', 'dynamodb-operator');
  const path = join(chart, 'crds', crdFile);
  writeFileSync(path, stringify(withoutSpecField(parse(readFileSync(path, 'utf8')) as CrdFile, field)));
  const changelog = join(dir, 'CHANGELOG.md');
  writeFileSync(
    changelog,
    `# Changelog\n\n## [${version}] - 2026-01-01\n\nThe previous release, made by the cluster-release suite.\n`,
  );
  return { RELEASE_CHART_DIR: chart, RELEASE_CHANGELOG: changelog };
}
