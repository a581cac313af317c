export * from './generate.ts';
export { toStructuralSchema } from './structural.ts';
export type { JsonSchema } from './structural.ts';
