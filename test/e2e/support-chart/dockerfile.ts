// Just enough of the Dockerfile's syntax to check its structure without a Docker engine: stages and
// their instructions (the images themselves are built by hack/images.sh and checked for real).
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
