// Structured JSON logs (pino) for both binaries. Secrets never reach a log line by design (credentials
// live inside the AWS clients, request bodies are not logged); the one redact list below is the second
// line of defence for anything passed in by accident. Errors go under `err`: pino's serializer keeps
// the type, the stack and an AWS SDK error's `$metadata`, which `String(err)` would lose.
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';

export type { DestinationStream, Logger };

/** Authorization headers, bearer tokens, passwords, AWS credentials and a Secret's data. */
export const REDACT_PATHS: readonly string[] = [
  'headers.authorization',
  'req.headers.authorization',
  '*.authorization',
  '*.Authorization',
  '*.token',
  '*.password',
  '*.accessKeyId',
  '*.secretAccessKey',
  '*.sessionToken',
  '*.credentials',
  '*.data',
  '*.stringData',
];

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export interface LoggerOptions {
  /** `reconciler` or `webhook`: on every line, so one log pipeline can tell them apart. */
  component: string;
  level: string;
}

export function createLogger(options: LoggerOptions, destination?: DestinationStream): Logger {
  const settings = {
    level: options.level,
    base: { component: options.component },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
  };
  return destination ? pino(settings, destination) : pino(settings);
}
