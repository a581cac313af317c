// Starts the webhook and the reconciler as local processes wired exactly as the Helm chart wires them:
// args and env come from `helm template` (test/e2e/support-chart), the serving certificate is mounted
// where the Deployment mounts it, and the webhook configurations are the chart's own, with the
// Service reference swapped for a URL on 127.0.0.1 and a caBundle (what cert-manager's CA injection
// would fill in).
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort, kubectl, makeServingCert } from '../../test/e2e/support/index.ts';
import { helmTemplate } from '../../test/e2e/support-chart/helm.ts';
import type { K8sObject } from '../../test/e2e/support-chart/helm.ts';
import { localArgs, renderedProcess } from '../../test/e2e/support-chart/rendered.ts';
import type { Component } from '../../test/e2e/support-chart/rendered.ts';

export const OPERATOR_NAMESPACE = 'dynamodb-operator-system';

/** The chart's defaults but for the tenancy policy's endpoints: the playground's emulators are on loopback. */
export const PLAYGROUND_VALUES = { tenancy: { endpoints: ['http://127.0.0.1:*', 'http://localhost:*'] } };

export interface StartedComponent {
  name: Component;
  pid: number;
  logFile: string;
  healthUrl: string;
  /** `kind/name` of the webhook configurations registered for it (webhook only) */
  webhookConfigurations: string[];
}

/** Replaces `--flag=value` (or appends it) in an argument list. */
export function withFlag(args: string[], flag: string, value: string): string[] {
  const prefix = `--${flag}=`;
  const kept = args.filter((a) => !a.startsWith(prefix));
  return [...kept, `${prefix}${value}`];
}

function spawnDetached(name: string, script: string, args: string[], env: NodeJS.ProcessEnv, logsDir: string) {
  mkdirSync(logsDir, { recursive: true });
  const logFile = join(logsDir, `dev-${name}.log`);
  const fd = openSync(logFile, 'a');
  // detached + unref: `dev up` returns while the process keeps running; `dev down` stops it by pid
  const child = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${name}; see ${logFile}`);
  return { pid: child.pid, logFile };
}

export async function startWebhook(devDir: string, logsDir: string, kubeconfig: string): Promise<StartedComponent> {
  const certDir = join(devDir, 'webhook-certs');
  mkdirSync(certDir, { recursive: true });
  const cert = makeServingCert(['127.0.0.1', 'localhost']);
  writeFileSync(join(certDir, 'tls.crt'), cert.certPem);
  writeFileSync(join(certDir, 'tls.key'), cert.keyPem, { mode: 0o600 });
  writeFileSync(join(certDir, 'ca.crt'), cert.caPem);

  const rendered = renderedProcess('webhook', PLAYGROUND_VALUES);
  const [port, metricsPort] = [await freePort(), await freePort()];
  const certVolume = Object.entries(rendered.volumeMounts).find(([, path]) => path.includes('serving-certs'))?.[0];
  let args = certVolume
    ? localArgs(rendered, { [certVolume]: certDir })
    : withFlag(localArgs(rendered), 'cert-dir', certDir);
  args = withFlag(
    withFlag(withFlag(args, 'port', String(port)), 'metrics-port', String(metricsPort)),
    'host',
    '127.0.0.1',
  );
  const env = { ...process.env, ...rendered.env, KUBECONFIG: kubeconfig };
  const { pid, logFile } = spawnDetached('webhook', rendered.script, args, env, logsDir);
  const webhookConfigurations = registerWebhookConfigurations(port, cert.caPem, devDir);
  return { name: 'webhook', pid, logFile, healthUrl: `http://127.0.0.1:${metricsPort}/readyz`, webhookConfigurations };
}

export async function startReconciler(logsDir: string, kubeconfig: string): Promise<StartedComponent> {
  const rendered = renderedProcess('reconciler', PLAYGROUND_VALUES, { namespace: OPERATOR_NAMESPACE });
  const [metricsPort, healthPort] = [await freePort(), await freePort()];
  let args = withFlag(localArgs(rendered), 'metrics-bind-address', `127.0.0.1:${metricsPort}`);
  args = withFlag(args, 'health-probe-bind-address', `127.0.0.1:${healthPort}`);
  const env = { ...process.env, ...rendered.env, KUBECONFIG: kubeconfig };
  const { pid, logFile } = spawnDetached('reconciler', rendered.script, args, env, logsDir);
  return {
    name: 'reconciler',
    pid,
    logFile,
    healthUrl: `http://127.0.0.1:${healthPort}/readyz`,
    webhookConfigurations: [],
  };
}

interface WebhookEntry {
  clientConfig: { service?: { path?: string }; url?: string; caBundle?: string };
}

/** The chart's webhook configurations, pointed at https://127.0.0.1:<port>. Returns their names. */
export function registerWebhookConfigurations(port: number, caPem: string, devDir: string): string[] {
  const objects = helmTemplate({}, { namespace: OPERATOR_NAMESPACE });
  const configs = objects.filter(
    (o: K8sObject) => o.kind === 'ValidatingWebhookConfiguration' || o.kind === 'MutatingWebhookConfiguration',
  );
  for (const config of configs) {
    delete config.metadata.annotations?.['cert-manager.io/inject-ca-from'];
    for (const hook of (config.webhooks as WebhookEntry[] | undefined) ?? []) {
      const path = hook.clientConfig.service?.path ?? '/validate';
      hook.clientConfig = { url: `https://127.0.0.1:${port}${path}`, caBundle: Buffer.from(caPem).toString('base64') };
    }
  }
  const manifest = configs.map((c) => stringify(c)).join('---\n');
  writeFileSync(join(devDir, 'webhook-configurations.yaml'), manifest);
  const applied = kubectl(['apply', '-f', '-'], { input: manifest });
  if (applied.code !== 0) throw new Error(`registering the webhook configurations failed: ${applied.stderr}`);
  return configs.map((c) => `${c.kind.toLowerCase()}/${c.metadata.name}`);
}
