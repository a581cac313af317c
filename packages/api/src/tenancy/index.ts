export * from './policy.ts';
export * from './label-selector.ts';
export * from './cluster-provider.ts';
