// TCP forwarder for the single-node cluster (hack/cluster.sh): listens on addresses of our own bridge
// and relays to services that listen on loopback only.
//   node hack/cluster/forward.ts LISTEN_HOST:PORT=TARGET_HOST:PORT ...
// Pods reach the API server through the `kubernetes` Service ClusterIP (10.0.0.1:443, an address of our
// bridge; no kube-proxy runs) and moto through the bridge's gateway address. Plain TCP: TLS passes
// through untouched, so pods verify the API server's own certificate (its SANs include 10.0.0.1).
import { createConnection, createServer } from 'node:net';

interface Route {
  listenHost: string;
  listenPort: number;
  targetHost: string;
  targetPort: number;
}

function parseRoute(arg: string): Route {
  const m = /^([\d.]+):(\d+)=([\d.]+):(\d+)$/.exec(arg);
  if (!m) throw new Error(`bad route ${JSON.stringify(arg)}: expected LISTEN_HOST:PORT=TARGET_HOST:PORT`);
  return { listenHost: m[1] ?? '', listenPort: Number(m[2]), targetHost: m[3] ?? '', targetPort: Number(m[4]) };
}

const routes = process.argv.slice(2).map(parseRoute);
if (routes.length === 0) throw new Error('usage: forward.ts LISTEN_HOST:PORT=TARGET_HOST:PORT ...');

for (const route of routes) {
  const server = createServer((client) => {
    const upstream = createConnection({ host: route.targetHost, port: route.targetPort });
    client.pipe(upstream).pipe(client);
    // either side failing ends both: no half-open pairs are kept
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  server.listen(route.listenPort, route.listenHost, () => {
    console.log(
      JSON.stringify({
        msg: 'forwarding',
        listen: `${route.listenHost}:${route.listenPort}`,
        target: `${route.targetHost}:${route.targetPort}`,
      }),
    );
  });
  server.on('error', (err) => {
    console.error(
      JSON.stringify({ msg: 'listen failed', listen: `${route.listenHost}:${route.listenPort}`, err: String(err) }),
    );
    process.exit(1);
  });
}
process.on('SIGTERM', () => process.exit(0));
