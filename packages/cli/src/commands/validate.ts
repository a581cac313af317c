// `dynamodb-operator validate [--output text|json] FILE...` — every object, every error at once.
import { parseArgs } from 'node:util';
import { validateObject } from '@dynamodb-operator/api';
import type { FieldError } from '@dynamodb-operator/api';
import { loadFile } from '../documents.ts';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, UsageError } from '../io.ts';
import type { Io } from '../io.ts';
import { objectLabel, skipReason } from '../objects.ts';

export const VALIDATE_HELP = `Usage: dynamodb-operator validate [--output text|json] FILE...

Checks AWSProvider, DynamoDBTable and DynamoDB manifests with the rules the admission webhook applies
(after the same defaults). FILE may hold several YAML documents; "-" reads standard input. Objects of
other API groups (a Secret beside an AWSProvider) are skipped with a note.

Output (text): one line per finding
  FILE: Kind/name: error: spec.path: message
  FILE: Kind/name: warning: message

Options:
  -o, --output FORMAT   text (default) or json
  -h, --help            show this help

Exit status: 0 every object valid (warnings allowed), 1 some object invalid,
             2 usage error, unreadable file or YAML syntax error.`;

export interface ObjectReport {
  document: number;
  line: number;
  object: string;
  skipped?: string;
  valid: boolean;
  errors: FieldError[];
  warnings: string[];
}

export interface FileReport {
  file: string;
  problem?: string;
  objects: ObjectReport[];
}

export async function validateFiles(files: string[], io: Io): Promise<FileReport[]> {
  const reports: FileReport[] = [];
  for (const file of files) {
    const loaded = await loadFile(file, io);
    if (!loaded.ok) {
      reports.push({ file: loaded.file, problem: loaded.problem, objects: [] });
      continue;
    }
    const objects = loaded.documents.map((doc): ObjectReport => {
      const base = { document: doc.index, line: doc.line, object: objectLabel(doc.value) };
      const skipped = skipReason(doc.value);
      if (skipped) return { ...base, skipped, valid: true, errors: [], warnings: [] };
      const result = validateObject(doc.value);
      return { ...base, valid: result.errors.length === 0, errors: result.errors, warnings: result.warnings };
    });
    reports.push({ file: loaded.file, objects });
  }
  return reports;
}

export function exitCode(reports: FileReport[]): number {
  if (reports.some((report) => report.problem !== undefined)) return EXIT_USAGE;
  if (reports.some((report) => report.objects.some((object) => !object.valid))) return EXIT_INVALID;
  return EXIT_OK;
}

function printText(reports: FileReport[], io: Io): void {
  let valid = 0;
  let invalid = 0;
  for (const report of reports) {
    if (report.problem !== undefined) {
      io.err(report.problem);
      continue;
    }
    for (const object of report.objects) {
      const prefix = `${report.file}: ${object.object}`;
      if (object.skipped) {
        io.out(`${prefix}: note: ${object.skipped}`);
        continue;
      }
      for (const error of object.errors) io.out(`${prefix}: error: ${error.path || '(object)'}: ${error.message}`);
      for (const warning of object.warnings) io.out(`${prefix}: warning: ${warning}`);
      if (object.valid) {
        valid++;
        if (object.warnings.length === 0) io.out(`${prefix}: valid`);
      } else invalid++;
    }
  }
  io.err(`${valid + invalid} object(s) checked: ${valid} valid, ${invalid} invalid`);
}

export async function runValidate(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o', default: 'text' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(VALIDATE_HELP);
    return EXIT_OK;
  }
  if (values.output !== 'text' && values.output !== 'json') {
    throw new UsageError(`--output must be text or json, got "${values.output}"`);
  }
  if (positionals.length === 0) throw new UsageError('validate needs at least one FILE (or "-" for stdin)');
  const reports = await validateFiles(positionals, io);
  const code = exitCode(reports);
  if (values.output === 'json')
    io.out(JSON.stringify({ valid: code === EXIT_OK, exitCode: code, files: reports }, null, 2));
  else printText(reports, io);
  return code;
}
