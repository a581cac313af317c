// Markdown tables. Cells are escaped so that a `|` in a regex or a message cannot split a row (GFM
// honours `\|` inside code spans too) and a line break cannot end one.

export const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/**
 * Plain text as a table cell: characters that markdown would read as markup (a backslash before
 * punctuation, `<tag>`, emphasis, code) are escaped, so the page shows the text as written.
 */
export const plain = (text: string): string => cell(text.replace(/[\\`*<]/g, (ch) => `\\${ch}`));

/** Text in a code span, with the fence widened when the text itself contains backticks. */
export function codeSpan(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A GitHub-flavoured table; `rows` cells are already markdown (escape plain text with `cell`). */
export function table(header: string[], rows: string[][]): string {
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}
