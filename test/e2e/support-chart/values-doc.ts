// The chart README's values table, generated from the `# --` comments of values.yaml (cert-manager /
// helm-docs convention), and the check that every value is documented and the README is current.
//   node test/e2e/support-chart/values-doc.ts --write   rewrite the table in charts/dynamodb-operator/README.md
//   node test/e2e/support-chart/values-doc.ts --check   exit 1 when a value is undocumented or the README is stale
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, parseDocument } from 'yaml';
import type { Node, YAMLMap } from 'yaml';

const chartDir = join(import.meta.dirname, '..', '..', '..', 'charts', 'dynamodb-operator');
export const valuesFile = join(chartDir, 'values.yaml');
export const readmeFile = join(chartDir, 'README.md');
const BEGIN = '<!-- values:begin (generated from values.yaml by test/e2e/support-chart/values-doc.ts --write) -->';
const END = '<!-- values:end -->';

export interface ValueDoc {
  path: string;
  type: string;
  default: string;
  description: string;
}

export interface ValuesDocResult {
  docs: ValueDoc[];
  /** value paths with no `# --` comment on them or on an enclosing key */
  undocumented: string[];
}

/** The text after `# --` in a comment block (later lines joined), or undefined. */
function docComment(comment: string | null | undefined): string | undefined {
  if (!comment) return undefined;
  const lines = comment.split('\n').map((l) => l.trim());
  const start = lines.findIndex((l) => l.startsWith('--'));
  if (start < 0) return undefined;
  return lines
    .slice(start)
    .map((l, i) => (i === 0 ? l.slice(2) : l))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return typeof value;
}

function walk(map: YAMLMap, prefix: string, out: ValuesDocResult, firstComment?: string | null): void {
  map.items.forEach((pair, index) => {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const path = prefix ? `${prefix}.${key}` : key;
    const keyNode = pair.key as Node | null;
    // the yaml library hangs the comment above a collection's first key on the collection itself
    const comment = keyNode?.commentBefore ?? (index === 0 ? firstComment : undefined);
    const description = docComment(comment);
    const value = pair.value as Node | null;
    if (description !== undefined) {
      const js = value && 'toJSON' in value ? (value.toJSON() as unknown) : null;
      out.docs.push({ path, type: typeOf(js), default: JSON.stringify(js), description });
    } else if (isMap(value) && value.items.length > 0) {
      walk(value, path, out, value.commentBefore);
    } else {
      out.undocumented.push(path);
    }
  });
}

export function valuesDoc(text = readFileSync(valuesFile, 'utf8')): ValuesDocResult {
  const doc = parseDocument(text);
  const out: ValuesDocResult = { docs: [], undocumented: [] };
  if (!isMap(doc.contents)) throw new Error('values.yaml: top level is not a mapping');
  walk(doc.contents, '', out, doc.contents.commentBefore);
  return out;
}

const cell = (s: string): string => s.replaceAll('|', '\\|');

export function valuesTable(docs: ValueDoc[]): string {
  const rows = docs.map((d) => `| \`${d.path}\` | ${d.type} | \`${cell(d.default)}\` | ${cell(d.description)} |`);
  return ['| Key | Type | Default | Description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** README text with the generated table between the markers. */
export function renderReadme(readme: string, table: string): string {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`${readmeFile}: markers ${BEGIN} … ${END} not found`);
  return `${readme.slice(0, begin + BEGIN.length)}\n${table}\n${readme.slice(end)}`;
}

function main(mode: string | undefined): number {
  const { docs, undocumented } = valuesDoc();
  const readme = readFileSync(readmeFile, 'utf8');
  const wanted = renderReadme(readme, valuesTable(docs));
  if (mode === '--write') {
    writeFileSync(readmeFile, wanted);
    console.log(`${readmeFile}: ${docs.length} values documented`);
  } else if (mode !== '--check') {
    console.error('usage: values-doc.ts --write | --check');
    return 2;
  }
  if (undocumented.length > 0) {
    console.error(`values.yaml: no "# --" comment on ${undocumented.join(', ')}: document each value`);
    return 1;
  }
  if (mode === '--check' && wanted !== readme) {
    console.error(`${readmeFile} is stale: run node test/e2e/support-chart/values-doc.ts --write`);
    return 1;
  }
  return 0;
}

if (import.meta.main) process.exit(main(process.argv[2]));
