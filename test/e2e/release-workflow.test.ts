// The release path's parts that need no cluster: the public release workflow (it cannot run here: no
// GitHub, no public registry), linted by actionlint and read for the steps a release must have; and
// hack/release.sh's refusals before it builds anything.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './support/env.ts';

const workflowFile = join(repoRoot, '.github', 'workflows', 'release.yml');

function actionlint(args: string[]): { code: number; out: string } {
  const r = spawnSync('bash', [join(repoRoot, 'hack', 'actionlint.sh'), ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

function releaseSh(version: string, env: Record<string, string> = {}): { code: number; out: string } {
  const r = spawnSync('bash', [join(repoRoot, 'hack', 'release.sh'), version], {
    encoding: 'utf8',
    env: { ...process.env, DDBOP_REGISTRY: '127.0.0.1:1', ...env },
  });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

interface Workflow {
  on: { push: { tags: string[] } };
  jobs: Record<
    string,
    { permissions: Record<string, string>; steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] }
  >;
}

describe('release: the public workflow and hack/release.sh refusals', function () {
  this.timeout(300_000); // a machine's first run builds actionlint from the Go module proxy

  it('passes actionlint, which does fail a broken copy', function () {
    const ok = actionlint([]);
    expect(ok.code, ok.out).to.equal(0);
    const dir = mkdtempSync(join(tmpdir(), 'ddbop-actionlint-'));
    try {
      const broken = join(dir, 'release.yml');
      writeFileSync(
        broken,
        readFileSync(workflowFile, 'utf8').replace('steps.webhook.outputs.digest', 'steps.nope.outputs.digest'),
      );
      const bad = actionlint([broken]);
      expect(bad.code).to.not.equal(0);
      expect(bad.out).to.contain('nope');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds both images multi-arch, signs images and chart, pushes the chart to OCI, attaches the CRDs', function () {
    const wf = parse(readFileSync(workflowFile, 'utf8')) as Workflow;
    expect(wf.on.push.tags).to.deep.equal(['v[0-9]+.[0-9]+.[0-9]+*']);
    const job = wf.jobs.release;
    expect(job?.permissions).to.deep.equal({ contents: 'write', packages: 'write', 'id-token': 'write' });
    const steps = job?.steps ?? [];
    const builds = steps.filter((s) => s.uses?.startsWith('docker/build-push-action@'));
    expect(builds.map((s) => [s.with?.target, s.with?.platforms, s.with?.push])).to.deep.equal([
      ['webhook', 'linux/amd64,linux/arm64', true],
      ['reconciler', 'linux/amd64,linux/arm64', true],
    ]);
    const script = steps.map((s) => s.run ?? '').join('\n');
    expect(script).to.contain('cosign sign --yes "$PREFIX/dynamodb-operator-webhook@$WEBHOOK_DIGEST"');
    expect(script).to.contain('cosign sign --yes "$PREFIX/dynamodb-operator-reconciler@$RECONCILER_DIGEST"');
    expect(script).to.contain('cosign sign --yes "$PREFIX/charts/dynamodb-operator@$DIGEST"');
    expect(script).to.contain('--version "$VERSION" --app-version "$VERSION"');
    expect(script).to.contain('helm push "dist/dynamodb-operator-$VERSION.tgz" "oci://$PREFIX/charts"');
    expect(script).to.match(/gh release create .*\n.*dist\/crds\.yaml/);
    expect(script).to.contain('CHANGELOG.md has no entry');
  });

  it('hack/release.sh refuses a version that is not semver, and one CHANGELOG.md has no entry for', function () {
    const notSemver = releaseSh('v1.0');
    expect(notSemver.code).to.not.equal(0);
    expect(notSemver.out).to.contain('usage: hack/release.sh VERSION');
    const noEntry = releaseSh('9.9.9');
    expect(noEntry.code).to.not.equal(0);
    expect(noEntry.out).to.contain("CHANGELOG.md of HEAD has no entry for 9.9.9: add '## [9.9.9] - ");
  });
});
