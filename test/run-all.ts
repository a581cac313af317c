// The full test command (`npm test`): static checks, unit suites, end-to-end suites. Each step runs
// even when an earlier one failed, so one run shows everything; the last line is the totals.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Totals {
  passed: number;
  failed: number;
  skipped: number;
}

const totals: Totals = { passed: 0, failed: 0, skipped: 0 };
const scratch = mkdtempSync(join(tmpdir(), 'ddbop-totals-'));

/** A check that is one test: passes when the command exits 0. */
function check(name: string, command: string, args: string[]): void {
  console.log(`\n=== check: ${name}`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status === 0) totals.passed += 1;
  else {
    totals.failed += 1;
    console.log(`check failed: ${name} (exit ${result.status ?? result.signal})`);
  }
}

/** A mocha suite: its own pass/fail counts go into the totals. */
function suite(name: string, script: string): void {
  console.log(`\n=== suite: ${name}`);
  const totalsFile = join(scratch, `${name}.json`);
  const result = spawnSync('npm', ['run', '--silent', script], {
    stdio: 'inherit',
    env: { ...process.env, DDBOP_TOTALS_FILE: totalsFile },
  });
  if (!existsSync(totalsFile)) {
    totals.failed += 1;
    console.log(
      `suite ${name} ended (exit ${result.status ?? result.signal}) before reporting totals: counted as one failure`,
    );
    return;
  }
  const counted = JSON.parse(readFileSync(totalsFile, 'utf8')) as Totals;
  totals.passed += counted.passed;
  totals.failed += counted.failed;
  totals.skipped += counted.skipped;
  if (result.status !== 0 && counted.failed === 0) totals.failed += 1;
}

check('typecheck', 'npm', ['run', '--silent', 'typecheck']);
check('lint', 'npm', ['run', '--silent', 'lint']);
check('crds up to date', 'node', ['packages/cli/src/main.ts', 'crds', '--check', 'charts/dynamodb-operator/crds']);
check('docs up to date', 'node', ['packages/cli/src/main.ts', 'docs', '--check', 'docs/reference.md']);
check('rules doc up to date', 'node', ['packages/cli/src/main.ts', 'docs', 'rules', '--check', 'docs/rules.md']);
// One idea per function: none in packages/*/src is over 100 lines.
check('functions under 100 lines', 'node', ['hack/long-functions.ts', '100']);
suite('unit', 'test:unit');
suite('e2e', 'test:e2e');

const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : '';
console.log(`\n${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(totals.failed > 0 ? 1 : 0);
