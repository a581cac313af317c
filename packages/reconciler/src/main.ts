// `node packages/reconciler/src/main.ts [flags]`: the reconciler process.
//
// V8's young generation grows to 128 MB by default (Node 24). For a controller, which holds a
// modest, long-lived cache and churns through short-lived request objects, that is most of the
// resident memory. So the process first re-executes itself in place, with
// --max-semi-space-size=16: process.execve keeps the PID, file descriptors and signal delivery, so
// no child process is left behind. The re-exec is skipped when the flag is already set
// (execArgv or NODE_OPTIONS), when DDBOP_NO_REEXEC=1, or when this Node has no process.execve.
const FLAG = '--max-semi-space-size';
const hasFlag = process.execArgv.some((a) => a.startsWith(FLAG)) || (process.env.NODE_OPTIONS ?? '').includes(FLAG);
if (!hasFlag && process.env.DDBOP_NO_REEXEC !== '1' && typeof process.execve === 'function') {
  process.execve(
    process.execPath,
    [process.execPath, `${FLAG}=16`, ...process.execArgv, ...process.argv.slice(1)],
    process.env,
  );
}
await import('./run.ts');
