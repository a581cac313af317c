import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { expect } from 'chai';
import { buildDeployables } from './build.ts';

// The source text of every module a process loads stays in its heap for the life of the process, so what
// the reconciler loads at start is part of its resident memory (issue: RSS against ACK's controller).
// Start-up = its entry, the run module it always imports, and their static imports.
function startupFiles(entry: string): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (path: string): void => {
    if (files.has(path)) return;
    const text = readFileSync(path, 'utf8');
    files.set(path, text);
    const statics = [...text.matchAll(/(?:^|[;}\s])import\s*(?:[\w{},*\s$]+from\s*)?"(\.{1,2}\/[^"]+\.js)"/g)];
    const run = [...text.matchAll(/import\("(\.{1,2}\/run-[^"]+\.js)"\)/g)];
    for (const m of [...statics, ...run]) visit(resolve(dirname(path), m[1] ?? ''));
  };
  visit(entry);
  return files;
}

describe('build: what the reconciler loads at start', function () {
  this.timeout(60_000);
  let dir = '';
  let startup = new Map<string, string>();
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ddbop-build-'));
    await buildDeployables(join(dir, 'dist'), { clean: true });
    startup = startupFiles(join(dir, 'dist', 'reconciler', 'main.js'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const loaded = (marker: string) => [...startup.values()].some((text) => text.includes(marker));

  it('reaches the controllers, zod and the AWS SDK (the walk follows the imports)', function () {
    expect(startup.size).to.be.greaterThan(3);
    expect(loaded('CreateTableCommand')).to.equal(true);
    expect(loaded('ZodObject')).to.equal(true);
  });

  it("leaves out zod's locales other than English (zod imported as a namespace)", function () {
    // Catalan's and German's "invalid type" messages, as esbuild escapes them.
    expect(loaded('Tipus inv')).to.equal(false);
    expect(loaded('Ung\\xFCltig')).to.equal(false);
  });

  it('leaves out the YAML parser, which only a kubeconfig needs (a pod uses its service account)', function () {
    expect(loaded('YAMLParseError')).to.equal(false);
  });
});
