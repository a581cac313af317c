// What `dev up` started, so that `dev down` (another process) stops exactly that and nothing else.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterState } from './cluster.ts';

export interface DevState {
  /** true when this playground brought the test environment up (and so `down` takes it down) */
  startedTestenv: boolean;
  processes: { name: string; pid: number }[];
  webhookConfigurations: string[];
  /** `--cluster`: the helm release in the single-node cluster */
  cluster?: ClusterState;
}

export function stateFile(devDir: string): string {
  return join(devDir, 'state.json');
}

export function readState(devDir: string): DevState | undefined {
  const file = stateFile(devDir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DevState) : undefined;
}

export function writeState(devDir: string, state: DevState): void {
  mkdirSync(devDir, { recursive: true });
  writeFileSync(stateFile(devDir), `${JSON.stringify(state, null, 2)}\n`);
}

export function clearState(devDir: string): void {
  rmSync(stateFile(devDir), { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
