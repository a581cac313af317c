// Changing live tables: observe (four reads) and execute one plan step (one write).
export { observeTable } from './observe.ts';
export type { ObserveOptions } from './observe.ts';
export { executeStep, StepBlockedError } from './execute.ts';
export type { ExecuteOptions, StepResult } from './execute.ts';
export { requestFor } from './requests.ts';
export type { StepRequest } from './requests.ts';
export { observeWith } from './observe.ts';
export { createPlanConverger } from './converge.ts';
export type { PlanConverger, PlanConvergerOptions } from './converge.ts';
export { markRead, nextRead, neverRead } from './rotation.ts';
export type { DeepRead, ReadKind, ReadTimes, RotationPeriods } from './rotation.ts';
export { aspectSteps, steadyRead } from './steady-read.ts';
export { ConvergeMemory, isSteady } from './memory.ts';
export type { TableMemo } from './memory.ts';
export { chooseStep, holdUntil, pruneSent, stepKey } from './choose.ts';
export type { Choice, HoldPolicy, SentSteps } from './choose.ts';
