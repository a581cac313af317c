// `dynamodb-operator docs` as users (and `npm test`) run it: a child process, exit codes, files.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const main = join(root, 'packages/cli/src/main.ts');

function cli(args: string[]) {
  const result = spawnSync(process.execPath, [main, ...args], { cwd: root, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('cli: dynamodb-operator docs', function () {
  this.timeout(30_000);
  let scratch: string;
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'ddbop-docs-'));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('the committed docs/reference.md and docs/rules.md are what the generators write', () => {
    for (const args of [
      ['docs', '--check', 'docs/reference.md'],
      ['docs', 'rules', '--check', 'docs/rules.md'],
    ]) {
      const run = cli(args);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).to.equal(0);
      expect(run.stdout).to.match(/: up to date\n$/);
    }
  });

  it('prints the reference by default, and --write writes exactly that', () => {
    const printed = cli(['docs']);
    expect(printed.code).to.equal(0);
    expect(printed.stdout).to.match(/^# Field reference\n/);
    const file = join(scratch, 'reference.md');
    expect(cli(['docs', '--write', file]).code).to.equal(0);
    expect(readFileSync(file, 'utf8')).to.equal(printed.stdout);
  });

  it('--check exits 1 on a stale or missing page and says how to regenerate it', () => {
    const stale = join(scratch, 'stale.md');
    writeFileSync(stale, readFileSync(join(root, 'docs/reference.md'), 'utf8').replace('AWS region', 'AWS regio'));
    const run = cli(['docs', '--check', stale]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain(`stale doc: ${stale}: differs from what the api schemas generate`);
    expect(run.stderr).to.contain(`docs --write ${stale}`);
    const missing = cli(['docs', 'rules', '--check', join(scratch, 'none.md')]);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.contain('none.md: missing');
    expect(missing.stderr).to.contain('docs rules --write');
  });

  it('rules: links relative to where the page is written, and reads another catalogue with --catalogue', () => {
    const catalogue = join(scratch, 'catalogue');
    cpSync(join(root, 'test/catalogue/invalid'), catalogue, { recursive: true });
    const page = join(scratch, 'out', 'rules.md');
    cpSync(join(root, 'docs/rules.md'), page);
    expect(cli(['docs', 'rules', '--catalogue', catalogue, '--write', page]).code).to.equal(0);
    expect(readFileSync(page, 'utf8')).to.contain('](../catalogue/keys-two-hash.yaml)');
  });

  it('rules: a catalogue case the rules no longer reject is an error (exit 2), naming the file', () => {
    const catalogue = join(scratch, 'broken-catalogue');
    cpSync(join(root, 'test/catalogue/invalid/keys-two-hash.yaml'), join(catalogue, 'keys-two-hash.yaml'));
    const text = readFileSync(join(catalogue, 'keys-two-hash.yaml'), 'utf8');
    writeFileSync(join(catalogue, 'keys-two-hash.yaml'), text.replace(/keyType: HASH\n$/, 'keyType: RANGE\n'));
    const run = cli(['docs', 'rules', '--catalogue', catalogue]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain('keys-two-hash.yaml: expected an error at spec.keySchema[1].keyType');
  });

  it('usage errors exit 2', () => {
    expect(cli(['docs', 'bogus']).code).to.equal(2);
    expect(cli(['docs', '--write', 'a', '--check', 'b']).code).to.equal(2);
    expect(cli(['docs', '--catalogue', 'x']).code).to.equal(2);
    expect(cli(['docs', '--help']).stdout).to.contain('Usage: dynamodb-operator docs');
  });
});
