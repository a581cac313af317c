// Re-exports kept for modules that were written against the first contract (rules/object.ts imports
// from here). New code imports from the modules themselves or from the package index; delete this file
// once nothing imports it.
export { parseObject } from './schemas/parse.ts';
export type { ParseResult } from './schemas/parse.ts';
export type { Condition, KnownObject, ObjectMeta } from './schemas/objects.ts';
export { toTableModel } from './normalise/index.ts';
export { applyDefaults } from './defaults/index.ts';
export type { DefaultsConfig } from './defaults/index.ts';
export { renderContinuousBackupsInput, renderCreateTableInput, renderTimeToLiveInput } from './render/index.ts';
export type { AwsTag, CreateTableRequest } from './render/index.ts';

export { customResourceDefinitions } from './crd/index.ts';
