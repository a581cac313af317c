// The reconciler's process settings, which main.ts re-executes itself with (and the memory bench's floor
// reuses, so that it measures the same V8).
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
//   same CPU seconds with and without them). DDBOP_OPTIMIZING_COMPILERS=true (the chart's
//   reconciler.optimizingCompilers) keeps them: ~13% less CPU on bulk creates for ~10-20 MB more RSS.
// - --v8-pool-size=1: one V8 helper thread (concurrent marking, sweeping, Sparkplug) instead of four; each
//   keeps its own allocation buffers and stack. Memory bench, four variants side by side: RSS -0.8 MB at
//   200 tables and -1.9 MB at 1,000, the same CPU seconds for the 1,000 creates (26.8 / 27.3).
// - --flush-baseline-code: V8 drops the bytecode of a function unused over several GCs, but not once
//   Sparkplug has compiled it, which start-up and a burst's one-off paths all reach; with this flag both
//   go. Memory bench, side by side, three runs: RSS -0.4 / -0.4 / -1.7 MB at 200 tables, -0.9 / +1.8 /
//   -1.4 MB at 1,000, CPU of the 1,000 creates within 2%.
// - MALLOC_ARENA_MAX=2: glibc gives each thread that mallocs (libuv's pool, V8's GC helpers) an arena
//   of its own, up to 8 per core, each keeping what was freed in it; two are plenty for one JS thread.
//   glibc reads it at start, hence the re-exec.
// - MALLOC_MMAP_THRESHOLD_=32768 MALLOC_TRIM_THRESHOLD_=0: V8's parser and compilers take their work
//   memory from malloc in blocks of tens of kilobytes and free it after each script or function; glibc
//   raises its mmap threshold as blocks come and go and then keeps such blocks in its heap, where the
//   holes a burst leaves stay resident. Fixed thresholds hand those blocks back to the kernel on free:
//   memory bench, same run, RSS 81.0 -> 79.0 MB at 200 tables and 96.3 -> 83.9 MB at 1,000, the same
//   CPU seconds for the 1,000 creates (17.3 / 17.4).
// - MALLOC_TOP_PAD_=0 (the reconciler only): glibc grows and trims its heaps with 128 kB of slack each
//   time; without it, the heap a burst leaves behind is smaller. Memory bench, side by side, three pairs:
//   RSS -0.8 / -1.2 / -1.2 MB at 200 tables, the same CPU seconds for the 200 creates. The webhook keeps
//   the slack: its throughput was not measured without it.
import { MALLOC_SETTINGS } from '@dynamodb-operator/runtime';
import type { ProcessSettings } from '@dynamodb-operator/runtime';

/** V8 flags and malloc variables; `optimizingCompilers` (DDBOP_OPTIMIZING_COMPILERS=true) keeps Maglev and TurboFan. */
export function reconcilerProcess(optimizingCompilers: boolean): ProcessSettings {
  return {
    flags: [
      '--max-semi-space-size=8',
      '--expose-gc',
      '--v8-pool-size=1',
      '--flush-baseline-code',
      ...(optimizingCompilers ? [] : ['--no-opt', '--no-maglev']),
    ],
    env: { ...MALLOC_SETTINGS, MALLOC_TOP_PAD_: '0' },
  };
}
