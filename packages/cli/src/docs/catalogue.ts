// Reads the catalogue of rejected specs (test/catalogue/invalid): each NAME.yaml starts with
// `# expect: <field path>`; an update case is NAME.new.yaml beside the stored NAME.old.yaml.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface CatalogueCase {
  file: string;
  expectPath: string;
  object: unknown;
  /** The stored object of an update case; undefined for a create. */
  old: unknown;
}

async function firstDocument(path: string): Promise<unknown> {
  // YAML 1.1, as kubectl reads it (an unquoted `off` is false), like test/catalogue/load.ts.
  const [doc] = parseAllDocuments(await readFile(path, 'utf8'), { version: '1.1' });
  if (!doc || !('errors' in doc) || doc.errors.length > 0) throw new Error(`${path}: not a valid YAML document`);
  return doc.toJS() as unknown;
}

export async function readCatalogue(dir: string): Promise<CatalogueCase[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml') && !f.endsWith('.old.yaml')).sort();
  return Promise.all(
    files.map(async (file) => {
      const path = join(dir, file);
      const expectPath = /^# expect: (.*)$/m.exec(await readFile(path, 'utf8'))?.[1]?.trim();
      if (expectPath === undefined) throw new Error(`${path}: missing the "# expect: <field path>" header`);
      const old = file.endsWith('.new.yaml')
        ? await firstDocument(path.replace(/\.new\.yaml$/, '.old.yaml'))
        : undefined;
      return { file, expectPath, object: await firstDocument(path), old };
    }),
  );
}
