// The container images, without a Docker engine: hadolint lints the Dockerfile; its structure is what the
// chart expects (two targets, non-root, distroless runtime, Node.js 24, production dependencies only);
// and the /app tree is rebuilt on this machine exactly as its COPY and RUN instructions say (honouring
// .dockerignore), then both entrypoints start from it with type stripping under Node.js 24.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { repoRoot } from './support/env.ts';
import { contextIncludes, parseDockerfile, stage } from './support-chart/dockerfile.ts';
import type { Stage } from './support-chart/dockerfile.ts';
import { ensureHadolint } from './support-chart/hadolint.ts';
import { dockerfileEntrypoint } from './support-chart/rendered.ts';

function lint(dockerfile: string): { code: number; out: string } {
  const r = spawnSync(ensureHadolint(), ['--config', join(repoRoot, '.hadolint.yaml'), dockerfile], {
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
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
      expect(entrypoint).to.deep.equal(['/nodejs/bin/node', `packages/${target}/src/main.ts`]);
      expect(existsSync(join(repoRoot, entrypoint[1] ?? '')), `${entrypoint[1]} exists`).to.equal(true);
      expect(
        stage(stages, target).instructions.some((i) => i.op === 'RUN'),
        `no RUN (no shell) in ${target}`,
      ).to.equal(false);
    }
  });

  it('rebuilds the /app tree as the Dockerfile does and starts both entrypoints from it', function () {
    const app = mkdtempSync(join(tmpdir(), 'ddbop-image-app-'));
    try {
      // COPY from the build context in the deps and app stages (COPY --from=deps is the same tree here)
      for (const name of ['deps', 'app']) {
        for (const ins of stage(stages, name).instructions.filter(
          (i) => i.op === 'COPY' && !i.args.startsWith('--from'),
        )) {
          const parts = ins.args.split(' ');
          const dest = parts.pop() ?? '';
          for (const src of parts) {
            // Docker's rules: a directory's contents go into dest; a file goes into dest/ or becomes dest
            const srcPath = join(repoRoot, src);
            const isDir = statSync(srcPath).isDirectory();
            for (const file of filesUnder(srcPath)) {
              const rel = relative(repoRoot, file);
              if (!contextIncludes(rel)) throw new Error(`COPY ${src}: ${rel} is excluded by .dockerignore`);
              const target = isDir
                ? join(app, dest, relative(srcPath, file))
                : dest.endsWith('/')
                  ? join(app, dest, basename(src))
                  : join(app, dest);
              mkdirSync(dirname(target), { recursive: true });
              cpSync(file, target);
            }
          }
        }
      }
      expect(contextIncludes('node_modules/yaml/package.json'), '.dockerignore keeps node_modules out').to.equal(false);
      expect(contextIncludes('packages/webhook/test/server.test.ts'), '.dockerignore keeps tests out').to.equal(false);
      const install =
        stage(stages, 'deps')
          .instructions.find((i) => i.op === 'RUN')
          ?.args.split('&&')[0]
          ?.trim()
          .split(' ') ?? [];
      expect(install.slice(0, 2)).to.deep.equal(['npm', 'ci']);
      const npm = spawnSync('npm', [...install.slice(1), '--prefer-offline', '--loglevel=error'], {
        cwd: app,
        encoding: 'utf8',
        timeout: 280_000,
      });
      expect(npm.status, npm.stderr).to.equal(0);
      for (const dev of ['mocha', 'typescript', 'eslint', 'chai', 'dynalite']) {
        expect(existsSync(join(app, 'node_modules', dev)), `devDependency ${dev} left out`).to.equal(false);
      }
      expect(readdirSync(join(app, 'packages'))).to.include.members(['api', 'webhook', 'reconciler']);

      const help = spawnSync(process.execPath, ['packages/webhook/src/main.ts', '--help'], {
        cwd: app,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(help.status, help.stderr).to.equal(0);
      expect(help.stdout).to.contain('--cert-dir');
      // a flag error is printed by the reconciler's config parser, i.e. after its whole import graph loaded
      const rec = spawnSync(process.execPath, ['packages/reconciler/src/main.ts', '--no-such-flag'], {
        cwd: app,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(`${rec.stdout}${rec.stderr}`).to.contain('no-such-flag');
      expect(`${rec.stdout}${rec.stderr}`).not.to.match(
        /ERR_MODULE_NOT_FOUND|ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING|Cannot find/,
      );
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });
});
