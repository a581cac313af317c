// The accumulator every rule family returns: all errors and warnings, never just the first.
import type { FieldError, FieldPath, ValidationResult } from '../model.ts';

export class Findings implements ValidationResult {
  readonly errors: FieldError[] = [];
  readonly warnings: string[] = [];

  error(path: FieldPath, message: string): void {
    this.errors.push({ path, message });
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  add(other: ValidationResult): void {
    this.errors.push(...other.errors);
    this.warnings.push(...other.warnings);
  }
}

/** Length in UTF-8 bytes (DynamoDB counts attribute-name limits in bytes); no Buffer: the api package is pure. */
export function utf8Length(value: string): number {
  let bytes = 0;
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** `value` quoted and shortened for messages (a 300-character name should not flood the output). */
export function show(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
}
