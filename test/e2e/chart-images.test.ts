// The container images, without a Docker engine: hadolint lints the Dockerfile; its structure is what the
// chart expects (two targets, non-root, distroless runtime, Node.js 24, production dependencies only);
// and the /app tree is assembled on this machine exactly as its COPY and RUN instructions say (honouring
// .dockerignore): the bundle from `npm run build`, production dependencies, no TypeScript; both
// entrypoints start from it.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './support/env.ts';
import { contextIncludes, parseDockerfile, stage } from './support-chart/dockerfile.ts';
import { assembleImage } from './support-chart/image-tree.ts';
import type { Stage } from './support-chart/dockerfile.ts';
import { ensureHadolint } from './support-chart/hadolint.ts';
import { dockerfileEntrypoint } from './support-chart/rendered.ts';

function lint(dockerfile: string): { code: number; out: string } {
  const r = spawnSync(ensureHadolint(), ['--config', join(repoRoot, '.hadolint.yaml'), dockerfile], {
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** ARG defaults of the Dockerfile (for FROM ${...}). */
function argDefaults(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of readFileSync(join(repoRoot, 'Dockerfile'), 'utf8').matchAll(/^ARG (\w+)=(\S+)$/gm)) {
    if (m[1] && m[2]) out[m[1]] = m[2];
  }
  return out;
}

describe('images: Dockerfile', function () {
  this.timeout(300_000);
  let stages: Stage[];
  before(function () {
    stages = parseDockerfile();
  });

  it('passes hadolint (and hadolint really rejects a bad Dockerfile)', function () {
    const good = lint(join(repoRoot, 'Dockerfile'));
    expect(good.code, good.out).to.equal(0);
    const dir = mkdtempSync(join(tmpdir(), 'ddbop-hadolint-'));
    try {
      writeFileSync(join(dir, 'Dockerfile'), 'FROM node:latest\nRUN apt-get install curl\nUSER root\n');
      const bad = lint(join(dir, 'Dockerfile'));
      expect(bad.code).to.not.equal(0);
      expect(bad.out).to.contain('DL3007');
      expect(bad.out).to.contain('DL3002');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds one target per deployable, non-root, on a distroless Node.js 24 runtime, from production dependencies', function () {
    const args = argDefaults();
    const resolve = (image: string): string => image.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? '');
    expect(resolve(stage(stages, 'deps').from)).to.match(/^node:24[.-]/);
    // the builder runs the same Node.js as development and CI (hack/lib/node.sh)
    const devNode = /^DDBOP_NODE_VERSION=(\S+)$/m.exec(
      readFileSync(join(repoRoot, 'hack', 'lib', 'node.sh'), 'utf8'),
    )?.[1];
    expect(resolve(stage(stages, 'deps').from)).to.equal(`node:${devNode}-bookworm-slim`);
    expect(resolve(stage(stages, 'runtime').from)).to.match(/^gcr\.io\/distroless\/nodejs24-/);
    const npmCi = stage(stages, 'deps').instructions.find((i) => i.op === 'RUN' && i.args.includes('npm ci'));
    expect(npmCi?.args).to.contain('--omit=dev');
    const user = stage(stages, 'runtime').instructions.find((i) => i.op === 'USER');
    expect(user?.args).to.match(/^[1-9]\d*:[1-9]\d*$/);
    for (const target of ['webhook', 'reconciler']) {
      expect(stage(stages, target).from).to.equal('runtime');
      const entrypoint = dockerfileEntrypoint(target);
      expect(entrypoint).to.deep.equal(['/nodejs/bin/node', `dist/${target}/main.js`]);
      expect(
        stage(stages, target).instructions.some((i) => i.op === 'RUN'),
        `no RUN (no shell) in ${target}`,
      ).to.equal(false);
    }
  });

  it('assembles the /app tree as the Dockerfile does (bundle, production dependencies, no sources) and starts both entrypoints from it', function () {
    const image = assembleImage('webhook', stages);
    try {
      expect(contextIncludes('node_modules/yaml/package.json'), '.dockerignore keeps node_modules out').to.equal(false);
      expect(contextIncludes('packages/webhook/test/server.test.ts'), '.dockerignore keeps tests out').to.equal(false);
      expect(image.ran.map((r) => `${r.stage}: ${r.command.split(' ').slice(0, 2).join(' ')}`)).to.deep.equal([
        'deps: npm ci',
        'build: npm ci',
        'build: node hack/build.ts',
      ]);
      const app = image.stages.webhook!;
      for (const dev of ['mocha', 'typescript', 'eslint', 'chai', 'dynalite', 'esbuild']) {
        expect(existsSync(join(app, 'node_modules', dev)), `devDependency ${dev} left out`).to.equal(false);
      }
      expect(existsSync(join(app, 'packages')), 'no TypeScript sources in the image').to.equal(false);
      const shipped = readdirSync(join(app, 'dist'), { recursive: true }).map(String);
      expect(shipped.filter((f) => f.endsWith('.ts'))).to.deep.equal([]);
      for (const target of ['webhook', 'reconciler']) {
        expect(shipped).to.include(`${target}/main.js`);
        expect(existsSync(join(image.stages[target]!, dockerfileEntrypoint(target)[1] ?? ''))).to.equal(true);
      }

      const help = spawnSync(process.execPath, ['dist/webhook/main.js', '--help'], {
        cwd: app,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(help.status, help.stderr).to.equal(0);
      expect(help.stdout).to.contain('--cert-dir');
      // a flag error is printed by the reconciler's config parser, i.e. after its whole import graph loaded
      const rec = spawnSync(process.execPath, ['dist/reconciler/main.js', '--no-such-flag'], {
        cwd: app,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, DDBOP_NO_REEXEC: '1' },
      });
      expect(`${rec.stdout}${rec.stderr}`).to.contain('no-such-flag');
      expect(`${rec.stdout}${rec.stderr}`).not.to.match(/ERR_MODULE_NOT_FOUND|Cannot find|SyntaxError/);
    } finally {
      rmSync(image.root, { recursive: true, force: true });
    }
  });
});
