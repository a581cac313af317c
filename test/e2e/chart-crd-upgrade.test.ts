// The CRD upgrade hook as rendered: what the cluster-release suite proves on a node (a helm upgrade that
// upgrades the CRDs), checked here object by object: hook phases and order, least privilege by CRD
// name, the chart's crds/ files carried byte for byte, the reconciler image and its security context.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { chartDir, findObject, helmTemplate } from './support-chart/helm.ts';
import type { K8sObject } from './support-chart/helm.ts';
import { nonEmpty } from '../support/fixtures.ts';

const crdDir = join(chartDir, 'crds');
const crdFiles = nonEmpty('chart CRD files', readdirSync(crdDir)).sort();
const crdNames = crdFiles
  .map((f) => (parse(readFileSync(join(crdDir, f), 'utf8')) as { metadata: { name: string } }).metadata.name)
  .sort();

interface JobSpec {
  backoffLimit: number;
  activeDeadlineSeconds: number;
  template: {
    spec: {
      restartPolicy: string;
      serviceAccountName: string;
      securityContext: Record<string, unknown>;
      containers: {
        image: string;
        imagePullPolicy: string;
        command: string[];
        args: string[];
        securityContext: Record<string, unknown>;
        volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
      }[];
      volumes: { name: string; configMap?: { name: string } }[];
    };
  };
}

describe('chart: the CRD upgrade hook (pre-install/pre-upgrade Job applying crds/)', function () {
  this.timeout(60_000);
  let objects: K8sObject[];
  const hookObjects = (): K8sObject[] => objects.filter((o) => o.metadata.annotations?.['helm.sh/hook']);

  before(function () {
    objects = helmTemplate(
      { reconciler: { image: { repository: 'registry.example/dynamodb-operator-reconciler', tag: '1.2.3' } } },
      { release: 'ddbop', namespace: 'ops' },
    );
  });

  it('renders five hook objects: RBAC and the CRDs first (weight -10), then the Job, replaced each run', function () {
    const hooks = hookObjects();
    expect(hooks.map((o) => `${o.kind}/${o.metadata.name}`).sort()).to.deep.equal(
      ['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Job', 'ServiceAccount'].map(
        (k) => `${k}/ddbop-dynamodb-operator-crds`,
      ),
    );
    for (const o of hooks) {
      expect(o.metadata.annotations?.['helm.sh/hook'], o.kind).to.equal('pre-install,pre-upgrade');
      expect(o.metadata.annotations?.['helm.sh/hook-delete-policy'], o.kind).to.equal(
        'before-hook-creation,hook-succeeded',
      );
      expect(o.metadata.annotations?.['helm.sh/hook-weight'], o.kind).to.equal(o.kind === 'Job' ? '0' : '-10');
    }
  });

  it('carries every crds/ file byte for byte in the ConfigMap the Job mounts', function () {
    const cm = findObject(objects, 'ConfigMap', '-crds') as K8sObject & { data: Record<string, string> };
    expect(Object.keys(cm.data).sort()).to.deep.equal(crdFiles);
    for (const f of crdFiles) expect(cm.data[f], f).to.equal(readFileSync(join(crdDir, f), 'utf8'));
  });

  it('may get, patch and create only the chart CRDs, by name', function () {
    const role = findObject(objects, 'ClusterRole', '-crds') as K8sObject & { rules: unknown[] };
    expect(role.rules).to.deep.equal([
      {
        apiGroups: ['apiextensions.k8s.io'],
        resources: ['customresourcedefinitions'],
        verbs: ['get', 'patch', 'create'],
        resourceNames: crdNames,
      },
    ]);
    const binding = findObject(objects, 'ClusterRoleBinding', '-crds') as K8sObject & { subjects: unknown[] };
    expect(binding.subjects).to.deep.equal([
      { kind: 'ServiceAccount', name: 'ddbop-dynamodb-operator-crds', namespace: 'ops' },
    ]);
  });

  it('runs the applier bundled in the reconciler image, restricted, with the CRDs read-only', function () {
    const job = findObject(objects, 'Job', '-crds') as K8sObject & { spec: JobSpec };
    const pod = job.spec.template.spec;
    const c = pod.containers[0];
    expect(c?.image).to.equal('registry.example/dynamodb-operator-reconciler:1.2.3');
    expect(c?.command).to.deep.equal(['/nodejs/bin/node']);
    expect(c?.args).to.deep.equal(['dist/crd-apply/main.js', '--dir=/etc/dynamodb-operator/crds']);
    expect(c?.volumeMounts).to.deep.equal([{ name: 'crds', mountPath: '/etc/dynamodb-operator/crds', readOnly: true }]);
    expect(pod.volumes).to.deep.equal([{ name: 'crds', configMap: { name: 'ddbop-dynamodb-operator-crds' } }]);
    expect(pod.serviceAccountName).to.equal('ddbop-dynamodb-operator-crds');
    expect(pod.restartPolicy).to.equal('Never');
    expect(pod.securityContext).to.include({ runAsNonRoot: true });
    expect(c?.securityContext).to.include({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(job.spec.activeDeadlineSeconds).to.equal(120);
  });

  it('renders it with its defaults when the values lack `crds` (helm upgrade --reuse-values from an older release)', function () {
    // null deletes the key from the chart's defaults, as the old release's values lack it
    const job = findObject(helmTemplate({ crds: null }), 'Job', '-crds') as K8sObject & { spec: JobSpec };
    expect(job.spec.activeDeadlineSeconds).to.equal(120);
  });

  it('renders none of it with crds.upgradeJob.enabled=false', function () {
    objects = helmTemplate({ crds: { upgradeJob: { enabled: false } } });
    expect(hookObjects()).to.deep.equal([]);
  });
});
