// The container images. Without a Docker engine: hadolint lints the Dockerfile, and its structure is what
// the chart expects (two targets, non-root, distroless runtime, Node.js 24, production dependencies only).
// Then for real: hack/images.sh builds both images with Docker on this machine (as CI does, installing
// Docker if missing), and the images themselves are checked: size, user, entrypoint, their files (the
// bundle and production dependencies; no TypeScript, no dev dependency, no shell, no package manager),
// and each starts as the chart's pod spec says (args, env, volumes, read-only root, uid 65532, no
// capabilities, memory limit) and serves: the webhook its TLS port and /readyz, the reconciler /healthz
// and leadership through the test kube-apiserver.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { makeServingCert } from './support/certs.ts';
import { repoRoot } from './support/env.ts';
import { kubectl } from './support/kubectl.ts';
import { freePort } from './support/ports.ts';
import { waitFor } from './support/wait.ts';
import { parseDockerfile, stage } from './support-chart/dockerfile.ts';
import type { Stage } from './support-chart/dockerfile.ts';
import {
  buildImages,
  containerProcess,
  docker,
  dockerdRunning,
  httpProbes,
  dockerOk,
  imageFiles,
  podRunFlags,
  stopDockerd,
} from './support-chart/docker.ts';
import type { BuiltImage } from './support-chart/docker.ts';
import { ensureHadolint } from './support-chart/hadolint.ts';
import { configMapDirs, dockerfileEntrypoint, renderedProcess } from './support-chart/rendered.ts';
import type { Component, RenderedProcess } from './support-chart/rendered.ts';

function lint(dockerfile: string): { code: number; out: string } {
  const r = spawnSync(ensureHadolint(), ['--config', join(repoRoot, '.hadolint.yaml'), dockerfile], {
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** ARG defaults of the Dockerfile (for FROM ${...}). */
function argDefaults(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of readFileSync(join(repoRoot, 'Dockerfile'), 'utf8').matchAll(/^ARG (\w+)=(\S+)$/gm)) {
    if (m[1] && m[2]) out[m[1]] = m[2];
  }
  return out;
}

describe('images: Dockerfile', function () {
  this.timeout(300_000);
  let stages: Stage[];
  before(function () {
    stages = parseDockerfile();
  });

  it('passes hadolint (and hadolint really rejects a bad Dockerfile)', function () {
    const good = lint(join(repoRoot, 'Dockerfile'));
    expect(good.code, good.out).to.equal(0);
    const dir = mkdtempSync(join(tmpdir(), 'ddbop-hadolint-'));
    try {
      writeFileSync(join(dir, 'Dockerfile'), 'FROM node:latest\nRUN apt-get install curl\nUSER root\n');
      const bad = lint(join(dir, 'Dockerfile'));
      expect(bad.code).to.not.equal(0);
      expect(bad.out).to.contain('DL3007');
      expect(bad.out).to.contain('DL3002');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds one target per deployable, non-root, on a distroless Node.js 24 runtime, from production dependencies', function () {
    const args = argDefaults();
    const resolve = (image: string): string => image.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? '');
    expect(resolve(stage(stages, 'deps').from)).to.match(/^node:24[.-]/);
    // the builder runs the same Node.js as development and CI (hack/lib/node.sh)
    const devNode = /^DDBOP_NODE_VERSION=(\S+)$/m.exec(
      readFileSync(join(repoRoot, 'hack', 'lib', 'node.sh'), 'utf8'),
    )?.[1];
    expect(resolve(stage(stages, 'deps').from)).to.equal(`node:${devNode}-bookworm-slim`);
    expect(resolve(stage(stages, 'runtime').from)).to.match(/^gcr\.io\/distroless\/nodejs24-/);
    const npmCi = stage(stages, 'deps').instructions.find((i) => i.op === 'RUN' && i.args.includes('npm ci'));
    expect(npmCi?.args).to.contain('--omit=dev');
    const user = stage(stages, 'runtime').instructions.find((i) => i.op === 'USER');
    expect(user?.args).to.match(/^[1-9]\d*:[1-9]\d*$/);
    for (const target of ['webhook', 'reconciler']) {
      expect(stage(stages, target).from).to.equal('runtime');
      const entrypoint = dockerfileEntrypoint(target);
      expect(entrypoint).to.deep.equal(['/nodejs/bin/node', `dist/${target}/main.js`]);
      expect(
        stage(stages, target).instructions.some((i) => i.op === 'RUN'),
        `no RUN (no shell) in ${target}`,
      ).to.equal(false);
    }
  });
});

const DEV_DEPENDENCIES = ['mocha', 'typescript', 'eslint', 'chai', 'dynalite', 'esbuild', 'fast-check', 'prettier'];
// measured 235.5 MB: the 134 MB runtime base (Node.js is 120 MB of it), 97 MB production node_modules, a
// 4 MB dist/ (the reconciler bundle carries its dependencies); with the dev dependencies' node_modules
// instead it was 319 MB
const MAX_IMAGE_MB = 260;
const NS = 'default';
const id = `${process.pid}`;
const kubeconfigMount = '/var/run/ddbop-image-test';

async function httpOk(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url);
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}

function peerCertificate(port: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const raw = socket.getPeerCertificate().raw;
      socket.end();
      resolve(raw);
    });
    socket.on('error', reject);
  });
}

/** A directory as the kubelet mounts a Secret volume: files 0440, group fsGroup (65532). */
function secretDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ddbop-image-secret-'));
  chmodSync(dir, 0o755);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), content);
    chownSync(join(dir, name), 0, 65532);
    chmodSync(join(dir, name), 0o440);
  }
  return dir;
}

describe('images: built with Docker (hack/images.sh) and run as the chart says', function () {
  // a new machine installs docker.io and mmdebstrap and assembles the bases first (minutes)
  this.timeout(45 * 60_000);
  let images: Record<Component, BuiltImage>;
  let kubeconfigDir: string;
  const dirs: string[] = [];
  const containers: string[] = [];

  let dockerWasRunning = false;

  before(function () {
    // a daemon this run starts is stopped again in after(): the run leaves no process behind
    dockerWasRunning = dockerdRunning();
    const t0 = Date.now();
    // the tag hack/images.sh builds by default (IMAGE_TAG overrides it there and here)
    images = buildImages(process.env.IMAGE_TAG ?? 'dev');
    console.log(
      `      hack/images.sh: ${((Date.now() - t0) / 1000).toFixed(0)} s; ` +
        Object.values(images)
          .map((i) => `${i.name} ${i.sizeMB} MB`)
          .join(', '),
    );
    // Stands in for the pod's projected ServiceAccount token (the cluster suite covers that): the admin
    // kubeconfig of the test kube-apiserver, self-contained, readable by uid 65532.
    const flat = kubectl(['config', 'view', '--raw', '--flatten', '--minify']);
    if (flat.code !== 0) throw new Error(`kubectl config view: ${flat.stderr}`);
    kubeconfigDir = mkdtempSync(join(tmpdir(), 'ddbop-image-kubeconfig-'));
    chmodSync(kubeconfigDir, 0o755);
    writeFileSync(join(kubeconfigDir, 'kubeconfig'), flat.stdout, { mode: 0o444 });
    dirs.push(kubeconfigDir);
  });

  after(function () {
    for (const c of containers) docker(['rm', '-f', c]);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    kubectl(['delete', 'lease', `ddbop-images-${id}`, '-n', NS, '--ignore-not-found']);
    if (!dockerWasRunning) stopDockerd();
  });

  /** `docker run` of the image with the rendered pod spec; host network, so it serves on 127.0.0.1. */
  function run(p: RenderedProcess, flags: string[]): string {
    const name = `ddbop-image-test-${p.component}-${id}`;
    const env = Object.entries({ ...p.env, KUBECONFIG: `${kubeconfigMount}/kubeconfig` }).flatMap(([k, v]) => [
      '-e',
      `${k}=${v}`,
    ]);
    const mount = ['--mount', `type=bind,source=${kubeconfigDir},target=${kubeconfigMount},readonly`];
    docker(['rm', '-f', name]);
    containers.push(name);
    dockerOk([
      'run',
      '-d',
      '--name',
      name,
      '--network',
      'host',
      ...flags,
      ...mount,
      ...env,
      images[p.component].name,
      ...p.args,
    ]);
    return name;
  }

  function withLogs(container: string): (err: Error) => never {
    return (err) => {
      const logs = docker(['logs', '--tail', '80', container]);
      throw new Error(`${err.message}\n${container} log:\n${logs.stdout}${logs.stderr}`);
    };
  }

  /** The pod spec's liveness and readiness probes answer 200 (as the kubelet would see them). */
  async function probesPass(p: RenderedProcess, container: string): Promise<void> {
    const probes = httpProbes(p.deployment, p.component);
    expect(probes.map((x) => x.kind)).to.include.members(['liveness', 'readiness']);
    for (const probe of probes) {
      await waitFor(
        `${p.component} ${probe.kind} probe ${probe.path} on port ${probe.port}`,
        () => httpOk(`http://127.0.0.1:${probe.port}${probe.path}`),
        { timeoutMs: 60_000 },
      ).catch(withLogs(container));
    }
  }

  /** What the kernel says about the started process: the pod spec's user, no capabilities, no escalation. */
  function expectConfined(container: string): void {
    const proc = containerProcess(container);
    expect(proc.uid.split(/\s+/), 'real, effective, saved, fs uid').to.deep.equal(['65532', '65532', '65532', '65532']);
    expect(proc.gid.split(/\s+/)[0]).to.equal('65532');
    expect(proc.capEff, 'effective capabilities (drop ALL)').to.equal('0000000000000000');
    expect(proc.noNewPrivs, 'allowPrivilegeEscalation: false').to.equal('1');
    const host = JSON.parse(dockerOk(['inspect', '-f', '{{json .HostConfig}}', container])) as {
      ReadonlyRootfs: boolean;
    };
    expect(host.ReadonlyRootfs, 'readOnlyRootFilesystem').to.equal(true);
  }

  for (const component of ['webhook', 'reconciler'] as const) {
    it(`${component}: small, non-root, the Dockerfile's entrypoint, and only the bundle and production dependencies inside`, function () {
      const image = images[component];
      const config = JSON.parse(dockerOk(['image', 'inspect', '-f', '{{json .Config}}', image.name])) as {
        User: string;
        Entrypoint: string[];
        Env: string[];
        WorkingDir: string;
      };
      expect(config.User).to.equal('65532:65532');
      expect(config.Entrypoint).to.deep.equal(dockerfileEntrypoint(component));
      expect(config.WorkingDir).to.equal('/app');
      expect(config.Env).to.include('NODE_ENV=production');

      const files = imageFiles(image.name);
      expect(files).to.include('nodejs/bin/node');
      expect(files).to.include(`app/${dockerfileEntrypoint(component)[1]}`);
      for (const shell of [
        'bin/sh',
        'usr/bin/sh',
        'bin/bash',
        'usr/bin/bash',
        'bin/dash',
        'usr/bin/dash',
        'bin/busybox',
      ]) {
        expect(files, `no shell (${shell})`).not.to.include(shell);
      }
      for (const pm of [
        'usr/bin/apt',
        'usr/bin/apt-get',
        'usr/bin/dpkg',
        'usr/local/bin/npm',
        'app/node_modules/npm',
      ]) {
        expect(files, `no package manager (${pm})`).not.to.include(pm);
      }
      for (const dev of DEV_DEPENDENCIES) {
        expect(
          files.filter((f) => f === `app/node_modules/${dev}` || f.startsWith(`app/node_modules/${dev}/`)),
          `devDependency ${dev} left out`,
        ).to.deep.equal([]);
      }
      expect(files.filter((f) => f.startsWith('app/node_modules/')).length, 'production dependencies').to.be.above(100);
      // no TypeScript sources: only the bundle (declaration files inside node_modules are not sources)
      expect(files.filter((f) => f === 'app/packages' || f.startsWith('app/packages/'))).to.deep.equal([]);
      expect(
        files.filter((f) => f.startsWith('app/') && !f.startsWith('app/node_modules/') && f.endsWith('.ts')),
      ).to.deep.equal([]);
      expect(image.sizeMB, `${image.name} size in MB`).to.be.within(1, MAX_IMAGE_MB);
    });
  }

  it('webhook: starts with the rendered pod spec (read-only root, uid 65532, no capabilities) and serves its certificate and its liveness and readiness probes', async function () {
    this.timeout(120_000);
    const ports = { https: await freePort(), metrics: await freePort() };
    const p = renderedProcess(
      'webhook',
      { webhook: { securePort: ports.https, metricsPort: ports.metrics } },
      { namespace: NS, podName: `ddbop-image-test-webhook-${id}` },
    );
    const cert = makeServingCert(['127.0.0.1']);
    const certs = secretDir({ 'tls.crt': cert.certPem, 'tls.key': cert.keyPem });
    dirs.push(certs);
    const flags = podRunFlags(p.deployment, 'webhook', { 'serving-certs': certs, ...configMapDirs(p) });
    const joined = flags.join(' ');
    for (const f of [
      '--user 65532:65532',
      '--read-only',
      '--cap-drop ALL',
      '--security-opt no-new-privileges',
      '--memory 256m',
    ]) {
      expect(joined, 'pod spec → docker run').to.contain(f);
    }
    expect(joined).to.contain('--tmpfs /tmp:');
    expect(joined).to.contain(`target=${p.volumeMounts['serving-certs']},readonly`);

    const container = run(p, flags);
    await probesPass(p, container);
    const served = await peerCertificate(ports.https);
    expect(new X509Certificate(served).fingerprint256).to.equal(new X509Certificate(cert.certPem).fingerprint256);
    expectConfined(container);
  });

  it('reconciler: starts with the rendered pod spec (read-only root, uid 65532, no capabilities), passes its liveness and readiness probes and leads through the test kube-apiserver', async function () {
    this.timeout(120_000);
    const ports = { metrics: await freePort(), health: await freePort() };
    const lease = `ddbop-images-${id}`;
    const p = renderedProcess(
      'reconciler',
      { reconciler: { metricsPort: ports.metrics, healthPort: ports.health, leaderElection: { id: lease } } },
      { namespace: NS, podName: `ddbop-image-test-reconciler-${id}` },
    );
    const flags = podRunFlags(p.deployment, 'reconciler', configMapDirs(p));
    const joined = flags.join(' ');
    for (const f of [
      '--user 65532:65532',
      '--read-only',
      '--cap-drop ALL',
      '--security-opt no-new-privileges',
      '--memory 512m',
    ]) {
      expect(joined, 'pod spec → docker run').to.contain(f);
    }

    const container = run(p, flags);
    await probesPass(p, container);
    await waitFor(
      'leader_election_master_status 1',
      async () =>
        /^leader_election_master_status\{[^}]*\} 1$/m.test(
          (await httpOk(`http://127.0.0.1:${ports.metrics}/metrics`)) ?? '',
        ),
      { timeoutMs: 60_000 },
    ).catch(withLogs(container));
    const holder = kubectl(['get', 'lease', lease, '-n', NS, '-o', 'jsonpath={.spec.holderIdentity}']);
    // identity <hostname>_<pid>: pid 1 is the container's own PID namespace (this container holds it, no
    // other reconciler on the machine); the hostname is the host's under --network host (a pod's is its name)
    expect(holder.stdout).to.equal(`${hostname()}_1`);
    expectConfined(container);
  });
});
