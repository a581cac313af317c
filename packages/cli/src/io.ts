// The CLI's only contact with the world: arguments in; text out; an exit code. Commands take an Io so
// that they stay testable and never call process.exit themselves.
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<string>;
}

export const EXIT_OK = 0;
/** Some object is invalid (validate), or the CRD folder is stale (crds --check). */
export const EXIT_INVALID = 1;
/** Usage error, unreadable file, YAML syntax error. */
export const EXIT_USAGE = 2;

export class UsageError extends Error {}

export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}
