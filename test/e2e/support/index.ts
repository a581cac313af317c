// Helpers for the end-to-end suites: the real environment from hack/testenv.sh (kube-apiserver, etcd,
// kubectl, helm, promtool, moto, dynalite), driven the way a user drives it — through the real kubectl.
// The root hook (root-hooks.ts) brings the environment up; these helpers only read what it wrote.
export { testEnv, loadTestEnvFile } from './env.ts';
export type { TestEnv } from './env.ts';
export { kubectl, applyYaml } from './kubectl.ts';
export type { CommandResult } from './kubectl.ts';
export { waitFor } from './wait.ts';
export { freePort, portOpen } from './ports.ts';
export { startProcess, stopAllProcesses } from './processes.ts';
export type { ManagedProcess } from './processes.ts';
export { makeServingCert } from './certs.ts';
export type { ServingCert } from './certs.ts';
