// The README as a newcomer meets it: every command of its CLI section runs as written (through npx,
// from a checkout) and exits as the README says; every relative link and heading anchor resolves; and
// the generated field reference it points to says what the API server's schema (`kubectl explain`) says.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import GithubSlugger from 'github-slugger';
import { marked } from 'marked';
import type { Token, Tokens } from 'marked';
import { kubectl, testEnv } from './support/index.ts';

const root = testEnv().root;
const readmePath = join(root, 'README.md');
const readme = readFileSync(readmePath, 'utf8');

/** Files the README's commands assume the reader has (their own manifests), taken from the examples. */
const READER_FILES: Record<string, string> = {
  'my-table.yaml': 'examples/seed/05-dynamodb-simple-partition-key.yaml',
};

interface Command {
  line: string;
  command: string;
  expectedExit: number;
  comment: string;
}

/** Top-level tokens grouped by the `## ` heading they sit under. */
function sections(tokens: Token[]): Map<string, Token[]> {
  const out = new Map<string, Token[]>();
  let current = '';
  for (const token of tokens) {
    if (token.type === 'heading' && (token as Tokens.Heading).depth === 2) current = (token as Tokens.Heading).text;
    else out.set(current, [...(out.get(current) ?? []), token]);
  }
  return out;
}

/**
 * The commands of the ```bash blocks under a heading: one per line, `# …` comments apart. A comment
 * starting `exit N` / `exits N` states the exit status; otherwise a command is expected to succeed (0).
 */
function commandsUnder(heading: string): Command[] {
  const blocks = (sections(marked.lexer(readme)).get(heading) ?? []).filter(
    (t): t is Tokens.Code => t.type === 'code' && (t as Tokens.Code).lang === 'bash',
  );
  return blocks.flatMap((block) =>
    block.text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => {
        const [command = '', comment = ''] = line.split(/\s+#\s+/, 2);
        const stated = /^exits?\s+(\d+)\b/.exec(comment);
        return { line, command: command.trim(), comment, expectedExit: stated ? Number(stated[1]) : 0 };
      }),
  );
}

/** Plain text of inline tokens, as GitHub renders a heading before slugging it. */
const inlineText = (tokens: Token[] | undefined, fallback: string): string =>
  tokens
    ? tokens
        .map((t) => ('tokens' in t && t.tokens ? inlineText(t.tokens, '') : 'text' in t ? String(t.text) : ''))
        .join('')
    : fallback;

function anchorsOf(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  marked.walkTokens(marked.lexer(markdown), (t) => {
    if (t.type === 'heading') anchors.add(slugger.slug(inlineText((t as Tokens.Heading).tokens, t.text as string)));
  });
  return anchors;
}

/** Every link target of a markdown page (links in code spans and blocks are not links). */
function linksOf(markdown: string): string[] {
  const links: string[] = [];
  marked.walkTokens(marked.lexer(markdown), (t) => {
    if (t.type === 'link' || t.type === 'image') links.push((t as Tokens.Link).href);
  });
  return links;
}

/** Broken relative links and anchors of one markdown file, as "target: why". */
function brokenLinks(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const broken: string[] = [];
  for (const href of linksOf(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(href)) continue; // https:, mailto:: not ours to check offline
    const [path = '', anchor] = href.split('#', 2);
    const target = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
    if (!existsSync(target)) {
      broken.push(`${href}: ${target} does not exist`);
      continue;
    }
    if (anchor !== undefined && target.endsWith('.md') && !anchorsOf(readFileSync(target, 'utf8')).has(anchor)) {
      broken.push(`${href}: no heading with anchor #${anchor} in ${target}`);
    }
  }
  return broken;
}

/** A directory that looks like a fresh checkout (links to the repository's files) plus READER_FILES. */
function checkoutView(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ddbop-readme-'));
  for (const entry of readdirSync(root)) {
    if (entry === '.git' || entry === '.testenv') continue;
    symlinkSync(join(root, entry), join(dir, entry));
  }
  for (const [name, source] of Object.entries(READER_FILES)) copyFileSync(join(root, source), join(dir, name));
  return dir;
}

function shell(command: string, cwd: string) {
  const result = spawnSync('bash', ['-c', command], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      // the Node that runs the tests (24) first, so the bin's `#!/usr/bin/env node` finds it; npx must
      // find the workspace's bin and never download a package of the same name
      PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
      npm_config_offline: 'true',
      npm_config_update_notifier: 'false',
    },
  });
  return { code: result.status, stdout: result.stdout ?? '', stderr: `${result.stderr ?? ''}${result.error ?? ''}` };
}

describe('README', function () {
  this.timeout(120_000);

  describe('the CLI section runs as written', () => {
    const commands = commandsUnder('CLI');
    let cwd: string;
    before(() => {
      cwd = checkoutView();
    });
    after(() => rmSync(cwd, { recursive: true, force: true }));

    it('has npx dynamodb-operator commands to run', () => {
      expect(commands.length).to.be.at.least(3);
      for (const c of commands) expect(c.command, c.line).to.match(/^npx dynamodb-operator /);
    });

    for (const c of commands) {
      it(`${c.command} exits ${c.expectedExit}`, () => {
        const run = shell(c.command, cwd);
        expect(run.code, `${c.command}\nstdout:\n${run.stdout.slice(0, 2000)}\nstderr:\n${run.stderr}`).to.equal(
          c.expectedExit,
        );
        if (c.expectedExit === 0) expect(run.stdout.trim(), 'prints something').to.not.equal('');
      });
    }

    it('validate exits with the other codes the section documents: 1 for invalid, 2 for a YAML error', () => {
      const documented = commands.find((c) => c.command.startsWith('npx dynamodb-operator validate '));
      expect(documented?.comment)
        .to.match(/1 invalid/)
        .and.to.match(/2 usage\/YAML error/);
      const invalid = shell('npx dynamodb-operator validate examples/broken/*.yaml', cwd);
      expect(invalid.code, invalid.stderr).to.equal(1);
      expect(invalid.stdout).to.contain('error: spec.');
      const yamlError = shell("printf 'a: [\\n' | npx dynamodb-operator validate -", cwd);
      expect(yamlError.code, yamlError.stdout).to.equal(2);
      expect(yamlError.stderr).to.contain('YAML syntax error');
    });
  });

  describe('links', () => {
    it('finds the links (the check is not vacuous)', () => {
      expect(linksOf(readme).length).to.be.at.least(10);
      expect(anchorsOf(readme).has('install-with-helm')).to.equal(true);
    });

    for (const page of ['README.md', 'docs/reference.md', 'docs/rules.md']) {
      it(`every relative link and anchor in ${page} resolves`, () => {
        expect(brokenLinks(join(root, page))).to.deep.equal([]);
      });
    }
  });

  describe('the field reference agrees with the API server', () => {
    interface SchemaNode {
      description?: string;
      properties?: Record<string, SchemaNode>;
      items?: SchemaNode;
      'x-kubernetes-group-version-kind'?: { kind: string }[];
    }

    /** path → description below a node, list items (`x[]`) left out as in the reference. */
    function descriptions(node: SchemaNode, path: string, out: Map<string, string>): void {
      for (const [name, child] of Object.entries(node.properties ?? {})) {
        const childPath = `${path}.${name}`;
        if (child.description !== undefined) out.set(childPath, child.description);
        descriptions(child, childPath, out);
        if (child.items) descriptions(child.items, `${childPath}[]`, out);
      }
    }

    /** path → description of each field row in docs/reference.md's section of `kind`. */
    function referenceRows(kind: string): Map<string, string> {
      const page = readFileSync(join(root, 'docs/reference.md'), 'utf8');
      const section = page.split(/^## /m).find((s) => s.startsWith(`${kind}\n`)) ?? '';
      const rows = new Map<string, string>();
      for (const line of section.split('\n')) {
        const cells = line
          .slice(1, -1)
          .split(/(?<!\\)\|/)
          .map((c) => c.trim());
        const path = /^`((?:spec|status)\..*)`$/.exec(cells[0] ?? '')?.[1];
        if (path) rows.set(path, (cells.at(-1) ?? '').replace(/\\([\\`*<|])/g, '$1'));
      }
      return rows;
    }

    let schemas: SchemaNode[] = [];
    before(() => {
      const raw = kubectl(['get', '--raw', '/openapi/v3/apis/aws-infra-operator.runner.codes/v1alpha1']);
      expect(raw.code, raw.stderr).to.equal(0);
      schemas = Object.values(
        (JSON.parse(raw.stdout) as { components: { schemas: Record<string, SchemaNode> } }).components.schemas,
      );
    });

    for (const kind of ['AWSProvider', 'DynamoDBTable', 'DynamoDB']) {
      it(`${kind}: every field and description in docs/reference.md is the one the server publishes`, () => {
        const schema = schemas.find((s) => s['x-kubernetes-group-version-kind']?.some((g) => g.kind === kind));
        expect(schema, `no OpenAPI schema for ${kind}`).to.not.equal(undefined);
        const served = new Map<string, string>();
        descriptions(schema!, '', served);
        const expected = new Map(
          [...served].filter(([path]) => /^\.(spec|status)\./.test(path)).map(([path, d]) => [path.slice(1), d]),
        );
        expect(expected.size).to.be.above(10);
        expect(Object.fromEntries(referenceRows(kind))).to.deep.equal(Object.fromEntries(expected));
      });
    }

    it('`kubectl explain dynamodb.spec` (as the README suggests) lists every spec field of the reference', () => {
      const out = kubectl(['explain', 'dynamodb.spec']);
      expect(out.code, out.stderr).to.equal(0);
      const topLevel = [...referenceRows('DynamoDB').keys()].filter((p) => /^spec\.\w+$/.test(p));
      expect(topLevel.length).to.be.above(10);
      for (const path of topLevel) expect(out.stdout).to.match(new RegExp(`^\\s+${path.slice(5)}\\s+<`, 'm'));
    });
  });
});
