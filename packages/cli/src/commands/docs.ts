// `dynamodb-operator docs [reference|rules] [--write FILE | --check FILE]` — the generated pages
// docs/reference.md (fields, from the schemas) and docs/rules.md (rules and their messages, from the
// catalogue). `--check` is what `npm test` runs, so a schema or rule change without regenerated docs fails.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readCatalogue } from '../docs/catalogue.ts';
import { referenceMarkdown } from '../docs/reference.ts';
import { rulesMarkdown } from '../docs/rules.ts';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, UsageError } from '../io.ts';
import type { Io } from '../io.ts';

/** The repository's catalogue: this file is packages/cli/src/commands/docs.ts. */
export const DEFAULT_CATALOGUE = join(dirname(fileURLToPath(import.meta.url)), '../../../../test/catalogue/invalid');

export const DOCS_HELP = `Usage: dynamodb-operator docs [reference|rules] [--write FILE | --check FILE] [--catalogue DIR]

Prints, writes or checks a generated documentation page:
  reference   (default) every spec and status field of the kinds, from the api schemas
              (the descriptions kubectl explain prints), with types, defaults and bounds
  rules       every admission rule with the message a user sees, from running the rules over
              the catalogue of rejected specs, plus the CRDs' CEL rules

Options:
  --write FILE      write the page to FILE
  --check FILE      exit 1, saying how to regenerate, when FILE differs from what --write would write
  --catalogue DIR   the rejected-spec catalogue for "rules" (default: test/catalogue/invalid of this repository)
  -h, --help        show this help

Regenerate both: dynamodb-operator docs --write docs/reference.md && dynamodb-operator docs rules --write docs/rules.md`;

const TARGETS = ['reference', 'rules'] as const;
type Target = (typeof TARGETS)[number];

/** A relative link with forward slashes, whatever the platform. */
const linkPath = (from: string, to: string): string => relative(from, to).split(sep).join('/');

async function generate(target: Target, file: string | undefined, catalogue: string): Promise<string> {
  if (target === 'reference') return referenceMarkdown();
  const pageDir = file === undefined ? process.cwd() : dirname(resolve(file));
  return rulesMarkdown(await readCatalogue(catalogue), linkPath(pageDir, resolve(catalogue)));
}

async function check(file: string, expected: string, target: Target, io: Io): Promise<number> {
  const actual = await readFile(file, 'utf8').catch(() => undefined);
  if (actual === expected) {
    io.out(`${file}: up to date`);
    return EXIT_OK;
  }
  const what = target === 'reference' ? 'the api schemas' : 'the rules and the catalogue';
  io.err(`stale doc: ${file}: ${actual === undefined ? 'missing' : `differs from what ${what} generate`}`);
  const command = target === 'reference' ? 'docs' : 'docs rules';
  io.err(`run \`node packages/cli/src/main.ts ${command} --write ${file}\` and commit the result`);
  return EXIT_INVALID;
}

export async function runDocs(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      write: { type: 'string' },
      check: { type: 'string' },
      catalogue: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(DOCS_HELP);
    return EXIT_OK;
  }
  if (positionals.length > 1) throw new UsageError(`docs takes at most one page name, got ${positionals.join(' ')}`);
  const target = positionals[0] ?? 'reference';
  if (!(TARGETS as readonly string[]).includes(target)) {
    throw new UsageError(`unknown page "${target}"; use ${TARGETS.join(' or ')}`);
  }
  if (values.write !== undefined && values.check !== undefined)
    throw new UsageError('use --write or --check, not both');
  if (values.catalogue !== undefined && target !== 'rules')
    throw new UsageError('--catalogue is for "docs rules" only');

  const file = values.write ?? values.check;
  let page: string;
  try {
    page = await generate(target as Target, file, values.catalogue ?? DEFAULT_CATALOGUE);
  } catch (error) {
    // An unreadable catalogue, or a case the rules no longer reject where its header says.
    io.err(`cannot generate the ${target} page: ${(error as Error).message}`);
    return EXIT_USAGE;
  }
  if (values.check !== undefined) return check(values.check, page, target as Target, io);
  if (values.write !== undefined) {
    await writeFile(values.write, page);
    io.out(`wrote ${values.write}`);
    return EXIT_OK;
  }
  io.out(page);
  return EXIT_OK;
}
