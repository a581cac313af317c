// Public surface of the rules: validateTable (on the model), validateProvider (on an AWSProvider) and
// validateObject (the whole pipeline for any of the three kinds).
export { TABLE_RULES, validateTable } from './table.ts';
export { validateProvider } from './provider.ts';
export { validateClusterProvider } from './cluster-provider.ts';
export { validateObject } from './object.ts';
export { CAPACITY_MANAGEMENT_ANNOTATION, checkCapacityManagement } from './capacity-management.ts';
export { checkManagement } from './management.ts';
export * as limits from './limits.ts';
