export * from './apply-defaults.ts';
export * from './canonical.ts';
