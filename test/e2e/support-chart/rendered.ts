// The processes exactly as the chart's Deployments start them: entrypoint from the Dockerfile target,
// args and env from `helm template`. The playground and the smoke tests start the deployables through
// this, so the chart, the image and the processes cannot drift apart.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../support/env.ts';
import { findObject, helmTemplate } from './helm.ts';
import type { K8sObject, RenderOptions } from './helm.ts';

export type Component = 'webhook' | 'reconciler';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}

interface Container {
  name: string;
  args?: string[];
  env?: EnvVar[];
  ports?: { name: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string }[];
}

export interface RenderedProcess {
  component: Component;
  /** the image's ENTRYPOINT for this target, e.g. ['/nodejs/bin/node', 'dist/webhook/main.js'] */
  entrypoint: string[];
  /** the script the entrypoint runs, relative to the repository root */
  script: string;
  args: string[];
  /** env of the container with fieldRefs resolved (metadata.namespace, metadata.name) */
  env: Record<string, string>;
  ports: Record<string, number>;
  volumeMounts: Record<string, string>;
  /** The files of each ConfigMap volume (volume name → file → content), as the kubelet would mount them. */
  configMapVolumes: Record<string, Record<string, string>>;
  deployment: K8sObject;
}

/** ENTRYPOINT of a Dockerfile stage (`FROM ... AS <target>` up to the next FROM). */
export function dockerfileEntrypoint(target: string, dockerfile = join(repoRoot, 'Dockerfile')): string[] {
  const lines = readFileSync(dockerfile, 'utf8').split('\n');
  let inTarget = false;
  let entrypoint: string[] | undefined;
  for (const line of lines) {
    const from = /^FROM\s+\S+\s+AS\s+(\S+)/i.exec(line);
    if (from) inTarget = from[1] === target;
    const ep = /^ENTRYPOINT\s+(\[.*\])\s*$/.exec(line);
    if (inTarget && ep?.[1]) entrypoint = JSON.parse(ep[1]) as string[];
  }
  if (!entrypoint) throw new Error(`Dockerfile has no ENTRYPOINT (exec form) in stage ${target}`);
  return entrypoint;
}

export function renderedProcess(
  component: Component,
  values: object = {},
  opts: RenderOptions & { podName?: string } = {},
): RenderedProcess {
  const namespace = opts.namespace ?? 'dynamodb-operator-system';
  const objects = helmTemplate(values, { ...opts, namespace });
  const deployment = findObject(objects, 'Deployment', `-${component}`);
  const spec = deployment.spec as {
    template: { spec: { containers: Container[]; volumes?: { name: string; configMap?: { name: string } }[] } };
  };
  const configMapVolumes: Record<string, Record<string, string>> = {};
  for (const volume of spec.template.spec.volumes ?? []) {
    if (!volume.configMap) continue;
    const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap?.name);
    configMapVolumes[volume.name] = (configMap?.data as Record<string, string> | undefined) ?? {};
  }
  const container = spec.template.spec.containers.find((c) => c.name === component);
  if (!container) throw new Error(`Deployment ${deployment.metadata.name} has no container named ${component}`);
  const podName = opts.podName ?? `${deployment.metadata.name}-local`;
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') env[e.name] = namespace;
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name') env[e.name] = podName;
    else throw new Error(`env ${e.name} of ${component}: only value and metadata fieldRefs can be run locally`);
  }
  const entrypoint = dockerfileEntrypoint(component);
  const script = entrypoint[entrypoint.length - 1];
  if (!script?.endsWith('.js')) throw new Error(`ENTRYPOINT of ${component} does not end in a .js script`);
  return {
    component,
    entrypoint,
    script,
    args: container.args ?? [],
    env,
    ports: Object.fromEntries((container.ports ?? []).map((p) => [p.name, p.containerPort])),
    volumeMounts: Object.fromEntries((container.volumeMounts ?? []).map((m) => [m.name, m.mountPath])),
    configMapVolumes,
    deployment,
  };
}

/**
 * Args for running the rendered process on this machine: a mount path in a flag value is replaced by
 * the local directory standing in for that volume (as the kubelet would mount it); nothing else changes.
 * A ConfigMap volume not given in `mounts` (e.g. the tenancy policy) is written to a temporary directory
 * with the rendered ConfigMap's files, so the process reads exactly what the chart would mount.
 */
export function localArgs(p: RenderedProcess, mounts: Record<string, string> = {}): string[] {
  const all = { ...configMapDirs(p, Object.keys(mounts)), ...mounts };
  return p.args.map((arg) => {
    let out = arg;
    for (const [volume, localDir] of Object.entries(all)) {
      const mountPath = p.volumeMounts[volume];
      if (mountPath === undefined) throw new Error(`${p.component} has no volume mount named ${volume}`);
      out = out.replace(`=${mountPath}`, `=${localDir}`);
    }
    return out;
  });
}

/**
 * A temporary directory per mounted ConfigMap volume (but those in `skip`), holding the rendered
 * ConfigMap's files, readable by any user (a container runs as uid 65532): volume name → directory.
 */
export function configMapDirs(p: RenderedProcess, skip: readonly string[] = []): Record<string, string> {
  const dirs: Record<string, string> = {};
  for (const [volume, files] of Object.entries(p.configMapVolumes)) {
    if (skip.includes(volume) || p.volumeMounts[volume] === undefined) continue;
    const dir = mkdtempSync(join(tmpdir(), `ddbop-${p.component}-${volume}-`));
    chmodSync(dir, 0o755);
    for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content, { mode: 0o644 });
    dirs[volume] = dir;
  }
  return dirs;
}
