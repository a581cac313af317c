// Processes a test starts (the webhook, the reconciler, …): output goes to .testenv/logs/<name>.log so
// a failing test can show it, and every one is stopped in the root after-all hook even when the test
// forgot to — or when mocha itself exits early.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, testenvDir } from './env.ts';

export interface ManagedProcess {
  pid: number;
  logFile: string;
  /** Sends the signal (SIGTERM by default) to the process group; SIGKILL after 10 s; resolves once exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Everything the process wrote so far (stdout and stderr interleaved). */
  logs(): string;
}

const running = new Set<ManagedProcess>();

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // negative pid: the whole process group, so children of a wrapper script go too
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

export function startProcess(
  name: string,
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv } = {},
): ManagedProcess {
  const logsDir = join(testenvDir, 'logs');
  mkdirSync(logsDir, { recursive: true });
  const logFile = join(logsDir, `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.log`);
  const fd = openSync(logFile, 'w');
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: opts.env ?? process.env,
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  closeSync(fd);
  if (child.pid === undefined) {
    throw new Error(`could not start ${name} (${command} ${args.join(' ')}): no pid; see ${logFile}`);
  }
  let exited = child.exitCode !== null || child.signalCode !== null;
  const exitPromise = new Promise<void>((resolveExit) => {
    if (exited) resolveExit();
    child.once('exit', () => {
      exited = true;
      resolveExit();
    });
    child.once('error', () => {
      exited = true;
      resolveExit();
    });
  });

  const managed: ManagedProcess = {
    pid: child.pid,
    logFile,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      running.delete(managed);
      if (!exited) {
        signalGroup(child, signal);
        const killTimer = setTimeout(() => signalGroup(child, 'SIGKILL'), 10_000);
        await exitPromise;
        clearTimeout(killTimer);
      }
    },
    logs() {
      return existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    },
  };
  running.add(managed);
  child.once('exit', () => running.delete(managed));
  return managed;
}

/** Stops every process started through startProcess that is still running. */
export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

// Last resort when mocha exits without running the after-all hook (e.g. --bail, uncaught error):
// synchronous SIGKILL of every process group we started, so nothing is left behind on the machine.
process.once('exit', () => {
  for (const p of running) {
    try {
      process.kill(-p.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});
