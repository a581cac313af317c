// Planning changes to a live table: observe → plan → (executor elsewhere) → observe again.
export * from './observed.ts';
export * from './steps.ts';
export * from './normal.ts';
export * from './plan.ts';
export * from './describe.ts';
export * from './drift.ts';
export * from './throughput.ts';
export * from './replicas.ts';
export * from './access-insights.ts';
