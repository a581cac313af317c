// Public surface of @dynamodb-operator/api: pure functions only (zod is its one dependency).
// The webhook, the reconciler and the CLI import from here and nowhere deeper.
export * from './model.ts';
export * from './schemas/index.ts';
export * from './normalise/index.ts';
export * from './defaults/index.ts';
export * from './render/index.ts';
export * from './crd/index.ts';
export * from './plan/index.ts';
export * from './autoscaling/index.ts';
export * from './rules/index.ts';
export * from './access/metrics-auth.ts';
export * from './tenancy/index.ts';
export * from './management/annotations.ts';
export * from './access/rest-client.ts';
