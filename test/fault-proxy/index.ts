// Test-only fault-injecting proxy for DynamoDB emulators.
export { startFaultProxy } from './proxy.ts';
export type { CallRecord, FaultProxy, FaultProxyOptions } from './proxy.ts';
export type { FaultAction, FaultRule } from './faults.ts';
export { FaultSet } from './faults.ts';
export { DEFAULT_TIMINGS, Lifecycle } from './lifecycle.ts';
export type { LifecycleTimings } from './lifecycle.ts';
