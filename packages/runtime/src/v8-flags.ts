// V8 flags (and the environment variables the C library reads at start) are set by each binary in code,
// the same way for both: the process re-executes itself in place with what is missing. This, rather than
// NODE_OPTIONS in the chart, so that every way of starting a binary (the image, `node dist/…/main.js`,
// the e2e suites, the benchmarks) runs with the settings that were measured; a deployment can still
// override a flag through NODE_OPTIONS (a flag given there or in execArgv, or its negation, is not added
// again: `--opt` keeps our `--no-opt` out), which is how the chart passes what depends on the container's
// memory limit (--max-old-space-size). (Node allows only some V8 flags in NODE_OPTIONS: `--opt` is not
// one of them, so the reconciler's compilers have a variable of their own, see its process-settings.ts.)
// process.execve keeps the PID, file descriptors and signal delivery: no child process is left behind.
// DDBOP_NO_REEXEC=1, or a Node without process.execve, skips it.

export interface ProcessSettings {
  /** V8 flags, e.g. `--max-semi-space-size=8`. */
  flags: readonly string[];
  /** Variables read only at start (e.g. glibc's MALLOC_ARENA_MAX); one already set is kept. */
  env?: Readonly<Record<string, string>>;
}

/**
 * glibc malloc settings both deployables run with (read only at start, hence the re-exec): two arenas
 * instead of up to eight per core, and fixed mmap and trim thresholds, so the blocks of tens of
 * kilobytes that V8's parser and compilers malloc and free go back to the kernel instead of staying
 * resident as holes in glibc's heap (figures: the reconciler's process-settings.ts, the webhook's main.ts).
 */
export const MALLOC_SETTINGS: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '32768',
  MALLOC_TRIM_THRESHOLD_: '0',
};

export interface Missing {
  flags: string[];
  env: Record<string, string>;
}

const flagName = (flag: string): string => flag.split('=')[0] ?? flag;

/** Pure: the flags and variables of `settings` that the running process does not have yet. */
export function missingSettings(
  settings: ProcessSettings,
  execArgv: readonly string[],
  env: NodeJS.ProcessEnv,
): Missing {
  const given = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)].map(flagName);
  // `--opt` given overrides our `--no-opt` (and the other way round): it names the same V8 setting.
  const canonical = (name: string) => name.replaceAll('_', '-').replace(/^--no-/, '--');
  return {
    flags: settings.flags.filter((f) => !given.some((g) => canonical(g) === canonical(flagName(f)))),
    env: Object.fromEntries(Object.entries(settings.env ?? {}).filter(([k]) => env[k] === undefined)),
  };
}

/** Re-executes this process with the missing settings; returns only when there is nothing to add. */
export function applyProcessSettings(settings: ProcessSettings): void {
  const missing = missingSettings(settings, process.execArgv, process.env);
  if (missing.flags.length === 0 && Object.keys(missing.env).length === 0) return;
  if (process.env.DDBOP_NO_REEXEC === '1' || typeof process.execve !== 'function') return;
  process.execve(
    process.execPath,
    [process.execPath, ...missing.flags, ...process.execArgv, ...process.argv.slice(1)],
    { ...process.env, ...missing.env },
  );
}
