// The serving certificate over time: loaded at start (nothing to serve without one), reloaded when the cert
// dir changes (watch, backed by a poll), and handed to whoever serves with it; metrics count the reloads.
import type { Logger } from '@dynamodb-operator/runtime';
import type { WebhookMetrics } from '../metrics.ts';
import { loadCertPair, watchCertDir } from './cert-files.ts';
import type { CertPair } from './cert-files.ts';

/** The first load: throws when the pair is missing or broken. */
export async function loadServingCertificate(certDir: string, metrics: WebhookMetrics): Promise<CertPair> {
  const pair = await loadCertPair(certDir);
  metrics.certReloads.inc({ result: 'success' });
  metrics.certNotAfter.set(pair.notAfter.getTime() / 1000);
  return pair;
}

export interface ReloaderOptions {
  certDir: string;
  initial: CertPair;
  metrics: WebhookMetrics;
  log: Logger;
  /** Told each new pair (the HTTPS server, the metrics listener in secure mode). */
  apply(pair: CertPair): void;
  debounceMs: number;
  pollMs: number;
}

export interface CertificateReloader {
  /** Re-read the cert dir now; true when a new pair is in use. */
  reload(): Promise<boolean>;
  stop(): void;
}

export function certificateReloader(options: ReloaderOptions): CertificateReloader {
  const { metrics, log } = options;
  let pair = options.initial;
  const reload = async (): Promise<boolean> => {
    try {
      const next = await loadCertPair(options.certDir);
      if (next.fingerprint === pair.fingerprint) return false;
      options.apply(next);
      pair = next;
      metrics.certReloads.inc({ result: 'success' });
      metrics.certNotAfter.set(next.notAfter.getTime() / 1000);
      log.info({ notAfter: next.notAfter.toISOString() }, 'serving certificate reloaded');
      return true;
    } catch (error) {
      // Mid-swap the files may not match yet; keep serving the old pair and try again on the next event.
      metrics.certReloads.inc({ result: 'error' });
      log.warn({ err: error }, 'serving certificate not reloaded; keeping the current one');
      return false;
    }
  };
  const watcher = watchCertDir(options.certDir, () => void reload(), {
    debounceMs: options.debounceMs,
    pollMs: options.pollMs,
    onWatchError: (error) => log.warn({ err: error }, 'watching the cert dir failed; relying on polling'),
  });
  return { reload, stop: () => watcher.stop() };
}
