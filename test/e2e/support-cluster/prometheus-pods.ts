// A real Prometheus (Debian's package, test/e2e/support-chart/prometheus.ts) scraping the release's pods
// by pod IP on our bridge. Debian builds Prometheus without Kubernetes service discovery ("field
// kubernetes_sd_configs not found in type config.ScrapeConfig"), so the targets are the pods' IPs read
// from the API server, with the labels a `role: pod` discovery would have given.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort, startProcess } from '../support/index.ts';
import type { ManagedProcess } from '../support/index.ts';
import { ensurePrometheus } from '../support-chart/prometheus.ts';

export interface PodPrometheus {
  process: ManagedProcess;
  url: string;
}

export interface PodTarget {
  ip: string;
  port: number;
  component: string;
  pod: string;
}

export async function startPodPrometheus(name: string, targets: PodTarget[]): Promise<PodPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'ddbop-prometheus-pods-'));
  const port = await freePort();
  const config = {
    global: { scrape_interval: '2s' },
    scrape_configs: [
      {
        job_name: 'dynamodb-operator-pods',
        static_configs: targets.map((t) => ({
          targets: [`${t.ip}:${t.port}`],
          labels: { component: t.component, pod: t.pod },
        })),
      },
    ],
  };
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
  const process = startProcess(`prometheus-pods-${name}`, ensurePrometheus(), [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ]);
  return { process, url: `http://127.0.0.1:${port}` };
}

interface PromResponse<T> {
  status: string;
  data: T;
}

export async function promApi<T>(prom: PodPrometheus, path: string): Promise<T> {
  const res = await fetch(`${prom.url}${path}`);
  const parsed = (await res.json()) as PromResponse<T>;
  if (parsed.status !== 'success') throw new Error(`Prometheus ${path}: ${JSON.stringify(parsed)}`);
  return parsed.data;
}

export interface PromTarget {
  health: string;
  scrapeUrl: string;
  labels: Record<string, string>;
}
