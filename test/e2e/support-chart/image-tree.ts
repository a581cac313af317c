// The /app tree of an image, assembled on this machine as the Dockerfile says (no Docker engine here):
// each stage gets a directory; FROM another stage starts from a copy of it, FROM an external image from
// nothing; COPY from the build context (honouring .dockerignore) or --from a stage; RUN in the stage's
// directory. Only WORKDIR /app is supported (all our stages use it); ENV, USER, EXPOSE, ARG and
// ENTRYPOINT do not change files.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { repoRoot } from '../support/env.ts';
import { contextIncludes, parseDockerfile } from './dockerfile.ts';
import type { Stage } from './dockerfile.ts';

export interface AssembledImage {
  /** The stage directory of each stage built on the way, by stage name. */
  stages: Record<string, string>;
  /** The RUN commands executed, in order, with the stage they ran in. */
  ran: { stage: string; command: string }[];
  root: string;
}

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() || d.isSymbolicLink())
    .map((d) => join(d.parentPath, d.name));
}

/** Docker's COPY rules: a directory's contents go into dest; a file goes into dest/ or becomes dest. */
function copyFromContext(srcs: string[], dest: string, into: string): void {
  for (const src of srcs) {
    const srcPath = join(repoRoot, src);
    const isDir = statSync(srcPath).isDirectory();
    for (const file of filesUnder(srcPath)) {
      const rel = relative(repoRoot, file);
      if (!contextIncludes(rel)) throw new Error(`COPY ${src}: ${rel} is excluded by .dockerignore`);
      const target = isDir
        ? join(into, dest, relative(srcPath, file))
        : dest.endsWith('/')
          ? join(into, dest, basename(src))
          : join(into, dest);
      mkdirSync(dirname(target), { recursive: true });
      cpSync(file, target);
    }
  }
}

/**
 * One RUN, split at `&&`. `npm cache clean` is skipped: it only makes the layer smaller, and here it
 * would empty this machine's npm cache. npm runs offline-first from that cache.
 */
function run(command: string, cwd: string): void {
  for (const part of command.split('&&').map((s) => s.trim())) {
    if (/^npm cache clean\b/.test(part)) continue;
    const r = spawnSync('sh', ['-c', part], {
      cwd,
      encoding: 'utf8',
      timeout: 280_000,
      env: { ...process.env, npm_config_prefer_offline: 'true', npm_config_loglevel: 'error' },
    });
    if (r.status !== 0) throw new Error(`RUN ${part} failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  }
}

/** Builds `target` and every stage it depends on (in file order, as BuildKit would need them). */
export function assembleImage(target: string, stages: Stage[] = parseDockerfile()): AssembledImage {
  const base = mkdtempSync(join(tmpdir(), 'ddbop-image-'));
  const dirs: Record<string, string> = {};
  const ran: AssembledImage['ran'] = [];
  for (const stage of stages) {
    const dir = join(base, stage.name);
    const from = dirs[stage.from];
    if (from) cpSync(from, dir, { recursive: true, verbatimSymlinks: true });
    else mkdirSync(dir, { recursive: true });
    for (const ins of stage.instructions) {
      if (ins.op === 'WORKDIR' && ins.args !== '/app') throw new Error(`WORKDIR ${ins.args}: only /app is supported`);
      if (ins.op === 'RUN') {
        run(ins.args, dir);
        ran.push({ stage: stage.name, command: ins.args });
      }
      if (ins.op !== 'COPY') continue;
      const parts = ins.args.split(' ');
      const fromStage = /^--from=(\S+)$/.exec(parts[0] ?? '')?.[1];
      if (fromStage) parts.shift();
      const dest = parts.pop() ?? '';
      if (!fromStage) {
        copyFromContext(parts, dest, dir);
        continue;
      }
      const source = dirs[fromStage];
      if (!source) throw new Error(`COPY --from=${fromStage}: no such earlier stage`);
      for (const src of parts) {
        cpSync(join(source, src.replace(/^\/app\/?/, '')), join(dir, dest), {
          recursive: true,
          verbatimSymlinks: true,
        });
      }
    }
    dirs[stage.name] = dir;
    if (stage.name === target) return { stages: dirs, ran, root: base };
  }
  throw new Error(`Dockerfile has no stage ${target}`);
}
