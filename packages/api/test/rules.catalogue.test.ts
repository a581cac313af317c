// The catalogue (test/catalogue): every invalid spec is rejected with the field path its header names
// (`# expect:`, optionally `# expect-message:`), through validateObject and through the CLI; every
// edge-valid spec passes. Update pairs (`NAME.old.yaml` + `NAME.new.yaml`) check immutability; the CLI
// has no old object, so they run through validateObject only.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadInvalidCatalogue, loadValidCatalogue, root, validDir } from '../../../test/catalogue/load.ts';
import type { CatalogueEntry } from '../../../test/catalogue/load.ts';
import { validateObject } from '../src/index.ts';

const cliMain = join(root, 'packages/cli/src/main.ts');

const invalid = loadInvalidCatalogue();
const valid = loadValidCatalogue();

describe('rules catalogue: validateObject', () => {
  it('holds at least 45 invalid specs (one per rule) and some edge-valid ones', () => {
    expect(invalid.length).to.be.at.least(45);
    expect(invalid.filter((e) => e.old !== undefined).length).to.be.at.least(5);
    expect(valid.length).to.be.at.least(5);
  });

  it('covers every rule family, the AWSProvider and updates', () => {
    const families = ['keys', 'attributes', 'names', 'indexes', 'projection', 'capacity', 'billing-mode', 'streams'];
    families.push('encryption', 'pitr', 'ttl', 'tags', 'deletion-policy', 'table-class', 'provider-ref', 'provider');
    families.push('update', 'table-kind', 'unknown-kind');
    for (const family of families) {
      expect(
        invalid.some((e) => e.file.startsWith(`${family}-`) || e.file === `${family}.yaml`),
        `no catalogue spec for ${family}`,
      ).to.equal(true);
    }
  });

  for (const entry of invalid) {
    it(`${entry.file}: rejected at ${entry.expectPath}`, () => {
      const { errors } = validateObject(entry.object, entry.old);
      const atPath = errors.filter((e) => e.path === entry.expectPath);
      expect(atPath.length, `errors: ${JSON.stringify(errors, null, 1)}`).to.be.above(0);
      if (entry.expectMessage !== undefined) {
        expect(atPath.map((e) => e.message).join(' | ')).to.contain(entry.expectMessage);
      }
      for (const e of errors) expect(e.message.length, `a message that says how to fix ${e.path}`).to.be.above(15);
    });
  }

  for (const entry of invalid.filter((e) => e.old !== undefined)) {
    it(`${entry.file}: the same object as a create (no old object) is valid`, () => {
      expect(validateObject(entry.object).errors).to.deep.equal([]);
    });
  }

  for (const { file, objects } of valid) {
    it(`${file}: every object is valid`, () => {
      for (const obj of objects) expect(validateObject(obj).errors).to.deep.equal([]);
    });
  }

  it("PAY_PER_REQUEST with capacity left over (the seed's billing switch): a warning per capacity, naming its path", () => {
    const entry = valid.find((v) => v.file === 'edge-on-demand-ignores-capacity.yaml');
    const [table, gsi] = (entry?.objects ?? []).map((o) => validateObject(o).warnings);
    expect(table).to.deep.equal([
      'spec.billingModeConfig: not sent under PAY_PER_REQUEST; remove it or use PROVISIONED',
    ]);
    expect(gsi).to.deep.equal([
      'spec.globalSecondaryIndexes[0].billingModeConfig: not sent under PAY_PER_REQUEST; remove it or use PROVISIONED',
    ]);
  });

  it('warns about the unused attribute of the edge-valid spec, naming it', () => {
    const entry = valid.find((v) => v.file === 'edge-unused-attribute-warns.yaml');
    expect(validateObject(entry?.objects[0]).warnings).to.deep.equal([
      'spec.attributes[2] (email) is not used by any key or index; it is accepted but not sent to DynamoDB',
    ]);
  });
});

describe('rules catalogue: the CLI', function () {
  this.timeout(60_000);
  const run = (files: string[]) =>
    spawnSync(process.execPath, [cliMain, 'validate', ...files], { cwd: root, encoding: 'utf8' });

  before(function () {
    // The CLI is a colleague's part of the same issue; until it exists these tests are pending, not passed.
    if (!existsSync(cliMain)) this.skip();
  });

  const creates = invalid.filter((e) => e.old === undefined);

  it('exits 1 on the invalid catalogue and prints every expected path under its file', () => {
    const result = run(creates.map((e) => e.relPath));
    expect(result.status, result.stderr).to.equal(1);
    const lines = result.stdout.split('\n');
    for (const entry of creates) {
      const mine = lines.filter((l) => l.startsWith(`${entry.relPath}:`));
      expect(
        mine.some((l) => l.includes(`error: ${entry.expectPath}: `)),
        `${entry.file}: no "error: ${entry.expectPath}:" line in\n${mine.join('\n')}`,
      ).to.equal(true);
    }
  });

  it('exits 1 for each invalid file on its own (a sample of one per rule family)', () => {
    const families = new Map<string, CatalogueEntry>();
    for (const e of creates) {
      const family = e.file.replace(/^table-kind-/, '').split('-')[0] ?? e.file;
      if (!families.has(family)) families.set(family, e);
    }
    for (const entry of families.values()) {
      const result = run([entry.relPath]);
      expect(result.status, `${entry.file}: ${result.stdout}${result.stderr}`).to.equal(1);
      expect(result.stdout).to.contain(entry.expectPath);
    }
  });

  it('exits 0 on the edge-valid catalogue', () => {
    const result = run(valid.map((v) => relative(root, join(validDir, v.file))));
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.contain('warning: spec.attributes[2] (email) is not used');
  });
});
