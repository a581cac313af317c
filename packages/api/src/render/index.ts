// Only the request types are public: the element types (AwsKeyElement, …) would clash with plan/'s own.
export type { AwsTag, CreateTableRequest, UpdateContinuousBackupsRequest, UpdateTimeToLiveRequest } from './types.ts';
export * from './create-table.ts';
export * from './tags.ts';
export * from './backups-ttl.ts';
export * from './throughput.ts';
export * from './replicas.ts';
export * from './access-insights.ts';
export * from './create-from.ts';
