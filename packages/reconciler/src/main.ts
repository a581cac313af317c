// `node packages/reconciler/src/main.ts [flags]`: the reconciler process.
//
// Memory settings for a controller, which holds a modest, long-lived cache and churns through bursts
// of short-lived request objects (a resync wave, a start-up pass over every object, bulk creates):
// - --max-semi-space-size=8: a young generation of at most 16 MB (Node 24's default grows to 128 MB);
// - --expose-gc, for the memory reducer (observability/memory-reducer.ts): V8 keeps the pages a burst
//   freed in a pool, resident, and by default never gives them back once the reconciler is idle; the
//   reducer runs one memory-reducing GC after each burst. (`--optimize-for-size` did the same from
//   inside V8, but also capped the young generation at 1 MB and cost 30-80% more CPU on bulk creates.)
// - --no-opt --no-maglev: no optimising compilers (the interpreter and Sparkplug's baseline code only).
//   Their machine code is in the node binary, paged in once a function gets hot: 7-8 MB of resident
//   memory, for a controller whose time goes to I/O, JSON and crypto in C++ (bulk creates measured the
//   same CPU seconds with and without them).
// - MALLOC_ARENA_MAX=2: glibc gives each thread that mallocs (libuv's pool, V8's GC helpers) an arena
//   of its own, up to 8 per core, each keeping what was freed in it; two are plenty for one JS thread.
//   glibc reads it at start, hence the re-exec.
// The process first re-executes itself in place with those settings: process.execve keeps the PID,
// file descriptors and signal delivery, so no child process is left behind. A flag already given
// (execArgv or NODE_OPTIONS) or a variable already set is not added again; DDBOP_NO_REEXEC=1, or a
// Node without process.execve, skips this.
import { startMemoryReducer } from './observability/memory-reducer.ts';

const FLAGS = ['--max-semi-space-size=8', '--expose-gc', '--no-opt', '--no-maglev'];
const ENV: Record<string, string> = { MALLOC_ARENA_MAX: '2' };
const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
const missing = FLAGS.filter((f) => !given.some((g) => g.startsWith(f.split('=')[0] ?? f)));
const unset = Object.entries(ENV).filter(([k]) => process.env[k] === undefined);
if (
  (missing.length > 0 || unset.length > 0) &&
  process.env.DDBOP_NO_REEXEC !== '1' &&
  typeof process.execve === 'function'
) {
  process.execve(process.execPath, [process.execPath, ...missing, ...process.execArgv, ...process.argv.slice(1)], {
    ...process.env,
    ...Object.fromEntries(unset),
  });
}
startMemoryReducer();
await import('./run.ts');
