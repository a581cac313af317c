export * from './to-table-model.ts';
