// Run the fault proxy as a process (for e2e tests and benchmarks that start the reconciler separately):
//   node test/fault-proxy/main.ts --upstream http://127.0.0.1:4566 [--port 0] [--host 127.0.0.1]
//        [--update-ms 200] [--gsi-create-ms 400] [--gsi-delete-ms 200] [--create-ms 0] [--no-enforce]
// Prints one JSON line {"url": ...} when listening. Control it over HTTP: GET /__proxy/counts[?table=],
// GET /__proxy/calls, POST /__proxy/faults (a FaultRule), DELETE /__proxy/faults, POST /__proxy/reset,
// POST /__proxy/advance {"ms": N} (moves the proxy clock: the TTL hour, lifecycle timers).
import { parseArgs } from 'node:util';
import { startFaultProxy } from './proxy.ts';

const { values } = parseArgs({
  options: {
    upstream: { type: 'string' },
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'update-ms': { type: 'string' },
    'gsi-create-ms': { type: 'string' },
    'gsi-delete-ms': { type: 'string' },
    'create-ms': { type: 'string' },
    'no-enforce': { type: 'boolean', default: false },
  },
});
if (!values.upstream) {
  console.error('fault-proxy: --upstream <emulator URL> is required');
  process.exit(2);
}
const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
const timings = Object.fromEntries(
  Object.entries({
    updateMs: num(values['update-ms']),
    gsiCreateMs: num(values['gsi-create-ms']),
    gsiDeleteMs: num(values['gsi-delete-ms']),
    createMs: num(values['create-ms']),
  }).filter(([, v]) => v !== undefined),
);
const proxy = await startFaultProxy({
  upstream: values.upstream,
  port: Number(values.port),
  host: values.host,
  enforce: !values['no-enforce'],
  timings,
});
process.stdout.write(`${JSON.stringify({ url: proxy.url, upstream: values.upstream })}\n`);
const stop = (): void => {
  void proxy.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
