// The reconciler process proper (main.ts hands over to it once the V8 heap flags are in place).
// Exits non-zero on bad flags; SIGTERM/SIGINT stop it gracefully (lease released, in-flight
// reconciles finished or aborted).
import { ConfigError, parseFlags } from '@dynamodb-operator/runtime';
import { configFromFlags, FLAGS, HELP } from './config.ts';
import { startReconciler } from './manager.ts';
import { makeLogger } from './observability/log.ts';

let config;
try {
  const flags = parseFlags(FLAGS, process.argv.slice(2), process.env);
  if (flags.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  config = configFromFlags(flags.values);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`dynamodb-operator reconciler: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
const log = makeLogger(config.logLevel);
const handle = await startReconciler(config, { logger: log });
log.info(
  {
    metricsPort: handle.metricsPort,
    healthPort: handle.healthPort,
    watchNamespace: config.watchNamespaces?.join(',') ?? '(all)',
  },
  'reconciler started',
);
let stopping = false;
const shutdown = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 20_000);
  force.unref();
  handle
    .stop()
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    });
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
