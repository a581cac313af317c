// `node dist/crd-apply/main.js --dir DIR`: server-side apply of the operator's CRDs, then wait until the
// API server serves them. Run by the chart's pre-install/pre-upgrade hook Job with the reconciler image
// (Helm installs crds/ once and never upgrades it); also usable by hand with --kubeconfig.
//
// Server-side apply with force: the chart's CRDs are the source of truth for every field they set, whoever
// wrote the field before (helm's create, `kubectl apply`, an older release); a field an older release of
// this applier set and this one does not is removed (it is owned by this field manager).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { API_GROUP } from '@dynamodb-operator/api';
import { KubeHttp } from '@dynamodb-operator/kube';
import { crdServed, crdsFrom } from './documents.ts';
import type { CrdDocument } from './documents.ts';

const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

function log(level: 'info' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, component: 'crd-apply', msg, ...fields });
  (level === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
}

interface Applied {
  metadata: { resourceVersion?: string; generation?: number };
}

async function applyOne(kube: KubeHttp, crd: CrdDocument, fieldManager: string): Promise<Applied> {
  const query = new URLSearchParams({ fieldManager, force: 'true' });
  return kube.request<Applied>('PATCH', `${CRD_PATH}/${crd.metadata.name}?${query.toString()}`, {
    body: crd,
    contentType: 'application/apply-patch+yaml',
    timeoutMs: 30_000,
  });
}

async function waitServed(kube: KubeHttp, name: string, deadline: number): Promise<void> {
  for (;;) {
    const verdict = crdServed(await kube.get(`${CRD_PATH}/${name}`));
    if (verdict.problem) throw new Error(`${name}: ${verdict.problem}`);
    if (verdict.served) return;
    if (Date.now() > deadline) throw new Error(`${name}: not Established before the deadline`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string' },
      kubeconfig: { type: 'string' },
      'field-manager': { type: 'string', default: 'dynamodb-operator-crds' },
      'timeout-seconds': { type: 'string', default: '60' },
    },
  });
  if (!values.dir) throw new Error('--dir DIR (the CRD YAML files) is required');
  const dir = values.dir;
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
  const crds = crdsFrom(files, API_GROUP);
  const kube = await KubeHttp.create(values.kubeconfig);
  const deadline = Date.now() + Number(values['timeout-seconds']) * 1000;
  try {
    for (const crd of crds) {
      const started = performance.now();
      const applied = await applyOne(kube, crd, values['field-manager']);
      await waitServed(kube, crd.metadata.name, deadline);
      log('info', 'CRD applied and served', {
        crd: crd.metadata.name,
        generation: applied.metadata.generation,
        resourceVersion: applied.metadata.resourceVersion,
        ms: Math.round(performance.now() - started),
      });
    }
  } finally {
    kube.close();
  }
}

main().catch((err: unknown) => {
  log('error', 'applying the CRDs failed', { error: err instanceof Error ? err.message : String(err) });
  process.exitCode = 1;
});
