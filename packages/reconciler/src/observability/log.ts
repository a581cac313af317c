// Structured JSON logs (pino). Secrets never reach a log line: credentials live only inside the AWS
// client objects, and the redact list is a second line of defence for anything logged by accident.
import { pino } from 'pino';
import type { Logger } from 'pino';

export type { Logger };

export function makeLogger(level: string): Logger {
  return pino({
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
  });
}
