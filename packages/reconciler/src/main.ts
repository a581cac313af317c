// `node packages/reconciler/src/main.ts [flags]`: the reconciler process.
//
// Memory settings for a controller: see process-settings.ts (what each setting is for, and its figures).
// The process first re-executes itself in place with those settings (@dynamodb-operator/runtime,
// applyProcessSettings, as the webhook does with its own): a flag already given (execArgv or
// NODE_OPTIONS) or a variable already set is not added again; DDBOP_NO_REEXEC=1 skips this.
import { applyProcessSettings } from '@dynamodb-operator/runtime';
import { startMemoryReducer } from './observability/memory-reducer.ts';
import { reconcilerProcess } from './process-settings.ts';

applyProcessSettings(reconcilerProcess(process.env.DDBOP_OPTIMIZING_COMPILERS === 'true'));
startMemoryReducer();
await import('./run.ts');
