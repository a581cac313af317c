// The Prometheus Operator's CRDs (ServiceMonitor, PodMonitor, PrometheusRule) from the Go module proxy
// (the module ships them under example/prometheus-operator-crd), so the API server can validate the
// chart's monitoring objects server-side.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { kubectl } from '../support/index.ts';

export const PROMETHEUS_OPERATOR_VERSION = 'v0.85.0';
const KINDS = ['servicemonitors', 'podmonitors', 'prometheusrules'];

export function applyMonitoringCrds(): void {
  const r = spawnSync(
    'go',
    ['mod', 'download', '-json', `github.com/prometheus-operator/prometheus-operator@${PROMETHEUS_OPERATOR_VERSION}`],
    {
      encoding: 'utf8',
      timeout: 600_000,
      cwd: '/',
    },
  );
  if (r.status !== 0) throw new Error(`go mod download prometheus-operator failed: ${r.stderr}${r.stdout}`);
  const dir = (JSON.parse(r.stdout) as { Dir: string }).Dir;
  const files = KINDS.map((k) => join(dir, 'example', 'prometheus-operator-crd', `monitoring.coreos.com_${k}.yaml`));
  const args = files.flatMap((f) => ['-f', f]);
  const applied = kubectl(['apply', '--server-side', '--force-conflicts', ...args]);
  if (applied.code !== 0) throw new Error(`applying Prometheus Operator CRDs failed: ${applied.stderr}`);
  const ready = kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...args]);
  if (ready.code !== 0) throw new Error(`Prometheus Operator CRDs not Established: ${ready.stderr}`);
}
