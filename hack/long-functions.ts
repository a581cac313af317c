// Lists functions in packages/*/src longer than a limit (default 100 lines): the one-idea-per-function style gate.
// Declarative tables (object/array literals) are not functions and are not counted.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const limit = Number(process.argv[2] ?? 100);
const files: string[] = [];
const walk = (dir: string): void => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.ts')) files.push(p);
  }
};
for (const pkg of readdirSync('packages')) {
  try {
    walk(join('packages', pkg, 'src'));
  } catch {
    // a package without src
  }
}
const long: string[] = [];
for (const file of files) {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = src.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = src.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > limit) {
        const name = node.name?.getText(src) ?? '(anonymous)';
        long.push(`${lines}\t${file}:${start + 1}\t${name}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
}
for (const l of long.sort((a, b) => Number(b.split('\t')[0]) - Number(a.split('\t')[0]))) console.log(l);
console.error(`${long.length} function(s) over ${limit} lines`);
process.exitCode = long.length > 0 ? 1 : 0;
