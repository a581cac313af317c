// Real TCP endpoints that misbehave the way a broken or wrong AWS endpoint does, for unit and e2e
// tests: accept and never answer (hang), close after the request (close), answer bytes that are not
// HTTP (garbage), answer an HTML error page (html), or pass the connection through to a working
// endpoint (forward) — switchable at run time, so a test can "fix" the endpoint on the same port.
import net from 'node:net';

export type BadMode = 'hang' | 'close' | 'garbage' | 'html' | { forward: string };

export interface BadEndpoint {
  endpoint: string;
  port: number;
  /** Connections accepted so far, and of those the ones whose request named each X-Amz-Target / Action. */
  accepted(): number;
  targets(): string[];
  /** Open (not yet closed) connections. */
  open(): number;
  /** Change the behaviour for new connections; open hung connections are cut. */
  setMode(mode: BadMode): void;
  close(): Promise<void>;
}

function targetOf(head: string): string {
  const t = /x-amz-target:\s*([^\r\n]+)/i.exec(head)?.[1];
  if (t) return t.trim();
  const a = /Action=([A-Za-z]+)/.exec(head)?.[1];
  return a ?? 'unknown';
}

export async function startBadEndpoint(mode: BadMode, host = '127.0.0.1', port = 0): Promise<BadEndpoint> {
  let current = mode;
  let accepted = 0;
  const targets: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    accepted++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    const m = current;
    if (typeof m === 'object') {
      const upstream = new URL(m.forward);
      const u = net.connect(Number(upstream.port), upstream.hostname);
      u.on('error', () => s.destroy());
      s.pipe(u).pipe(s);
      return;
    }
    s.once('data', (chunk: Buffer) => {
      targets.push(targetOf(chunk.toString('latin1')));
      if (m === 'close') s.destroy();
      else if (m === 'garbage') s.end('this is not http\r\n');
      else if (m === 'html') {
        const body = '<html><body>502 Bad Gateway</body></html>';
        s.end(
          `HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      // hang: keep reading, never write
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as net.AddressInfo).port;
  return {
    endpoint: `http://${host}:${bound}`,
    port: bound,
    accepted: () => accepted,
    targets: () => [...targets],
    open: () => sockets.size,
    setMode: (m) => {
      const cut = current === 'hang';
      current = m;
      if (cut) for (const s of sockets) s.destroy();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
