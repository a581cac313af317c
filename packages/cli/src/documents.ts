// Files (or stdin) → YAML documents, with syntax errors located by line and column.
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import type { Io } from './io.ts';

export interface SourceDocument {
  /** 1-based position of the document in its file. */
  index: number;
  /** 1-based line where the document starts. */
  line: number;
  value: unknown;
}

export type LoadResult =
  { ok: true; file: string; documents: SourceDocument[] } | { ok: false; file: string; problem: string };

/** Line (1-based) of a character offset. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function parseDocuments(file: string, text: string): LoadResult {
  // YAML 1.1, as kubectl reads it: `deletionPolicy: off` is the boolean false here too, so validate gives
  // the same verdict (and the same "quote it" hint) as the cluster.
  const parsed = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true, version: '1.1' });
  const documents: SourceDocument[] = [];
  let index = 0;
  for (const doc of parsed) {
    index++;
    const error = doc.errors[0];
    if (error) {
      const at = error.linePos?.[0];
      const where = at ? `${at.line}:${at.col}` : '?';
      const message = error.message.split('\n')[0] ?? error.message;
      return { ok: false, file, problem: `${file}:${where}: YAML syntax error: ${message}` };
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    documents.push({ index, line: lineOf(text, doc.range[0]), value });
  }
  return { ok: true, file, documents };
}

/** Reads FILE (or stdin for `-`) and splits it into documents. */
export async function loadFile(file: string, io: Io): Promise<LoadResult> {
  let text: string;
  try {
    text = file === '-' ? await io.readStdin() : await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { ok: false, file, problem: `${file}: cannot read: ${reason}` };
  }
  return parseDocuments(file === '-' ? '<stdin>' : file, text);
}
