// `node packages/reconciler/src/main.ts [flags]`: the reconciler process.
//
// V8 flags for a controller, which holds a modest, long-lived cache and churns through bursts of
// short-lived request objects (a resync wave, a start-up pass over every object):
// - --max-semi-space-size=8: a young generation of at most 16 MB (Node 24's default grows to 128 MB;
//   with 16 it kept 32 MB committed at 10,000 objects);
// - --optimize-for-size: V8 keeps the pages a burst freed in a pool, resident, until a memory-reducing
//   GC gives them back; by default that never came once the reconciler was idle (RSS stayed at the
//   burst's high-water mark), with this flag it comes a few seconds after the burst.
// The process first re-executes itself in place with those flags: process.execve keeps the PID, file
// descriptors and signal delivery, so no child process is left behind. A flag already given (execArgv
// or NODE_OPTIONS) is not added again; DDBOP_NO_REEXEC=1, or a Node without process.execve, skips this.
const FLAGS = ['--max-semi-space-size=8', '--optimize-for-size'];
const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
const missing = FLAGS.filter((f) => !given.some((g) => g.startsWith(f.split('=')[0] ?? f)));
if (missing.length > 0 && process.env.DDBOP_NO_REEXEC !== '1' && typeof process.execve === 'function') {
  process.execve(
    process.execPath,
    [process.execPath, ...missing, ...process.execArgv, ...process.argv.slice(1)],
    process.env,
  );
}
await import('./run.ts');
