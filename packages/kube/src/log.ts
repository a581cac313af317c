// The logger the package writes to: structural, so a pino Logger (either deployable's) fits as is and
// this package depends on neither.
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
