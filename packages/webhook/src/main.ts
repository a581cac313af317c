// The webhook process: flags → startWebhook; SIGTERM/SIGINT → stop accepting, drain, exit 0.
//
// V8 flags, set the same way as the reconciler's (@dynamodb-operator/runtime, applyProcessSettings: the
// process re-executes itself in place with what NODE_OPTIONS and execArgv do not already give):
// - --max-semi-space-size=8: a young generation of at most 16 MB. Admission reviews are short-lived
//   garbage in bursts; Node's default lets the young generation grow to 128 MB, and under a flood RSS
//   to about 280 MB, over the chart's 256Mi limit (with 8: 183 MB, webhook-exhaustion e2e). Under load a
//   scavenge copies about the same survivors whatever the size (the reviews in flight, ~300 kB), so
//   half as many scavenges cost half as much: against 4, same build, same run, CPU per request 129 ->
//   118 µs and the ratio to the parse floor 0.67 -> 0.72, for RSS after bench/webhook.ts 112-116 MB
//   instead of 102-111 (idle: 94 instead of 84).
// - MALLOC_ARENA_MAX=2, MALLOC_MMAP_THRESHOLD_=32768, MALLOC_TRIM_THRESHOLD_=0, as the reconciler (see its
//   process-settings.ts): glibc then hands the blocks V8's parser and compilers free back to the kernel instead of
//   keeping them, and their holes, resident. bench/webhook.ts, back to back: RSS after the run 130.0 ->
//   110.4 MB; CPU per request 69 -> 71 µs (within the runs' noise of a few µs).
// The old-generation cap (--max-old-space-size) depends on the container's memory limit, so the chart
// passes it in NODE_OPTIONS next to that limit (webhook.nodeOptions).
import { readFileSync } from 'node:fs';
import { parseTenancyPolicy } from '@dynamodb-operator/api';
import { applyProcessSettings, createLogger, MALLOC_SETTINGS } from '@dynamodb-operator/runtime';
import { parseConfig } from './config.ts';
import { staticProviders } from './providers/lookup.ts';
import { startWebhook } from './server.ts';
import type { WebhookConfig } from './server.ts';

applyProcessSettings({ flags: ['--max-semi-space-size=8'], env: MALLOC_SETTINGS });
const parsed = parseConfig(process.argv.slice(2), process.env);
if (parsed.kind === 'help') {
  process.stdout.write(parsed.text);
  process.exit(0);
}
if (parsed.kind === 'error') {
  process.stderr.write(`webhook: ${parsed.message}\n`);
  process.exit(2);
}
const { config: cli } = parsed;
const log = createLogger({ component: 'webhook', level: cli.logLevel });
if (cli.providerCache && !cli.kubeconfig && !process.env.KUBERNETES_SERVICE_HOST) {
  log.fatal('no cluster to watch AWSProviders in: pass --kubeconfig, run in a cluster, or pass --no-provider-cache');
  process.exit(2);
}
const config: WebhookConfig = {
  port: cli.port,
  host: cli.host,
  certDir: cli.certDir,
  metricsPort: cli.metricsPort,
  defaultTags: cli.defaultTags,
  logger: log,
  maxInFlightRequests: cli.maxInFlightRequests,
  maxInFlightBytes: cli.maxInFlightBytes,
  shutdownDelayMs: cli.shutdownDelaySeconds * 1000,
  metricsSecure: cli.metricsSecure,
};
if (cli.clientCaFile) config.clientCaFile = cli.clientCaFile;
if (cli.kubeconfig) config.kubeconfig = cli.kubeconfig;
if (!cli.providerCache) config.providers = staticProviders();
if (cli.tenancyPolicyFile) {
  try {
    config.tenancyPolicy = parseTenancyPolicy(readFileSync(cli.tenancyPolicyFile, 'utf8'));
  } catch (error) {
    // A policy that cannot be read must not silently become "everything allowed".
    log.fatal({ file: cli.tenancyPolicyFile, err: error }, 'tenancy policy not usable');
    process.exit(2);
  }
  log.info({ file: cli.tenancyPolicyFile }, 'tenancy policy loaded');
}

try {
  const webhook = await startWebhook(config);
  const stop = (signal: string): void => {
    log.info({ signal }, 'shutting down: draining in-flight requests');
    webhook.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
} catch (error) {
  log.fatal({ err: error }, 'webhook failed to start');
  process.exit(1);
}
