// Public part of the schemas. Limits (NAME_PATTERN, MAX_GSIS, …) stay internal: rules/limits.ts owns
// the public ones, and two `export *` of one name would clash in the package index.
export {
  attributeTypeSchema,
  billingModeSchema,
  conditionSchema,
  conditionsSchema,
  deletionPolicySchema,
  encryptionSchema,
  keyTypeSchema,
  objectMetaSchema,
  projectionTypeSchema,
  providerRefSchema,
  streamViewTypeSchema,
  tableClassSchema,
  timeToLiveSchema,
} from './common.ts';
export * from './awsprovider.ts';
export * from './cluster-awsprovider.ts';
export * from './dynamodbtable.ts';
export * from './dynamodb.ts';
export * from './table-status.ts';
export type { ImportSpec, ImportStatus, RestoreSpec, RestoreStatus } from './create-from.ts';
export * from './objects.ts';
export * from './paths.ts';
export { closest, schemaAt, issuesToFieldErrors } from './issues.ts';
export * from './parse.ts';
