// The process set-up both binaries share: flags, logger, probe and metrics listener, V8 flags. Their
// shared metrics are '@dynamodb-operator/runtime/metrics', apart: only what serves metrics loads prom-client.
export { ConfigError, helpText, parseBool, parseFlags } from './flags.ts';
export type { FlagSpec, FlagValues, ParsedFlags } from './flags.ts';
export { createLogger, LOG_LEVELS } from './log.ts';
export type { DestinationStream, Logger, LoggerOptions } from './log.ts';
export { listenProbes } from './probe-server.ts';
export type {
  Authorization,
  MetricsSource,
  Probe,
  ProbeEndpoints,
  ProbeServer,
  SecureOptions,
} from './probe-server.ts';
export { applyProcessSettings, MALLOC_SETTINGS, missingSettings } from './v8-flags.ts';
export type { Missing, ProcessSettings } from './v8-flags.ts';
