// helm from the test environment, driven on the chart in charts/dynamodb-operator. Values go through a
// temporary values file (never --set string parsing), and rendered manifests come back as objects.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { repoRoot } from '../support/env.ts';
import { testEnv } from '../support/index.ts';
import type { CommandResult } from '../support/index.ts';

export const chartDir = join(repoRoot, 'charts', 'dynamodb-operator');

/**
 * The Kubernetes version helm renders for. `go install` builds of helm lack the version ldflags and
 * default to v1.20, which the chart's kubeVersion (>=1.28) refuses; the test API server is 1.34.
 */
export const KUBE_VERSION = '1.34.4';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

export function helm(args: string[], opts: { kubeconfig?: string } = {}): CommandResult {
  const env = testEnv();
  const result = spawnSync(join(env.binDir, 'helm'), args, {
    encoding: 'utf8',
    timeout: 180_000,
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      KUBECONFIG: opts.kubeconfig ?? env.kubeconfig,
      HELM_CACHE_HOME: join(env.root, '.testenv', 'helm', 'cache'),
      HELM_CONFIG_HOME: join(env.root, '.testenv', 'helm', 'config'),
      HELM_DATA_HOME: join(env.root, '.testenv', 'helm', 'data'),
    },
  });
  if (result.error)
    return { code: -1, stdout: result.stdout ?? '', stderr: `${result.stderr ?? ''}${String(result.error)}` };
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `fn` with the values written to a temporary file, removed afterwards. */
export function withValuesFile<T>(values: object, fn: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'ddbop-values-'));
  try {
    const file = join(dir, 'values.yaml');
    writeFileSync(file, stringify(values));
    return fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface RenderOptions {
  release?: string;
  namespace?: string;
  /** extra values files (applied before `values`) */
  valuesFiles?: string[];
}

/** `helm template` → the raw result (for tests of refusals). */
export function helmTemplateRaw(values: object = {}, opts: RenderOptions = {}): CommandResult {
  return withValuesFile(values, (file) =>
    helm([
      'template',
      opts.release ?? 'ddbop',
      chartDir,
      '--namespace',
      opts.namespace ?? 'dynamodb-operator-system',
      '--kube-version',
      KUBE_VERSION,
      ...(opts.valuesFiles ?? []).flatMap((f) => ['--values', f]),
      '--values',
      file,
    ]),
  );
}

/** `helm template` → every rendered object; throws with helm's message when rendering fails. */
export function helmTemplate(values: object = {}, opts: RenderOptions = {}): K8sObject[] {
  const result = helmTemplateRaw(values, opts);
  if (result.code !== 0) throw new Error(`helm template failed (exit ${result.code}):\n${result.stderr}`);
  return parseManifests(result.stdout);
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors[0]?.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null && typeof o === 'object');
}

/** The one object of a kind and name (suffix match on the name); throws listing what there is. */
export function findObject(objects: K8sObject[], kind: string, nameSuffix = ''): K8sObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name.endsWith(nameSuffix));
  if (found.length !== 1) {
    const have = objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ');
    throw new Error(`expected one ${kind} named *${nameSuffix}, found ${found.length} among: ${have}`);
  }
  return found[0] as K8sObject;
}

export function kindsOf(objects: K8sObject[]): string[] {
  return objects.map((o) => o.kind);
}
