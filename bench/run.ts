// `npm run bench -- NAME [NAME...]`: runs bench/NAME.ts, each printing one JSON object per line:
// {"bench","metric","value","unit"}. With no NAME, lists the benchmarks.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && !file.startsWith('_'))
  .map((file) => file.slice(0, -3));

const names = process.argv.slice(2);
if (names.length === 0) {
  console.error(`usage: npm run bench -- NAME...   (available: ${available.join(', ')})`);
  process.exit(2);
}
let failed = false;
for (const name of names) {
  if (!available.includes(name)) {
    console.error(`unknown benchmark ${name} (available: ${available.join(', ')})`);
    process.exit(2);
  }
  const result = spawnSync(process.execPath, ['--expose-gc', join(here, `${name}.ts`)], { stdio: 'inherit' });
  failed ||= result.status !== 0;
}
process.exit(failed ? 1 : 0);
