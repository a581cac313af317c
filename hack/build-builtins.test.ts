import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';
import { builtinName, builtinShim, builtinsAsObjects } from './build-builtins.ts';

// What the deployables' bundles do: import node:http as an ES module, statically and dynamically (the
// AWS SDK's handler for http:// endpoints), and fs's lazy `promises` by name.
const ENTRY = `
import http from 'node:http';
import { request } from 'node:http';
import { promises } from 'node:fs';
const late = await import('node:http');
const ok = typeof http.request === 'function' && request === http.request && (late.default ?? late).Agent === http.Agent
  && typeof promises.readFile === 'function';
process.stdout.write(JSON.stringify({ ok, undici: process.moduleLoadList.some((m) => m.includes('undici')) }));
`;

async function runBundled(plugins: Plugin[]): Promise<{ ok: boolean; undici: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'ddbop-builtins-'));
  try {
    writeFileSync(join(dir, 'entry.mjs'), ENTRY);
    await build({
      entryPoints: [join(dir, 'entry.mjs')],
      outfile: join(dir, 'out.mjs'),
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node24',
      plugins,
      logLevel: 'silent',
    });
    const r = spawnSync(process.execPath, [join(dir, 'out.mjs')], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    return JSON.parse(r.stdout) as { ok: boolean; undici: boolean };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('build: built-in modules read as objects in the bundles', function () {
  it('recognises built-ins with and without the node: prefix, and nothing else', function () {
    expect(builtinName('node:http')).to.equal('http');
    expect(builtinName('http')).to.equal('http');
    expect(builtinName('node:fs/promises')).to.equal('fs/promises');
    expect(builtinName('express')).to.equal(undefined);
    expect(builtinName('node:nonsense')).to.equal(undefined);
  });

  it("leaves out node:http's lazy WebSocket but keeps its plain exports and fs's lazy promises", function () {
    const http = builtinShim('http');
    expect(http).to.include('export default m;').and.include('export const request = m.request;');
    expect(http).not.to.include('WebSocket');
    expect(builtinShim('fs')).to.include('export const promises = m.promises;');
  });

  it('keeps undici unloaded where the ES module facade of node:http would load it, with the same exports', async function () {
    this.timeout(30_000);
    const facade = await runBundled([]);
    expect(facade, 'without the plugin (the control: the facade wakes undici)').to.deep.equal({
      ok: true,
      undici: true,
    });
    const objects = await runBundled([builtinsAsObjects]);
    expect(objects).to.deep.equal({ ok: true, undici: false });
  });
});
