export * from './apply-defaults.ts';
export * from './canonical.ts';
export * from './json-clone.ts';
