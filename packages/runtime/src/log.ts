// Structured JSON logs (pino) for both binaries. Secrets never reach a log line by design (credentials
// live inside the AWS clients, request bodies are not logged); redact.ts is the second line of defence
// for anything passed in by accident. Errors go under `err`: pino's serializer keeps the type, the stack
// and an AWS SDK error's `$metadata`, which `String(err)` would lose.
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { redactFields, redactedErrorSerializer } from './redact.ts';

export type { DestinationStream, Logger };

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
    formatters: { log: redactFields },
    serializers: { err: redactedErrorSerializer(pino.stdSerializers.err) },
  };
  const logger = destination ? pino(settings, destination) : pino(settings);
  // pino applies no formatter to a child's bindings; every child (and a child's child, which inherits
  // this method) has them redacted here.
  const pinoChild = logger.child;
  logger.child = function (this: Logger, bindings, childOptions) {
    return pinoChild.call(this, redactFields(bindings), childOptions);
  } as Logger['child'];
  return logger;
}
