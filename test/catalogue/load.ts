// Loads the catalogue of specs (test/catalogue/{invalid,valid}/*.yaml) with their headers:
// `# expect: <field path>`, `# expect-message: <substring>`, `# dynamodb: rejects|accepts|n/a …`.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { nonEmpty } from '../support/fixtures.ts';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const invalidDir = join(root, 'test/catalogue/invalid');
export const validDir = join(root, 'test/catalogue/valid');

export interface CatalogueEntry {
  file: string;
  /** Path relative to the repository root, as the CLI prints it. */
  relPath: string;
  expectPath: string;
  expectMessage: string | undefined;
  /** `rejects`, `accepts` or `n/a …`: what DynamoDB's CreateTable does with the rendered spec. */
  dynamodb: string;
  object: unknown;
  old: unknown;
}

const header = (text: string, name: string): string | undefined =>
  new RegExp(`^# ${name}: (.*)$`, 'm').exec(text)?.[1]?.trim();

const firstDocument = (path: string): unknown => {
  // YAML 1.1, as kubectl reads it: an unquoted `N` or `off` is a boolean, as it is on the way to the cluster.
  const docs = parseAllDocuments(readFileSync(path, 'utf8'), { version: '1.1' });
  const [doc] = Array.isArray(docs) ? docs : [];
  if (!doc || doc.errors.length > 0) throw new Error(`${path}: not one valid YAML document`);
  return doc.toJS() as unknown;
};

export function loadInvalidCatalogue(): CatalogueEntry[] {
  const files = readdirSync(invalidDir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.old.yaml'));
  return nonEmpty('invalid catalogue specs', files)
    .sort()
    .map((file) => {
      const path = join(invalidDir, file);
      const text = readFileSync(path, 'utf8');
      const expectPath = header(text, 'expect');
      if (expectPath === undefined) throw new Error(`${file}: missing "# expect: <field path>" header`);
      const oldPath = path.replace(/\.new\.yaml$/, '.old.yaml');
      return {
        file,
        relPath: relative(root, path),
        expectPath,
        expectMessage: header(text, 'expect-message'),
        dynamodb: header(text, 'dynamodb') ?? 'n/a',
        object: firstDocument(path),
        old: file.endsWith('.new.yaml') ? firstDocument(oldPath) : undefined,
      };
    });
}

export function loadValidCatalogue(): { file: string; objects: unknown[] }[] {
  return nonEmpty(
    'valid catalogue specs',
    readdirSync(validDir).filter((f) => f.endsWith('.yaml')),
  )
    .sort()
    .map((file) => ({
      file,
      objects: parseAllDocuments(readFileSync(join(validDir, file), 'utf8'), { version: '1.1' }).map(
        (d) => d.toJS() as unknown,
      ),
    }));
}
