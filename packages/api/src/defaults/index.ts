export * from './apply-defaults.ts';
