// Public surface of @dynamodb-operator/reconciler.
export { startReconciler, tableChangeMatters, providerChangeMatters } from './manager.ts';
export type { ReconcilerHandle, ReconcilerOverrides } from './manager.ts';
export { loadConfig, parseDuration, ConfigError, HELP } from './config.ts';
export type { ReconcilerConfig } from './config.ts';
export type { ConvergeContext, ConvergeResult } from './controller/converge.ts';
export { FINALIZER, OWNER_TAG, OWNER_UID_TAG, ADOPT_ANNOTATION } from './controller/ownership.ts';
export { TerminalError, RetryableError } from './controller/errors.ts';
