// The serving certificate from the cert dir (cert-manager's Secret mount: tls.crt, tls.key), checked as a
// pair before use, and watched: kubelet updates a Secret mount by swapping a symlink (..data), so the
// directory is watched, not the files, and a poll backs the watch up where fs.watch is unreliable.
import { createHash, X509Certificate } from 'node:crypto';
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';

export interface CertPair {
  cert: Buffer;
  key: Buffer;
  notAfter: Date;
  /** sha256 of cert + key, to skip reloads that change nothing. */
  fingerprint: string;
}

/** Reads and checks tls.crt + tls.key. Throws with the file and the reason (missing, unparsable, mismatched). */
export async function loadCertPair(dir: string): Promise<CertPair> {
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  const [cert, key] = await Promise.all([readFile(certFile), readFile(keyFile)]);
  let notAfter: Date;
  try {
    notAfter = new Date(new X509Certificate(cert).validTo);
  } catch (error) {
    throw new Error(`${certFile}: not a PEM certificate (${(error as Error).message})`, { cause: error });
  }
  try {
    // Throws on an unreadable key or a key that does not belong to the certificate (a half-done swap).
    createSecureContext({ cert, key });
  } catch (error) {
    throw new Error(`${keyFile}: does not match ${certFile} (${(error as Error).message})`, { cause: error });
  }
  const fingerprint = createHash('sha256').update(cert).update(key).digest('hex');
  return { cert, key, notAfter, fingerprint };
}

export interface CertWatcher {
  stop(): void;
}

/** Calls `onChange` (debounced) after anything in `dir` changes, and every `pollMs` regardless. */
export function watchCertDir(
  dir: string,
  onChange: () => void,
  opts: { debounceMs: number; pollMs: number; onWatchError: (error: Error) => void },
): CertWatcher {
  let timer: NodeJS.Timeout | undefined;
  const trigger = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(onChange, opts.debounceMs);
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { persistent: false }, trigger);
    watcher.on('error', opts.onWatchError);
  } catch (error) {
    opts.onWatchError(error as Error);
  }
  const poll = setInterval(onChange, opts.pollMs);
  poll.unref();
  return {
    stop: () => {
      if (timer) clearTimeout(timer);
      clearInterval(poll);
      watcher?.close();
    },
  };
}
