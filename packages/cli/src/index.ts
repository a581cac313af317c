// Programmatic entry points of the CLI (tests and tools); the executable is main.ts.
export { runValidate, validateFiles } from './commands/validate.ts';
export { crdFiles, runCrds } from './commands/crds.ts';
export { runRender } from './commands/render.ts';
