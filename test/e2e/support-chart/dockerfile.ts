// Just enough of Dockerfile and .dockerignore semantics to rebuild an image's /app tree on this
// machine (no Docker engine here): stages, COPY from the build context, RUN, ENTRYPOINT, USER.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/env.ts';

export interface Instruction {
  op: string;
  args: string;
}

export interface Stage {
  from: string;
  name: string;
  instructions: Instruction[];
}

export function parseDockerfile(text = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8')): Stage[] {
  const joined = text.replace(/\\\n/g, ' ');
  const stages: Stage[] = [];
  for (const raw of joined.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\w+)\s+(.*)$/.exec(line);
    if (!m?.[1] || m[2] === undefined) continue;
    const op = m[1].toUpperCase();
    if (op === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(m[2]);
      stages.push({ from: from?.[1] ?? '', name: from?.[2] ?? String(stages.length), instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1]?.instructions.push({ op, args: m[2].replace(/\s+/g, ' ').trim() });
    }
  }
  return stages;
}

export function stage(stages: Stage[], name: string): Stage {
  const s = stages.find((x) => x.name === name);
  if (!s) throw new Error(`Dockerfile has no stage ${name} (has ${stages.map((x) => x.name).join(', ')})`);
  return s;
}

/** Glob of .dockerignore (Go filepath.Match plus `**`) → RegExp over context-relative paths. */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}(/.*)?$`);
}

/** Whether the build context includes a path, by .dockerignore's last-match-wins rules. */
export function contextIncludes(
  path: string,
  dockerignore = readFileSync(join(repoRoot, '.dockerignore'), 'utf8'),
): boolean {
  let included = true;
  for (const raw of dockerignore.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    const pattern = (negate ? line.slice(1) : line).replace(/^\/+/, '');
    if (globToRegExp(pattern).test(path)) included = negate;
  }
  return included;
}
