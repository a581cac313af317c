// One way to read a process's flags: a table of flags (name, environment variable, default, help), parsed
// with node:util's parseArgs. A flag wins over its variable, the variable over the default; `--help` text
// comes from the same table, so it cannot drift from what is parsed. Pure: argv and env in, values out.
import { parseArgs } from 'node:util';

export interface FlagSpec {
  /** `metrics-bind-address` for `--metrics-bind-address`. */
  readonly name: string;
  /** Environment variable read when the flag is absent. */
  readonly env?: string;
  /** Used when neither the flag nor the variable is given; shown in the help. */
  readonly default?: string;
  /** Takes no value: `--name` is true; `--name=false`, `--name false` also work. */
  readonly boolean?: boolean;
  /** Placeholder for the value in the help (`N`, `ADDR`, `FILE`). */
  readonly value?: string;
  /** One sentence or a few; wrapped in the help text. */
  readonly help: string;
}

export type FlagValues<T extends readonly FlagSpec[]> = Partial<Record<T[number]['name'], string>>;

/** A bad flag or variable: the message names it and says what would be accepted. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface ParsedFlags<T extends readonly FlagSpec[]> {
  /** `-h` or `--help` was given. */
  help: boolean;
  /** Each flag's value: the flag's, else its variable's, else its default; absent when none. */
  values: FlagValues<T>;
}

const BOOLEAN_WORDS = new Set(['true', 'false']);

export function parseBool(flag: string, value: string): boolean {
  const v = value.toLowerCase();
  if (['true', '1', 'yes', ''].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  throw new ConfigError(`--${flag}: "${value}" is not a boolean; use true or false`);
}

/** Parses argv against the table, then fills in variables and defaults. Throws ConfigError. */
export function parseFlags<T extends readonly FlagSpec[]>(
  table: T,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): ParsedFlags<T> {
  const byName = new Map<string, FlagSpec>(table.map((f) => [f.name, f]));
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const f of table) options[f.name] = { type: f.boolean ? 'boolean' : 'string' };
  // Not strict: unknown flags and stray words come back as tokens, and get this module's messages.
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const given: Record<string, string> = {};
  let help = false;
  let lastBoolean: { name: string; inline: boolean } | undefined;
  for (const token of tokens) {
    if (token.kind === 'positional') {
      // `--leader-elect false`: a boolean's value as the next word.
      if (lastBoolean && !lastBoolean.inline && BOOLEAN_WORDS.has(token.value)) {
        given[lastBoolean.name] = token.value;
        lastBoolean = undefined;
        continue;
      }
      throw new ConfigError(`unexpected argument "${token.value}"; flags look like --name=value`);
    }
    lastBoolean = undefined;
    if (token.kind === 'option-terminator') throw new ConfigError('unexpected "--"; flags look like --name=value');
    if (token.name === 'help') {
      help = true;
      continue;
    }
    const spec = byName.get(token.name);
    if (!spec) {
      throw new ConfigError(`unknown flag ${token.rawName}; known: ${table.map((f) => `--${f.name}`).join(', ')}`);
    }
    if (spec.boolean) {
      given[spec.name] = String(token.value === undefined ? true : parseBool(spec.name, token.value));
      lastBoolean = { name: spec.name, inline: token.inlineValue === true };
    } else if (token.value === undefined) {
      throw new ConfigError(`--${spec.name} needs a value${spec.value ? ` (${spec.value})` : ''}`);
    } else {
      given[spec.name] = token.value;
    }
  }
  const values: Record<string, string> = {};
  for (const f of table) {
    const value = given[f.name] ?? (f.env === undefined ? undefined : env[f.env]) ?? f.default;
    if (value !== undefined) values[f.name] = value;
  }
  return { help, values: values as FlagValues<T> };
}

const COLUMN = 24;
const WIDTH = 104;

function wrap(text: string, indent: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && indent + line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** `--help`: the usage, then each flag with its variable and default, from the table. */
export function helpText(usage: string, table: readonly FlagSpec[]): string {
  const out = [usage.trimEnd(), '', 'Flags (environment variable in brackets; the flag wins):'];
  for (const f of [...table, { name: 'help', boolean: true, help: 'this text' } as FlagSpec]) {
    const head = `  ${f.name === 'help' ? '-h, ' : ''}--${f.name}${f.value ? ` ${f.value}` : ''}`;
    const extra = [
      f.env ? `[${f.env}]` : '',
      f.default !== undefined && f.default !== '' ? `(default ${f.default})` : '',
    ].filter(Boolean);
    const body = wrap([f.help, ...extra].join(' '), COLUMN);
    const pad = ' '.repeat(COLUMN);
    if (head.length < COLUMN) {
      out.push(head.padEnd(COLUMN) + (body[0] ?? ''));
      body.slice(1).forEach((l) => out.push(pad + l));
    } else {
      out.push(head);
      body.forEach((l) => out.push(pad + l));
    }
  }
  return `${out.join('\n')}\n`;
}
