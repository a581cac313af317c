// Structured JSON logs (pino). Secrets never reach a log line: credentials live only inside the AWS
// client objects, and the redact list is a second line of defence for anything logged by accident.
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';

export type { Logger };

/** Errors go under `err` (pino's serializer keeps type, stack and an AWS error's `$metadata`). */
export function makeLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { component: 'reconciler' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        '*.secretAccessKey',
        '*.accessKeyId',
        '*.sessionToken',
        '*.credentials',
        '*.authorization',
        '*.Authorization',
        '*.data',
        'headers.authorization',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
