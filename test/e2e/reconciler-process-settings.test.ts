// The reconciler bundle (as the image runs it) re-executes itself with its measured memory settings:
// V8 flags and glibc's malloc variables, in place (same PID). The chart's reconciler.optimizingCompilers
// (DDBOP_OPTIMIZING_COMPILERS=true) keeps V8's optimising compilers; a flag the user passes, or its
// negation, wins over ours.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { BUILT_ENTRYPOINTS } from '../../hack/build.ts';
import { freePort, startProcess, testEnv, waitFor } from './support/index.ts';
import type { ManagedProcess } from './support/index.ts';

const env = testEnv();

interface Observed {
  args: string[];
  /** The glibc malloc variables it runs with. */
  malloc: Record<string, string>;
  /** Its V8 helper threads, from /proc/PID/task/N/comm. */
  v8Workers: number;
}

/** Starts the bundle, waits until it serves /healthz, and reads its command line and environment from /proc. */
async function observe(nodeArgs: string[], extraEnv: Record<string, string>): Promise<Observed> {
  const healthPort = await freePort();
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(childEnv))
    if (name.startsWith('MALLOC_') || ['DDBOP_NO_REEXEC', 'DDBOP_OPTIMIZING_COMPILERS', 'NODE_OPTIONS'].includes(name))
      delete childEnv[name];
  const proc: ManagedProcess = startProcess(
    `reconciler-process-settings-${Object.keys(extraEnv).join('-') || nodeArgs.join('') || 'default'}`,
    process.execPath,
    [
      ...nodeArgs,
      join(env.root, BUILT_ENTRYPOINTS.reconciler),
      `--kubeconfig=${env.kubeconfig}`,
      '--watch-namespace=reconciler-process-settings',
      '--metrics-bind-address=127.0.0.1:0',
      `--health-probe-bind-address=127.0.0.1:${healthPort}`,
      '--leader-elect=false',
    ],
    { env: { ...childEnv, ...extraEnv } },
  );
  try {
    await waitFor('the reconciler to serve /healthz', async () => {
      const res = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
      return res.ok;
    });
    // the PID the test started is the one serving: the re-exec replaced the program in place
    const args = readFileSync(`/proc/${proc.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const environ = readFileSync(`/proc/${proc.pid}/environ`, 'utf8').split('\0');
    const malloc = Object.fromEntries(
      environ
        .filter((v) => v.startsWith('MALLOC_'))
        .map((v) => [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)]),
    );
    const v8Workers = readdirSync(`/proc/${proc.pid}/task`).filter(
      (tid) => readFileSync(`/proc/${proc.pid}/task/${tid}/comm`, 'utf8').trim() === 'V8Worker',
    ).length;
    return { args, malloc, v8Workers };
  } finally {
    await proc.stop();
  }
}

describe('reconciler process settings (the bundle re-executes itself in place)', function () {
  it('runs with the young generation capped, the GC exposed, one V8 helper thread, baseline code flushed, no optimising compilers and glibc malloc tuned', async function () {
    const seen = await observe([], {});
    expect(seen.args).to.include.members([
      '--max-semi-space-size=8',
      '--expose-gc',
      '--v8-pool-size=1',
      '--flush-baseline-code',
      '--no-opt',
      '--no-maglev',
    ]);
    expect(seen.v8Workers).to.equal(1);
    expect(seen.malloc).to.deep.equal({
      MALLOC_ARENA_MAX: '2',
      MALLOC_MMAP_THRESHOLD_: '32768',
      MALLOC_TRIM_THRESHOLD_: '0',
      MALLOC_TOP_PAD_: '0',
    });
  });

  it('keeps the optimising compilers with DDBOP_OPTIMIZING_COMPILERS=true (the chart value)', async function () {
    const seen = await observe([], { DDBOP_OPTIMIZING_COMPILERS: 'true' });
    expect(seen.args).to.include.members(['--max-semi-space-size=8', '--expose-gc']);
    expect(seen.args).not.to.include('--no-opt');
    expect(seen.args).not.to.include('--no-maglev');
  });

  it('lets a flag given on the command line, or its negation, win over its own', async function () {
    const seen = await observe(['--max-semi-space-size=2', '--opt'], { MALLOC_ARENA_MAX: '1' });
    expect(seen.args).to.include.members(['--max-semi-space-size=2', '--opt', '--no-maglev']);
    expect(seen.args).not.to.include('--max-semi-space-size=8');
    expect(seen.args).not.to.include('--no-opt');
    expect(seen.malloc).to.include({ MALLOC_ARENA_MAX: '1', MALLOC_MMAP_THRESHOLD_: '32768' });
  });
});
