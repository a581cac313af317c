// Runs dynalite (an in-memory DynamoDB emulator, npm devDependency) for the test environment.
//   node hack/dynalite.ts --port 4567 [--host 127.0.0.1] [--lifecycle-ms 300]
// The lifecycle delays are small but nonzero so that CREATING, UPDATING and DELETING are observable by
// the reconciler (dynalite's default is 500 ms; 0 would make those states invisible).
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import { parseArgs } from 'node:util';

interface DynaliteOptions {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
  path?: string;
}

// dynalite is CommonJS without type declarations: typed here by the few options we use
const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: DynaliteOptions) => Server;

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    'lifecycle-ms': { type: 'string', default: '300' },
  },
});

const port = Number(values.port);
const lifecycleMs = Number(values['lifecycle-ms']);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`dynalite: --port must be a TCP port number, got ${String(values.port)}`);
  process.exit(2);
}
if (!Number.isFinite(lifecycleMs) || lifecycleMs < 1) {
  console.error(`dynalite: --lifecycle-ms must be a positive number, got ${values['lifecycle-ms']}`);
  process.exit(2);
}

const server = dynalite({ createTableMs: lifecycleMs, deleteTableMs: lifecycleMs, updateTableMs: lifecycleMs });
server.listen(port, values.host, () => {
  console.log(JSON.stringify({ msg: 'dynalite listening', host: values.host, port, lifecycleMs }));
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    // dynalite's close waits for open connections up to 30 s: do not make `down` wait that long
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
