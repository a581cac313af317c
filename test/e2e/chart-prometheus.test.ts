// A real Prometheus (Debian's package) scrapes both deployables, started with the args of the rendered
// Deployments, and evaluates the chart's PrometheusRule: targets up, every rule healthy, no down/leader
// alert pending; `promtool check metrics` finds nothing to lint in either /metrics.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { applyYaml, freePort, kubectl, makeServingCert, startProcess, testEnv, waitFor } from './support/index.ts';
import type { ManagedProcess } from './support/index.ts';
import { findObject, helmTemplate } from './support-chart/helm.ts';
import { ensurePrometheus } from './support-chart/prometheus.ts';
import { localArgs, renderedProcess } from './support-chart/rendered.ts';

const id = randomBytes(3).toString('hex');
const ns = `ddbop-prom-${id}`;

interface PromResponse<T> {
  status: string;
  data: T;
}
interface Target {
  labels: Record<string, string>;
  health: string;
  lastError: string;
}
interface RuleGroup {
  name: string;
  rules: { name: string; health: string; lastError?: string; lastEvaluation: string; state?: string }[];
}

async function text(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url);
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}

describe('chart: a real Prometheus scrapes both deployables and evaluates the PrometheusRule', function () {
  this.timeout(120_000);
  const processes: ManagedProcess[] = [];
  let prom: string;
  let ports: {
    webhook: number;
    webhookMetrics: number;
    reconcilerMetrics: number;
    reconcilerHealth: number;
    prometheus: number;
  };
  let values: object;

  before(async function () {
    this.timeout(600_000); // first run downloads Debian's prometheus package
    const prometheusBin = ensurePrometheus();
    ports = {
      webhook: await freePort(),
      webhookMetrics: await freePort(),
      reconcilerMetrics: await freePort(),
      reconcilerHealth: await freePort(),
      prometheus: await freePort(),
    };
    const created = applyYaml(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
    if (created.code !== 0) throw new Error(`creating namespace ${ns}: ${created.stderr}`);
    values = {
      webhook: { securePort: ports.webhook, metricsPort: ports.webhookMetrics },
      reconciler: {
        metricsPort: ports.reconcilerMetrics,
        healthPort: ports.reconcilerHealth,
        watchNamespace: ns,
        leaderElection: { id: `ddbop-prom-${id}` },
      },
      metrics: { prometheusRule: { enabled: true } },
    };
    const kubeconfig = testEnv().kubeconfig;

    const cert = makeServingCert(['127.0.0.1', 'localhost']);
    const certDir = mkdtempSync(join(tmpdir(), 'ddbop-prom-certs-'));
    writeFileSync(join(certDir, 'tls.crt'), cert.certPem);
    writeFileSync(join(certDir, 'tls.key'), cert.keyPem, { mode: 0o600 });
    const webhook = renderedProcess('webhook', values, { namespace: ns });
    processes.push(
      startProcess(
        `prom-webhook-${id}`,
        process.execPath,
        [webhook.script, ...localArgs(webhook, { 'serving-certs': certDir })],
        {
          env: { ...process.env, ...webhook.env, KUBECONFIG: kubeconfig },
        },
      ),
    );
    const reconciler = renderedProcess('reconciler', values, { namespace: ns });
    processes.push(
      startProcess(`prom-reconciler-${id}`, process.execPath, [reconciler.script, ...localArgs(reconciler)], {
        env: { ...process.env, ...reconciler.env, KUBECONFIG: kubeconfig },
      }),
    );

    // the PrometheusRule's own groups, as a Prometheus rule file
    const rule = findObject(helmTemplate(values, { namespace: ns }), 'PrometheusRule');
    const dir = mkdtempSync(join(tmpdir(), 'ddbop-prometheus-'));
    writeFileSync(join(dir, 'rules.yaml'), stringify(rule.spec));
    // static targets carry the labels a ServiceMonitor (jobLabel app.kubernetes.io/component) would give
    const target = (job: string, port: number): object => ({
      job_name: job,
      static_configs: [{ targets: [`127.0.0.1:${port}`], labels: { namespace: ns } }],
    });
    writeFileSync(
      join(dir, 'prometheus.yml'),
      stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: [join(dir, 'rules.yaml')],
        scrape_configs: [target('webhook', ports.webhookMetrics), target('reconciler', ports.reconcilerMetrics)],
      }),
    );
    processes.push(
      startProcess(`prometheus-${id}`, prometheusBin, [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${ports.prometheus}`,
      ]),
    );
    prom = `http://127.0.0.1:${ports.prometheus}`;
  });

  after(async function () {
    for (const p of processes.reverse()) await p.stop();
    kubectl(['delete', 'namespace', ns, '--wait=false']);
  });

  async function api<T>(path: string): Promise<T> {
    const body = await text(`${prom}${path}`);
    if (body === undefined) throw new Error(`Prometheus ${path} did not answer`);
    const parsed = JSON.parse(body) as PromResponse<T>;
    if (parsed.status !== 'success') throw new Error(`Prometheus ${path}: ${body}`);
    return parsed.data;
  }

  it('has both targets up', async function () {
    const targets = await waitFor(
      'both targets up',
      async () => {
        const data = await api<{ activeTargets: Target[] }>('/api/v1/targets');
        return data.activeTargets.length === 2 && data.activeTargets.every((t) => t.health === 'up')
          ? data.activeTargets
          : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${processes.map((p) => p.logs().slice(-2000)).join('\n---\n')}`);
    });
    expect(targets.map((t) => t.labels.job).sort()).to.deep.equal(['reconciler', 'webhook']);
  });

  it('stores the operator series under the names the rules and dashboard use', async function () {
    for (const [query, job] of [
      ['controller_runtime_webhook_admission_responses_total', 'webhook'],
      ['controller_runtime_webhook_requests_in_flight', 'webhook'],
      ['controller_runtime_max_concurrent_reconciles', 'reconciler'],
      ['leader_election_master_status', 'reconciler'],
    ] as const) {
      const result = await waitFor(
        `series ${query}`,
        async () => {
          const data = await api<{ result: { metric: Record<string, string> }[] }>(
            `/api/v1/query?query=${encodeURIComponent(query)}`,
          );
          return data.result.length > 0 ? data.result : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      expect(result[0]?.metric.job).to.equal(job);
      expect(result[0]?.metric.namespace).to.equal(ns);
    }
  });

  it('evaluates every rule of the PrometheusRule without error, and no down or leader alert is pending', async function () {
    const since = Date.now();
    const groups = await waitFor(
      'two rule evaluations after the targets were up',
      async () => {
        const data = await api<{ groups: RuleGroup[] }>('/api/v1/rules');
        const rules = data.groups.flatMap((g) => g.rules);
        return rules.length > 0 && rules.every((r) => Date.parse(r.lastEvaluation) > since + 1000)
          ? data.groups
          : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    const rules = groups.flatMap((g) => g.rules);
    expect(rules).to.have.length(12);
    for (const r of rules) expect(r.health, `${r.name}: ${r.lastError ?? ''}`).to.equal('ok');
    const alerts = await api<{ alerts: { labels: { alertname: string }; state: string }[] }>('/api/v1/alerts');
    const active = alerts.alerts.map((a) => a.labels.alertname);
    for (const name of ['DynamoDBOperatorWebhookDown', 'DynamoDBOperatorReconcilerDown', 'DynamoDBOperatorNoLeader']) {
      expect(active, name).not.to.include(name);
    }
  });

  it('finds nothing for promtool check metrics to complain about in either /metrics', async function () {
    for (const port of [ports.webhookMetrics, ports.reconcilerMetrics]) {
      const body = await text(`http://127.0.0.1:${port}/metrics`);
      expect(body, `/metrics on ${port}`).to.be.a('string');
      const r = spawnSync(join(testEnv().binDir, 'promtool'), ['check', 'metrics'], { input: body, encoding: 'utf8' });
      expect(r.status, `promtool check metrics (port ${port}):\n${r.stdout}${r.stderr}`).to.equal(0);
    }
  });
});
