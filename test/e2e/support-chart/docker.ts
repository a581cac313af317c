// The real images through the Docker engine that hack/images.sh installs and starts: build them, list
// their files, and run one container the way the chart's pod spec says (args, env, volumes,
// securityContext, memory limit), so the image test checks what a kubelet would start.
import { spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/env.ts';
import type { K8sObject } from './helm.ts';
import type { Component } from './rendered.ts';

export interface BuiltImage {
  name: string;
  id: string;
  sizeMB: number;
}

const imagesScript = join(repoRoot, 'hack', 'images.sh');

/** The docker CLI that matches the daemon hack/images.sh runs (another CLI may come first on PATH). */
export function dockerCli(): string {
  const r = spawnSync('bash', [imagesScript, 'docker'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`hack/images.sh docker failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** Whether a Docker daemon answers (hack/images.sh status). */
export function dockerdRunning(): boolean {
  return spawnSync('bash', [imagesScript, 'status'], { stdio: 'ignore' }).status === 0;
}

/** Stops the dockerd hack/images.sh started (by its recorded PID), for a run that found none running. */
export function stopDockerd(): void {
  const r = spawnSync('bash', [imagesScript, 'down'], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`hack/images.sh down failed: ${r.stderr}`);
}

export function docker(args: string[], opts: { timeoutMs?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(dockerCli(), args, {
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
}

export function dockerOk(args: string[]): string {
  const r = docker(args);
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** `image <name> id=<id> size=<n>MB` lines printed by hack/images.sh (its documented contract). */
export function parseBuiltImages(stdout: string): BuiltImage[] {
  return [...stdout.matchAll(/^image (\S+) id=(\S+) size=([\d.]+)MB$/gm)].map((m) => ({
    name: m[1] ?? '',
    id: m[2] ?? '',
    sizeMB: Number(m[3]),
  }));
}

/**
 * Builds both images through hack/images.sh, as CI does (it installs Docker if missing). A machine
 * where Docker cannot be had fails here with the script's own explanation: never a silent skip.
 */
export function buildImages(tag: string): Record<Component, BuiltImage> {
  const r = spawnSync('bash', [imagesScript], {
    encoding: 'utf8',
    env: { ...process.env, IMAGE_TAG: tag },
    timeout: 40 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    const why = r.error ? String(r.error) : `exit ${r.status}`;
    throw new Error(
      `hack/images.sh failed (${why}): no images were built, so this suite fails (it never skips). Its output:\n${r.stderr.slice(-4000)}`,
    );
  }
  const built = parseBuiltImages(r.stdout);
  const find = (c: Component): BuiltImage => {
    const image = built.find((b) => b.name === `dynamodb-operator-${c}:${tag}`);
    if (!image) throw new Error(`hack/images.sh printed no line for dynamodb-operator-${c}:${tag}:\n${r.stdout}`);
    return image;
  };
  return { webhook: find('webhook'), reconciler: find('reconciler') };
}

/** Every path in the image's filesystem (docker create + docker export | tar -t), without a leading slash. */
export function imageFiles(image: string): string[] {
  const id = dockerOk(['create', image]).trim();
  try {
    const r = spawnSync('sh', ['-c', `"$0" export "$1" | tar -t`, dockerCli(), id], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      timeout: 120_000,
    });
    if (r.status !== 0) throw new Error(`docker export ${image} | tar -t failed: ${r.stderr}`);
    return r.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.replace(/^\.?\//, '').replace(/\/$/, ''));
  } finally {
    docker(['rm', id]);
  }
}

interface SecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  fsGroup?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type: string };
}

interface HttpProbe {
  httpGet?: { path: string; port: string | number };
}

interface PodContainer {
  name: string;
  ports?: { name: string; containerPort: number }[];
  livenessProbe?: HttpProbe;
  readinessProbe?: HttpProbe;
  startupProbe?: HttpProbe;
  securityContext?: SecurityContext;
  resources?: { limits?: { memory?: string } };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

interface Volume {
  name: string;
  emptyDir?: { sizeLimit?: string };
  secret?: { secretName: string; defaultMode?: number };
  configMap?: { name: string };
}

interface PodSpec {
  securityContext?: SecurityContext;
  containers: PodContainer[];
  volumes?: Volume[];
}

/** Kubernetes quantity (Ki/Mi/Gi) → docker's `<n>k|m|g`. */
function dockerSize(quantity: string): string {
  const m = /^(\d+)(Ki|Mi|Gi)$/.exec(quantity);
  if (!m?.[1] || !m[2]) throw new Error(`quantity ${quantity}: only Ki, Mi and Gi are translated to docker`);
  return `${m[1]}${m[2][0]?.toLowerCase()}`;
}

/**
 * `docker run` flags for what the rendered pod spec asks of the container runtime. Pure: the test
 * asserts its translation as well as what the started process then has (/proc/<pid>/status).
 * Secret volumes become read-only bind mounts of the directories given in `secretDirs` (by volume
 * name); emptyDirs become tmpfs mounts of their sizeLimit. runAsNonRoot is enforced as the kubelet
 * does: no numeric non-zero user, no start.
 */
export function podRunFlags(deployment: K8sObject, component: Component, secretDirs: Record<string, string>): string[] {
  const spec = (deployment.spec as { template: { spec: PodSpec } }).template.spec;
  const container = containerOf(deployment, component);
  const pod = spec.securityContext ?? {};
  const sc = container.securityContext ?? {};
  const user = sc.runAsUser ?? pod.runAsUser;
  const group = sc.runAsGroup ?? pod.runAsGroup;
  if ((sc.runAsNonRoot ?? pod.runAsNonRoot) && (user === undefined || user === 0)) {
    throw new Error(`${component}: runAsNonRoot without a non-zero runAsUser`);
  }
  const flags: string[] = [];
  if (user !== undefined) flags.push('--user', group === undefined ? String(user) : `${user}:${group}`);
  if (pod.fsGroup !== undefined) flags.push('--group-add', String(pod.fsGroup));
  if (sc.readOnlyRootFilesystem) flags.push('--read-only');
  for (const cap of sc.capabilities?.drop ?? []) flags.push('--cap-drop', cap);
  for (const cap of sc.capabilities?.add ?? []) flags.push('--cap-add', cap);
  if (sc.allowPrivilegeEscalation === false) flags.push('--security-opt', 'no-new-privileges');
  const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
  // docker's default seccomp profile is the runtime default; anything else is not translated
  if (seccomp !== undefined && seccomp !== 'RuntimeDefault') throw new Error(`seccompProfile ${seccomp}`);
  const memory = container.resources?.limits?.memory;
  if (memory) flags.push('--memory', dockerSize(memory));
  for (const mount of container.volumeMounts ?? []) {
    const volume = spec.volumes?.find((v) => v.name === mount.name);
    if (volume?.emptyDir) {
      const size = volume.emptyDir.sizeLimit ? `,size=${dockerSize(volume.emptyDir.sizeLimit)}` : '';
      flags.push('--tmpfs', `${mount.mountPath}:rw,mode=1777${size}`);
    } else if (volume?.secret || volume?.configMap) {
      const dir = secretDirs[mount.name];
      if (!dir) throw new Error(`${component}: give a local directory for volume ${mount.name}`);
      flags.push('--mount', `type=bind,source=${dir},target=${mount.mountPath},readonly`);
    } else {
      throw new Error(`${component}: volume ${mount.name} is neither an emptyDir, a secret nor a configMap`);
    }
  }
  return flags;
}

function containerOf(deployment: K8sObject, component: Component): PodContainer {
  const spec = (deployment.spec as { template: { spec: PodSpec } }).template.spec;
  const container = spec.containers.find((c) => c.name === component);
  if (!container) throw new Error(`${deployment.metadata.name} has no container ${component}`);
  return container;
}

/** The HTTP probes the kubelet would run against the container: kind, path and port (named ports resolved). */
export function httpProbes(
  deployment: K8sObject,
  component: Component,
): { kind: string; path: string; port: number }[] {
  const container = containerOf(deployment, component);
  const probes = {
    liveness: container.livenessProbe,
    readiness: container.readinessProbe,
    startup: container.startupProbe,
  };
  return Object.entries(probes).flatMap(([kind, probe]) => {
    if (!probe) return [];
    if (!probe.httpGet) throw new Error(`${component} ${kind}Probe is not an httpGet probe`);
    const { path, port } = probe.httpGet;
    const resolved = typeof port === 'number' ? port : container.ports?.find((p) => p.name === port)?.containerPort;
    if (resolved === undefined) throw new Error(`${component} ${kind}Probe: no container port named ${port}`);
    return [{ kind, path, port: resolved }];
  });
}

export interface ProcessStatus {
  uid: string;
  gid: string;
  capEff: string;
  noNewPrivs: string;
}

/** The container's main process as the kernel sees it: its /proc/<pid>/status on this host. */
export function containerProcess(container: string): ProcessStatus {
  const pid = dockerOk(['inspect', '-f', '{{.State.Pid}}', container]).trim();
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): string => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1]?.trim() ?? '';
  return { uid: field('Uid'), gid: field('Gid'), capEff: field('CapEff'), noNewPrivs: field('NoNewPrivs') };
}
