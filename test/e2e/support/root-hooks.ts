// Mocha root-hook plugin for the e2e suites: brings the real environment up once per run (or reuses one
// that is already running), applies the generated CRDs and waits until they are Established, and at the
// end stops every process the tests started. It also builds dist/ (the images' bundle), which the chart
// suites start as the Deployments would. The environment is taken down afterwards only when this
// run brought it up, DDBOP_KEEP_ENV is not 1, and no other live test run is using it (several engineers
// share one working tree, so each run leaves a lease file under .testenv/users/).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { buildDeployables } from '../../../hack/build.ts';
import { repoRoot, testEnv, testenvDir } from './env.ts';
import { kubectl } from './kubectl.ts';
import { stopAllProcesses } from './processes.ts';

const testenvScript = join(repoRoot, 'hack', 'testenv.sh');
const crdDir = join(repoRoot, 'charts', 'dynamodb-operator', 'crds');
const usersDir = join(testenvDir, 'users');
const leaseFile = join(usersDir, String(process.pid));
let broughtUpByUs = false;

function envIsRunning(): boolean {
  return spawnSync('bash', [testenvScript, 'status'], { stdio: 'ignore' }).status === 0;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function otherLiveUsers(): number[] {
  if (!existsSync(usersDir)) return [];
  return readdirSync(usersDir)
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid !== process.pid && isAlive(pid));
}

function applyCrds(): void {
  if (!existsSync(crdDir)) {
    throw new Error(`${crdDir} does not exist: generate the CRDs with \`npm run crds\`.`);
  }
  const applied = kubectl(['apply', '--server-side', '--force-conflicts', '-f', crdDir]);
  if (applied.code !== 0) {
    throw new Error(`kubectl apply -f ${crdDir} failed (exit ${applied.code}):\n${applied.stderr}${applied.stdout}`);
  }
  const established = kubectl(['wait', '--for=condition=Established', '--timeout=60s', '-f', crdDir]);
  if (established.code !== 0) {
    throw new Error(`CRDs in ${crdDir} did not become Established within 60 s:\n${established.stderr}`);
  }
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    // a cold machine builds kube-apiserver, etcd and helm from source: no mocha timeout fits that
    this.timeout(0);
    mkdirSync(usersDir, { recursive: true });
    writeFileSync(leaseFile, `${new Date().toISOString()}\n`);
    if (!envIsRunning()) {
      const up = spawnSync('bash', [testenvScript, 'up'], { stdio: 'inherit' });
      if (up.status !== 0) throw new Error(`hack/testenv.sh up failed (exit ${up.status ?? up.signal}); see above`);
      broughtUpByUs = true;
    }
    const env = testEnv();
    // so clients built from the default kubeconfig and child processes see the test cluster's tools
    process.env.KUBECONFIG = env.kubeconfig;
    process.env.PATH = `${env.binDir}${delimiter}${process.env.PATH ?? ''}`;
    process.env.MOTO_ENDPOINT = env.motoEndpoint;
    process.env.DYNALITE_ENDPOINT = env.dynaliteEndpoint;
    applyCrds();
    // the chart suites and the playground run the deployables as the images do: from the bundle
    await buildDeployables();
  },

  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(120_000);
    await stopAllProcesses();
    rmSync(leaseFile, { force: true });
    if (!broughtUpByUs || process.env.DDBOP_KEEP_ENV === '1') return;
    const others = otherLiveUsers();
    if (others.length > 0) {
      console.log(`test environment left running: still used by test runs ${others.join(', ')}`);
      return;
    }
    spawnSync('bash', [testenvScript, 'down'], { stdio: 'inherit' });
  },
};
