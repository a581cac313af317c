// Auto scaling through Application Auto Scaling: desired targets from the model, the calls that make
// AWS match, and the capacity the table planner keeps while a scaler owns it. Pure.
export * from './targets.ts';
export * from './requests.ts';
export * from './plan.ts';
export * from './capacity.ts';
