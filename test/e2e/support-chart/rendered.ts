// The processes exactly as the chart's Deployments start them: entrypoint from the Dockerfile target,
// args and env from `helm template`. The playground and the smoke tests start the deployables through
// this, so the chart, the image and the processes cannot drift apart.
import { readFileSync } from 'node:fs';
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
  const spec = deployment.spec as { template: { spec: { containers: Container[] } } };
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
    deployment,
  };
}

/**
 * Args for running the rendered process on this machine: a mount path in a flag value is replaced by
 * the local directory standing in for that volume (as the kubelet would mount it); nothing else changes.
 */
export function localArgs(p: RenderedProcess, mounts: Record<string, string> = {}): string[] {
  return p.args.map((arg) => {
    let out = arg;
    for (const [volume, localDir] of Object.entries(mounts)) {
      const mountPath = p.volumeMounts[volume];
      if (mountPath === undefined) throw new Error(`${p.component} has no volume mount named ${volume}`);
      out = out.replace(`=${mountPath}`, `=${localDir}`);
    }
    return out;
  });
}
