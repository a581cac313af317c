// Structured JSON logs. Nothing here logs request bodies, so no spec, Secret or token can leak; the
// redact list is a second line of defence for anything a caller passes in.
import { pino } from 'pino';
import type { Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { component: 'webhook' },
    redact: ['req.headers.authorization', '*.authorization', '*.token', '*.secretAccessKey', '*.password'],
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
