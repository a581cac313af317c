// The Helm chart as rendered by the real helm: `helm lint` and `helm template` for the default values
// and for a values file that turns every option on, the schema's refusals, the cert-manager chain, the
// webhook configurations, RBAC without wildcards, the restricted Pod Security Standard, the Prometheus
// rules (checked by promtool) and the README's values table.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { repoRoot } from './support/env.ts';
import { testEnv } from './support/index.ts';
import { chartDir, findObject, helm, helmTemplate, helmTemplateRaw, KUBE_VERSION } from './support-chart/helm.ts';
import type { K8sObject } from './support-chart/helm.ts';
import { renderedProcess } from './support-chart/rendered.ts';
import { readmeFile, renderReadme, valuesDoc, valuesTable } from './support-chart/values-doc.ts';
import { nonEmpty } from '../support/fixtures.ts';

const NS = 'ddbop-system';
const everythingOn = join(repoRoot, 'test', 'e2e', 'support-chart', 'everything-on.values.yaml');

interface Container {
  name: string;
  image: string;
  imagePullPolicy: string;
  args: string[];
  env?: { name: string; value?: string }[];
  ports: { name: string; containerPort: number }[];
  livenessProbe: { httpGet: { path: string; port: string }; [k: string]: unknown };
  readinessProbe: { httpGet: { path: string; port: string }; [k: string]: unknown };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext: Record<string, unknown>;
  volumeMounts: { name: string; mountPath: string }[];
}
interface PodSpec {
  serviceAccountName: string;
  securityContext: Record<string, unknown>;
  containers: Container[];
  volumes: { name: string; secret?: { secretName: string } }[];
  priorityClassName?: string;
  imagePullSecrets?: { name: string }[];
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
  affinity?: unknown;
  topologySpreadConstraints?: {
    topologyKey: string;
    whenUnsatisfiable: string;
    maxSkew: number;
    labelSelector: { matchLabels: Record<string, string> };
  }[];
}
interface DeploymentSpec {
  replicas: number;
  selector: { matchLabels: Record<string, string> };
  template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec };
}
interface Webhook {
  name: string;
  failurePolicy: string;
  sideEffects: string;
  matchPolicy: string;
  timeoutSeconds: number;
  admissionReviewVersions: string[];
  clientConfig: {
    service?: { name: string; namespace: string; path: string; port: number };
    url?: string;
    caBundle?: string;
  };
  rules: { apiGroups: string[]; resources: string[]; operations: string[] }[];
  matchConditions?: { name: string; expression: string }[];
  reinvocationPolicy?: string;
  namespaceSelector: { matchExpressions: { key: string; operator: string; values: string[] }[] };
}
interface Rule {
  apiGroups?: string[];
  resources?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
  resourceNames?: string[];
}

const deploymentSpec = (o: K8sObject): DeploymentSpec => o.spec as DeploymentSpec;
const container = (o: K8sObject): Container => {
  const c = deploymentSpec(o).template.spec.containers[0];
  if (!c) throw new Error(`${o.metadata.name} has no container`);
  return c;
};
const webhooksOf = (o: K8sObject): Webhook[] => o.webhooks as Webhook[];
const rulesOf = (o: K8sObject): Rule[] => (o.rules as Rule[] | undefined) ?? [];
const byKind = (objects: K8sObject[], kind: string): K8sObject[] => objects.filter((o) => o.kind === kind);
const secretRules = (objects: K8sObject[]): Rule[] =>
  objects
    .filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole')
    .flatMap(rulesOf)
    .filter((r) => (r.resources ?? []).includes('secrets'));

/** The plural names the generated CRDs serve: the webhook rules and RBAC must name exactly these. */
function crdPlurals(): string[] {
  const dir = join(chartDir, 'crds');
  return nonEmpty(
    'chart CRD files',
    readdirSync(dir).filter((f) => f.endsWith('.yaml')),
  )
    .map(
      (f) => (parse(readFileSync(join(dir, f), 'utf8')) as { spec: { names: { plural: string } } }).spec.names.plural,
    )
    .sort();
}

function promtoolCheckRules(rule: K8sObject): { code: number; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ddbop-rules-'));
  try {
    const file = join(dir, 'rules.yaml');
    writeFileSync(file, stringify(rule.spec));
    const r = spawnSync(join(testEnv().binDir, 'promtool'), ['check', 'rules', file], { encoding: 'utf8' });
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function expectRestricted(c: Container, pod: PodSpec, who: string): void {
  expect(pod.securityContext, `${who} pod securityContext`).to.include({ runAsNonRoot: true });
  expect(pod.securityContext.seccompProfile, who).to.deep.equal({ type: 'RuntimeDefault' });
  expect(c.securityContext, `${who} container securityContext`).to.include({
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
  });
  expect(c.securityContext.capabilities, who).to.deep.equal({ drop: ['ALL'] });
  expect(c.securityContext.seccompProfile, who).to.deep.equal({ type: 'RuntimeDefault' });
}

describe('chart: helm lint and template', function () {
  this.timeout(120_000);

  it('passes helm lint for the default values and for everything-on', function () {
    for (const extra of [[], ['--values', everythingOn]]) {
      const r = helm(['lint', chartDir, '--strict', '--kube-version', KUBE_VERSION, ...extra]);
      expect(r.code, `helm lint ${extra.join(' ')}:\n${r.stdout}${r.stderr}`).to.equal(0);
      expect(r.stdout).to.contain('0 chart(s) failed');
    }
  });

  describe('default values', function () {
    let objects: K8sObject[];
    before(function () {
      objects = helmTemplate({}, { release: 'ddbop', namespace: NS });
    });

    it('renders exactly the expected objects, all labelled, namespaced objects in the release namespace', function () {
      const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
      expect(kinds).to.deep.equal(
        [
          'Certificate/ddbop-dynamodb-operator-ca',
          'Certificate/ddbop-dynamodb-operator-webhook',
          'ClusterRole/ddbop-dynamodb-operator-crds',
          'ClusterRole/ddbop-dynamodb-operator-reconciler',
          'ClusterRole/ddbop-dynamodb-operator-webhook',
          'ClusterRoleBinding/ddbop-dynamodb-operator-crds',
          'ClusterRoleBinding/ddbop-dynamodb-operator-reconciler',
          'ClusterRoleBinding/ddbop-dynamodb-operator-webhook',
          'ConfigMap/ddbop-dynamodb-operator-crds',
          'ConfigMap/ddbop-dynamodb-operator-tenancy',
          'Deployment/ddbop-dynamodb-operator-reconciler',
          'Deployment/ddbop-dynamodb-operator-webhook',
          'Issuer/ddbop-dynamodb-operator-ca',
          'Job/ddbop-dynamodb-operator-crds',
          'Issuer/ddbop-dynamodb-operator-selfsigned',
          'MutatingWebhookConfiguration/ddbop-dynamodb-operator-webhook',
          'PodDisruptionBudget/ddbop-dynamodb-operator-webhook',
          'Role/ddbop-dynamodb-operator-reconciler-leader-election',
          'Role/ddbop-dynamodb-operator-reconciler-secrets',
          'RoleBinding/ddbop-dynamodb-operator-reconciler-leader-election',
          'RoleBinding/ddbop-dynamodb-operator-reconciler-secrets',
          'Service/ddbop-dynamodb-operator-reconciler-metrics',
          'Service/ddbop-dynamodb-operator-webhook',
          'Service/ddbop-dynamodb-operator-webhook-metrics',
          'ServiceAccount/ddbop-dynamodb-operator-crds',
          'ServiceAccount/ddbop-dynamodb-operator-reconciler',
          'ServiceAccount/ddbop-dynamodb-operator-webhook',
          'ValidatingWebhookConfiguration/ddbop-dynamodb-operator-webhook',
        ].sort(),
      );
      const clusterScoped = [
        'ClusterRole',
        'ClusterRoleBinding',
        'MutatingWebhookConfiguration',
        'ValidatingWebhookConfiguration',
      ];
      for (const o of objects) {
        expect(o.metadata.labels?.['app.kubernetes.io/instance'], `${o.kind}/${o.metadata.name}`).to.equal('ddbop');
        expect(o.metadata.labels?.['app.kubernetes.io/managed-by']).to.equal('Helm');
        if (!clusterScoped.includes(o.kind)) expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).to.equal(NS);
      }
    });

    it('runs the webhook with 2 replicas, a PDB and topology spread over its own pods', function () {
      const d = findObject(objects, 'Deployment', '-webhook');
      const spec = deploymentSpec(d);
      expect(spec.replicas).to.equal(2);
      const pdb = findObject(objects, 'PodDisruptionBudget');
      expect(pdb.spec).to.deep.equal({ minAvailable: 1, selector: { matchLabels: spec.selector.matchLabels } });
      const spread = spec.template.spec.topologySpreadConstraints ?? [];
      expect(spread.map((t) => t.topologyKey)).to.deep.equal(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
      for (const t of spread) {
        expect(t.labelSelector.matchLabels).to.deep.equal(spec.selector.matchLabels);
        expect(t.whenUnsatisfiable).to.equal('ScheduleAnyway');
      }
      for (const [k, v] of Object.entries(spec.selector.matchLabels))
        expect(spec.template.metadata.labels[k]).to.equal(v);
    });

    it('starts the webhook with the contract flags and mounts the serving-certificate Secret at --cert-dir', function () {
      const d = findObject(objects, 'Deployment', '-webhook');
      const c = container(d);
      expect(c.args).to.deep.equal([
        '--host=0.0.0.0',
        '--port=9443',
        '--cert-dir=/tmp/k8s-webhook-server/serving-certs',
        '--metrics-port=8080',
        '--log-level=info',
        '--max-inflight-requests=128',
        '--max-inflight-bytes=8388608',
        '--tenancy-policy=/etc/dynamodb-operator/tenancy/policy.json',
      ]);
      const mount = c.volumeMounts.find((m) => m.mountPath === '/tmp/k8s-webhook-server/serving-certs');
      const volume = deploymentSpec(d).template.spec.volumes.find((v) => v.name === mount?.name);
      const cert = findObject(objects, 'Certificate', '-webhook');
      expect(volume?.secret?.secretName).to.equal((cert.spec as { secretName: string }).secretName);
      expect(c.ports).to.deep.include({ name: 'https', containerPort: 9443, protocol: 'TCP' });
      expect(c.livenessProbe.httpGet).to.deep.equal({ path: '/healthz', port: 'metrics' });
      expect(c.readinessProbe.httpGet).to.deep.equal({ path: '/readyz', port: 'metrics' });
    });

    it('runs one leader-elected reconciler with the contract flags, probes on the health port', function () {
      const d = findObject(objects, 'Deployment', '-reconciler');
      expect(deploymentSpec(d).replicas).to.equal(1);
      const c = container(d);
      expect(c.args).to.deep.equal([
        '--metrics-bind-address=:8080',
        '--health-probe-bind-address=:8081',
        '--leader-elect',
        `--leader-election-namespace=${NS}`,
        '--leader-election-id=dynamodb-operator-reconciler',
        '--max-concurrent-reconciles=16',
        '--resync-period=10m',
        '--drift-check-period=1h',
        '--aws-connect-timeout=3s',
        '--aws-request-timeout=10s',
        '--aws-call-timeout=30s',
        '--max-concurrent-per-provider=0',
        '--log-level=info',
        '--tenancy-policy=/etc/dynamodb-operator/tenancy/policy.json',
      ]);
      expect(c.livenessProbe.httpGet).to.deep.equal({ path: '/healthz', port: 'health' });
      expect(c.readinessProbe.httpGet).to.deep.equal({ path: '/readyz', port: 'health' });
      expect(c.ports.map((p) => [p.name, p.containerPort])).to.deep.equal([
        ['metrics', 8080],
        ['health', 8081],
      ]);
    });

    it('meets the restricted Pod Security Standard with resources and probes on every container', function () {
      for (const d of byKind(objects, 'Deployment')) {
        const pod = deploymentSpec(d).template.spec;
        for (const c of pod.containers) {
          expectRestricted(c, pod, d.metadata.name);
          expect(c.resources?.requests, d.metadata.name).to.have.keys('cpu', 'memory');
          expect(c.resources?.limits, d.metadata.name).to.have.key('memory');
          const portNames = c.ports.map((p) => p.name);
          expect(portNames).to.include(c.livenessProbe.httpGet.port);
          expect(portNames).to.include(c.readinessProbe.httpGet.port);
        }
      }
    });

    it('registers both webhooks: Fail, None, Equivalent, v1, CA injected by cert-manager, never kube-system or its own namespace', function () {
      const cert = findObject(objects, 'Certificate', '-webhook');
      const service = findObject(objects, 'Service', '-webhook');
      const servicePort = (service.spec as { ports: { port: number; targetPort: string }[] }).ports[0];
      expect(servicePort?.targetPort).to.equal('https');
      for (const [kind, path] of [
        ['ValidatingWebhookConfiguration', '/validate'],
        ['MutatingWebhookConfiguration', '/mutate'],
      ] as const) {
        const config = findObject(objects, kind);
        expect(config.metadata.annotations?.['cert-manager.io/inject-ca-from']).to.equal(`${NS}/${cert.metadata.name}`);
        const [hook, ...more] = webhooksOf(config);
        expect(more).to.have.length(0);
        if (!hook) throw new Error(`${kind} has no webhook`);
        expect(hook).to.include({
          failurePolicy: 'Fail',
          sideEffects: 'None',
          matchPolicy: 'Equivalent',
          timeoutSeconds: 10,
        });
        expect(hook.admissionReviewVersions).to.deep.equal(['v1']);
        expect(hook.clientConfig).to.deep.equal({
          service: { name: service.metadata.name, namespace: NS, path, port: servicePort?.port },
        });
        // One rule for the namespaced kinds, one (scope Cluster) for ClusterAWSProvider.
        expect(hook.rules).to.have.length(2);
        for (const rule of hook.rules) {
          expect(rule.apiGroups).to.deep.equal(['aws-infra-operator.runner.codes']);
          expect(rule.operations).to.deep.equal(['CREATE', 'UPDATE']);
        }
        expect(hook.rules.flatMap((r) => r.resources).sort()).to.deep.equal(crdPlurals());
        expect((hook.rules[1] as unknown as { scope: string }).scope).to.equal('Cluster');
        expect(hook.namespaceSelector.matchExpressions).to.deep.equal([
          { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', NS] },
        ]);
      }
    });

    it('chains self-signed Issuer → CA Certificate → CA Issuer → serving Certificate for the Service DNS names', function () {
      const selfSigned = findObject(objects, 'Issuer', '-selfsigned');
      expect(selfSigned.spec).to.deep.equal({ selfSigned: {} });
      const ca = findObject(objects, 'Certificate', '-ca');
      const caSpec = ca.spec as { isCA: boolean; secretName: string; issuerRef: { name: string; kind: string } };
      expect(caSpec.isCA).to.equal(true);
      expect(caSpec.issuerRef).to.include({ name: selfSigned.metadata.name, kind: 'Issuer' });
      const caIssuer = findObject(objects, 'Issuer', '-ca');
      expect(caIssuer.spec).to.deep.equal({ ca: { secretName: caSpec.secretName } });
      const serving = findObject(objects, 'Certificate', '-webhook');
      const servingSpec = serving.spec as {
        dnsNames: string[];
        issuerRef: { name: string; kind: string };
        usages: string[];
      };
      expect(servingSpec.issuerRef).to.include({ name: caIssuer.metadata.name, kind: 'Issuer' });
      expect(servingSpec.dnsNames).to.include(`ddbop-dynamodb-operator-webhook.${NS}.svc`);
      expect(servingSpec.dnsNames).to.include(`ddbop-dynamodb-operator-webhook.${NS}.svc.cluster.local`);
      expect(servingSpec.usages).to.include('server auth');
    });

    it('grants least privilege per deployable, without wildcards', function () {
      for (const role of objects.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole')) {
        for (const r of rulesOf(role)) {
          for (const field of [r.apiGroups ?? [], r.resources ?? [], r.nonResourceURLs ?? [], r.verbs])
            expect(field, role.metadata.name).not.to.include('*');
        }
      }
      const webhookRole = findObject(objects, 'ClusterRole', '-webhook');
      expect(rulesOf(webhookRole)).to.deep.equal([
        {
          apiGroups: ['aws-infra-operator.runner.codes'],
          resources: ['awsproviders', 'clusterawsproviders'],
          verbs: ['list', 'watch'],
        },
        { apiGroups: [''], resources: ['namespaces'], verbs: ['list', 'watch'] },
      ]);
      const reconcilerRules = rulesOf(findObject(objects, 'ClusterRole', '-reconciler'));
      const plurals = crdPlurals();
      expect([...(reconcilerRules[0]?.resources ?? [])].sort()).to.deep.equal(plurals);
      expect([...(reconcilerRules[1]?.resources ?? [])].sort()).to.deep.equal(plurals.map((p) => `${p}/status`));
      expect([...(reconcilerRules[2]?.resources ?? [])].sort()).to.deep.equal(plurals.map((p) => `${p}/finalizers`));
      expect(reconcilerRules.flatMap((r) => r.resources)).not.to.include('secrets');
      // Least privilege: by default Secrets only in the release namespace, never cluster-wide.
      for (const role of objects.filter((o) => o.kind === 'ClusterRole')) {
        expect(
          rulesOf(role).flatMap((r) => r.resources ?? []),
          role.metadata.name,
        ).not.to.include('secrets');
      }
      const secretRole = findObject(objects, 'Role', '-reconciler-secrets');
      expect(secretRole.metadata.namespace).to.equal(NS);
      expect(findObject(objects, 'RoleBinding', '-reconciler-secrets').metadata.namespace).to.equal(NS);
      expect(secretRules(objects)).to.deep.equal([
        { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] },
      ]);
      const lease = findObject(objects, 'Role', '-leader-election');
      expect(lease.metadata.namespace).to.equal(NS);
      expect(rulesOf(lease)).to.deep.equal([
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
        {
          apiGroups: ['coordination.k8s.io'],
          resources: ['leases'],
          resourceNames: ['dynamodb-operator-reconciler'],
          verbs: ['get', 'update', 'patch'],
        },
      ]);
      for (const binding of objects.filter((o) => o.kind.endsWith('Binding'))) {
        const subjects = binding.subjects as { name: string }[];
        const sa = binding.metadata.name.includes('-webhook')
          ? 'ddbop-dynamodb-operator-webhook'
          : binding.metadata.name.endsWith('-crds')
            ? 'ddbop-dynamodb-operator-crds'
            : 'ddbop-dynamodb-operator-reconciler';
        expect(
          subjects.map((s) => s.name),
          binding.metadata.name,
        ).to.deep.equal([sa]);
      }
    });

    it('exposes both metrics endpoints through Services and renders no monitoring objects by default', function () {
      for (const component of ['webhook', 'reconciler']) {
        const svc = findObject(objects, 'Service', `-${component}-metrics`);
        const port = (svc.spec as { ports: { name: string; targetPort: string }[] }).ports[0];
        expect(port).to.include({ name: 'metrics', targetPort: 'metrics' });
        const selector = (svc.spec as { selector: Record<string, string> }).selector;
        expect(selector['app.kubernetes.io/component']).to.equal(component);
      }
      // the CRD upgrade Job's hook objects (its ConfigMap of CRDs, its ServiceAccount) are not the release's
      const notHook = (o: K8sObject): boolean => o.metadata.annotations?.['helm.sh/hook'] === undefined;
      // nor is the tenancy policy's ConfigMap (tenancy.enabled is on by default)
      const notTenancy = (o: K8sObject): boolean => !o.metadata.name.endsWith('-tenancy');
      for (const kind of ['ServiceMonitor', 'PodMonitor', 'PrometheusRule', 'ConfigMap', 'Secret']) {
        expect(byKind(objects, kind).filter(notHook).filter(notTenancy), kind).to.have.length(0);
      }
      for (const sa of byKind(objects, 'ServiceAccount').filter(notHook))
        expect(sa.metadata.annotations ?? {}).to.deep.equal({});
    });
  });

  describe('everything on', function () {
    let objects: K8sObject[];
    before(function () {
      objects = helmTemplate({}, { release: 'ddbop', namespace: 'ops', valuesFiles: [everythingOn] });
    });

    it('applies image, scheduling and pod knobs to both Deployments', function () {
      const webhook = findObject(objects, 'Deployment', '-webhook');
      const reconciler = findObject(objects, 'Deployment', '-reconciler');
      expect(webhook.metadata.name).to.equal('everything-webhook');
      expect(container(webhook).image).to.equal(
        'registry.example.com/ddbop/webhook@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      );
      expect(container(reconciler).image).to.equal('registry.example.com/ddbop/reconciler:1.2.3');
      const wp = deploymentSpec(webhook).template.spec;
      const rp = deploymentSpec(reconciler).template.spec;
      expect(deploymentSpec(webhook).replicas).to.equal(3);
      expect(deploymentSpec(reconciler).replicas).to.equal(2);
      expect(wp.priorityClassName).to.equal('webhook-critical');
      expect(rp.priorityClassName).to.equal('system-cluster-critical');
      for (const pod of [wp, rp]) {
        expect(pod.imagePullSecrets).to.deep.equal([{ name: 'regcred' }]);
        // maps merge with the defaults (Helm's rule): the default OS selector stays
        expect(pod.nodeSelector).to.deep.equal({ 'kubernetes.io/os': 'linux', 'node-role': 'ops' });
        expect(pod.tolerations).to.have.length(1);
        expect(Object.keys(pod.affinity ?? {})).to.have.length(1);
        expect(pod.containers[0]?.imagePullPolicy).to.equal('Always');
        expect(pod.containers[0]?.volumeMounts).to.deep.include({ name: 'extra', mountPath: '/extra' });
      }
      expect(wp.topologySpreadConstraints?.map((t) => [t.topologyKey, t.whenUnsatisfiable, t.maxSkew])).to.deep.equal([
        ['topology.kubernetes.io/zone', 'DoNotSchedule', 2],
      ]);
      expect(rp.topologySpreadConstraints).to.have.length(1);
      const { 'checksum/tenancy': checksum, ...annotations } =
        deploymentSpec(webhook).template.metadata.annotations ?? {};
      expect(annotations).to.deep.equal({ pod: 'annotated' });
      expect(checksum).to.match(/^[0-9a-f]{64}$/);
      expect(deploymentSpec(webhook).template.metadata.labels['pod-label']).to.equal('yes');
      expect(container(webhook).env).to.deep.include({ name: 'NODE_OPTIONS', value: '--max-old-space-size=192' });
      expect(container(reconciler).env).to.deep.include({ name: 'AWS_REGION', value: 'eu-west-1' });
      expect(container(reconciler).env).to.deep.include({ name: 'DDBOP_OPTIMIZING_COMPILERS', value: 'true' });
      expect(container(webhook).livenessProbe).to.include({
        initialDelaySeconds: 7,
        periodSeconds: 11,
        failureThreshold: 4,
      });
      expect(findObject(objects, 'PodDisruptionBudget').spec).to.deep.include({ maxUnavailable: 1 });
      // a Recreate override drops the default rollingUpdate (which the API server would refuse)
      expect((reconciler.spec as { strategy: unknown }).strategy).to.deep.equal({ type: 'Recreate' });
      expect(findObject(objects, 'PodDisruptionBudget').spec).not.to.have.property('minAvailable');
    });

    it('passes every flag value through to the processes', function () {
      expect(container(findObject(objects, 'Deployment', '-webhook')).args).to.deep.equal([
        '--host=0.0.0.0',
        '--port=10443',
        '--cert-dir=/tmp/k8s-webhook-server/serving-certs',
        '--metrics-port=18080',
        '--log-level=debug',
        '--max-inflight-requests=16',
        '--max-inflight-bytes=4194304',
        '--client-ca-file=/etc/dynamodb-operator/client-ca/ca.pem',
        '--metrics-secure',
        '--default-tags=cost-center=42,managed-by=dynamodb-operator',
        '--tenancy-policy=/etc/dynamodb-operator/tenancy/policy.json',
        '--no-provider-cache',
      ]);
      expect(container(findObject(objects, 'Deployment', '-reconciler')).args).to.deep.equal([
        '--metrics-bind-address=:18081',
        '--health-probe-bind-address=:18082',
        '--metrics-secure=true',
        '--leader-elect',
        '--leader-election-namespace=leases',
        '--leader-election-id=ddbop-leader',
        '--max-concurrent-reconciles=8',
        '--resync-period=5m',
        '--drift-check-period=1h',
        '--aws-connect-timeout=3s',
        '--aws-request-timeout=10s',
        '--aws-call-timeout=30s',
        '--max-concurrent-per-provider=0',
        '--log-level=debug',
        '--watch-namespace=tables',
        '--tenancy-policy=/etc/dynamodb-operator/tenancy/policy.json',
        '--foo=bar',
      ]);
    });

    it('puts the IRSA role on the reconciler ServiceAccount only', function () {
      const reconcilerSa = findObject(objects, 'ServiceAccount', 'custom-reconciler-sa');
      expect(reconcilerSa.metadata.annotations).to.deep.equal({
        sa: 'annotated',
        'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/dynamodb-operator',
      });
      const webhookSa = findObject(objects, 'ServiceAccount', 'custom-webhook-sa');
      expect(webhookSa.metadata.annotations).to.deep.equal({ sa: 'annotated' });
      expect(
        deploymentSpec(findObject(objects, 'Deployment', '-reconciler')).template.spec.serviceAccountName,
      ).to.equal('custom-reconciler-sa');
    });

    it('narrows Secrets to Roles in the listed namespaces, by name only, and the Lease to its namespace', function () {
      expect(objects.filter((o) => o.kind === 'ClusterRole' && o.metadata.name.endsWith('-secrets'))).to.have.length(0);
      const secretRoles = objects.filter((o) => o.kind === 'Role' && o.metadata.name.endsWith('-secrets'));
      expect(secretRoles.map((r) => r.metadata.namespace).sort()).to.deep.equal(['tables', 'team-b']);
      expect(secretRules(objects)).to.deep.equal([
        {
          apiGroups: [''],
          resources: ['secrets'],
          resourceNames: ['aws-credentials'],
          verbs: ['get', 'list', 'watch'],
        },
        {
          apiGroups: [''],
          resources: ['secrets'],
          resourceNames: ['aws-credentials'],
          verbs: ['get', 'list', 'watch'],
        },
      ]);
      const bindings = objects.filter((o) => o.kind === 'RoleBinding' && o.metadata.name.endsWith('-secrets'));
      for (const b of bindings)
        expect(b.subjects).to.deep.equal([{ kind: 'ServiceAccount', name: 'custom-reconciler-sa', namespace: 'ops' }]);
      const lease = findObject(objects, 'Role', '-leader-election');
      expect(lease.metadata.namespace).to.equal('leases');
      expect(rulesOf(lease)[1]?.resourceNames).to.deep.equal(['ddbop-leader']);
    });

    it('uses the existing ClusterIssuer (no chart-owned issuers) with the extra SANs', function () {
      expect(byKind(objects, 'Issuer')).to.have.length(0);
      const certs = byKind(objects, 'Certificate');
      expect(certs).to.have.length(1);
      const spec = certs[0]?.spec as {
        issuerRef: unknown;
        ipAddresses: string[];
        dnsNames: string[];
        privateKey: unknown;
      };
      expect(spec.issuerRef).to.deep.equal({ name: 'corp-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' });
      expect(spec.ipAddresses).to.deep.equal(['127.0.0.1']);
      expect(spec.dnsNames).to.include('webhook.example.internal');
      expect(spec.privateKey).to.deep.equal({ algorithm: 'RSA', size: 3072, rotationPolicy: 'Always' });
      const hook = webhooksOf(findObject(objects, 'ValidatingWebhookConfiguration'))[0];
      expect(hook?.timeoutSeconds).to.equal(5);
      expect(hook?.clientConfig.service?.port).to.equal(8443);
      expect(hook?.namespaceSelector.matchExpressions).to.deep.equal([
        { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'ops', 'legacy'] },
        { key: 'dynamodb-operator.runner.codes/enabled', operator: 'In', values: ['true'] },
      ]);
    });

    it('admits the webhook port only from webhook.networkPolicy.from, metrics only from metricsFrom', function () {
      const policy = findObject(objects, 'NetworkPolicy', '-webhook');
      expect(policy.metadata.namespace).to.equal('ops');
      const spec = policy.spec as {
        podSelector: { matchLabels: Record<string, string> };
        policyTypes: string[];
        ingress: { ports: { port: string; protocol: string }[]; from: unknown[] }[];
      };
      expect(spec.podSelector.matchLabels['app.kubernetes.io/component']).to.equal('webhook');
      expect(spec.policyTypes).to.deep.equal(['Ingress']);
      expect(spec.ingress).to.deep.equal([
        { ports: [{ port: 'https', protocol: 'TCP' }], from: [{ ipBlock: { cidr: '10.0.0.0/16' } }] },
        {
          ports: [{ port: 'metrics', protocol: 'TCP' }],
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
        },
      ]);
    });

    it('mounts the client CA ConfigMap where --client-ca-file points', function () {
      const d = findObject(objects, 'Deployment', '-webhook');
      const mount = container(d).volumeMounts.find((m) => m.name === 'client-ca');
      expect(mount).to.deep.include({ mountPath: '/etc/dynamodb-operator/client-ca', readOnly: true });
      const volume = deploymentSpec(d).template.spec.volumes.find((v) => v.name === 'client-ca') as
        { configMap?: { name: string } } | undefined;
      expect(volume?.configMap?.name).to.equal('apiserver-client-ca');
    });

    it('metrics.secure: HTTPS probes, TokenReview/SubjectAccessReview rights, a metrics-reader role, monitors with a token', function () {
      const webhook = container(findObject(objects, 'Deployment', '-webhook'));
      expect(webhook.livenessProbe.httpGet).to.deep.equal({ path: '/healthz', port: 'metrics', scheme: 'HTTPS' });
      expect(webhook.readinessProbe.httpGet).to.deep.equal({ path: '/readyz', port: 'metrics', scheme: 'HTTPS' });
      const authRules = [
        { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
        { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
      ];
      for (const name of ['-webhook', '-reconciler']) {
        expect(rulesOf(findObject(objects, 'ClusterRole', name)), name).to.deep.include.members(authRules);
      }
      const reader = findObject(objects, 'ClusterRole', '-metrics-reader');
      expect(rulesOf(reader)).to.deep.equal([{ nonResourceURLs: ['/metrics'], verbs: ['get'] }]);
      const scraper = findObject(objects, 'ServiceAccount', '-metrics-scraper');
      expect(scraper.metadata.namespace).to.equal('monitoring');
      const token = findObject(objects, 'Secret', '-metrics-scraper');
      expect(token.type).to.equal('kubernetes.io/service-account-token');
      expect(token.metadata.namespace).to.equal('monitoring');
      const binding = findObject(objects, 'ClusterRoleBinding', '-metrics-scraper');
      expect(binding.roleRef).to.deep.include({ kind: 'ClusterRole', name: reader.metadata.name });
      expect(binding.subjects).to.deep.equal([
        { kind: 'ServiceAccount', name: scraper.metadata.name, namespace: 'monitoring' },
      ]);
      for (const m of byKind(objects, 'ServiceMonitor')) {
        const endpoint = (m.spec as { endpoints: Record<string, unknown>[] }).endpoints[0];
        expect(endpoint).to.deep.include({
          scheme: 'https',
          tlsConfig: { insecureSkipVerify: true },
          authorization: { type: 'Bearer', credentials: { name: token.metadata.name, key: 'token' } },
        });
      }
    });

    it('renders ServiceMonitors, a PrometheusRule that promtool accepts, and the Grafana dashboard', function () {
      const monitors = byKind(objects, 'ServiceMonitor');
      expect(monitors.map((m) => m.metadata.namespace)).to.deep.equal(['monitoring', 'monitoring']);
      for (const m of monitors) {
        expect(m.metadata.labels?.release).to.equal('kube-prometheus-stack');
        const endpoint = (m.spec as { endpoints: Record<string, unknown>[] }).endpoints[0];
        expect(endpoint).to.include({ port: 'metrics', interval: '15s', scrapeTimeout: '5s', honorLabels: true });
      }
      expect(byKind(objects, 'PodMonitor')).to.have.length(0);
      const rule = findObject(objects, 'PrometheusRule');
      const check = promtoolCheckRules(rule);
      expect(check.code, check.out).to.equal(0);
      expect(check.out).to.contain('SUCCESS: 13 rules found');
      const alerts = (
        rule.spec as { groups: { rules: { alert: string; expr: string; labels: Record<string, string> }[] }[] }
      ).groups.flatMap((g) => g.rules);
      expect(alerts.map((a) => a.alert)).to.include.members([
        'DynamoDBOperatorReconcileErrors',
        'DynamoDBOperatorTerminalErrors',
        'DynamoDBOperatorWebhookLatencyHigh',
        'DynamoDBOperatorWebhookDenialsHigh',
        'DynamoDBOperatorAPIServerErrors',
        'DynamoDBOperatorCustom',
      ]);
      for (const a of alerts.filter((x) => x.alert !== 'DynamoDBOperatorCustom')) {
        expect(a.labels.team, a.alert).to.equal('platform');
        expect(a.expr, a.alert).to.contain('namespace="ops"');
      }
      expect(alerts.find((a) => a.alert === 'DynamoDBOperatorNoLeader')?.expr).to.contain('name="ddbop-leader"');
      expect(alerts.find((a) => a.alert === 'DynamoDBOperatorWebhookLatencyHigh')?.expr).to.match(/> 0\.25$/);
      const dashboard = findObject(objects, 'ConfigMap', '-dashboard');
      expect(dashboard.metadata.annotations).to.deep.equal({ grafana_folder: 'Operators' });
      const json = JSON.parse((dashboard.data as Record<string, string>)['dynamodb-operator.json'] ?? '') as {
        panels: { targets: { expr: string }[] }[];
      };
      const exprs = json.panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n');
      for (const metric of [
        'controller_runtime_reconcile_total',
        'controller_runtime_webhook_latency_seconds_bucket',
        'dynamodb_operator_tables',
        'dynamodb_operator_aws_api_calls_total',
        'rest_client_requests_total',
        'rest_client_request_duration_seconds_bucket',
      ]) {
        expect(exprs).to.contain(metric);
      }
    });
  });

  describe('option switches', function () {
    it('without cert-manager: generates one CA for the Secret and both caBundles, and a serving cert it signed', function () {
      const objects = helmTemplate({ certManager: { enabled: false } }, { release: 'ddbop', namespace: NS });
      expect(objects.filter((o) => o.apiVersion.startsWith('cert-manager.io'))).to.have.length(0);
      const secret = findObject(objects, 'Secret', '-webhook-tls');
      const data = secret.data as Record<string, string>;
      const ca = Buffer.from(data['ca.crt'] ?? '', 'base64').toString();
      for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
        const config = findObject(objects, kind);
        expect(config.metadata.annotations ?? {}).not.to.have.property('cert-manager.io/inject-ca-from');
        const bundle = webhooksOf(config)[0]?.clientConfig.caBundle ?? '';
        expect(Buffer.from(bundle, 'base64').toString()).to.equal(ca);
      }
      const serving = new X509Certificate(Buffer.from(data['tls.crt'] ?? '', 'base64'));
      expect(serving.verify(new X509Certificate(ca).publicKey)).to.equal(true);
      expect(serving.subjectAltName).to.contain(`DNS:ddbop-dynamodb-operator-webhook.${NS}.svc`);
      expect(secret.type).to.equal('kubernetes.io/tls');
    });

    it('podMonitor instead of serviceMonitor; both at once is refused by the schema', function () {
      const objects = helmTemplate({ metrics: { podMonitor: { enabled: true } } });
      expect(byKind(objects, 'PodMonitor')).to.have.length(2);
      expect(byKind(objects, 'ServiceMonitor')).to.have.length(0);
      const both = helmTemplateRaw({ metrics: { podMonitor: { enabled: true }, serviceMonitor: { enabled: true } } });
      expect(both.code).to.not.equal(0);
      expect(both.stderr).to.contain("at '/metrics': 'not' failed");
    });

    it('refuses unknown keys, out-of-range values and contradictory settings with a message naming the value', function () {
      const cases: [object, string][] = [
        [{ webhook: { replicas: 3 } }, "additional properties 'replicas' not allowed"],
        [{ unknownTopLevel: true }, "additional properties 'unknownTopLevel' not allowed"],
        [{ webhook: { timeoutSeconds: 31 } }, '/webhook/timeoutSeconds'],
        [{ webhook: { failurePolicy: 'Maybe' } }, '/webhook/failurePolicy'],
        [{ reconciler: { irsaRoleArn: 'not-an-arn' } }, '/reconciler/irsaRoleArn'],
        [{ webhook: { networkPolicy: { enabled: true } } }, 'webhook.networkPolicy.from is empty'],
        [{ webhook: { clientAuth: { enabled: true } } }, 'webhook.clientAuth.caConfigMap is empty'],
        [{ webhook: { limits: { maxInFlightRequests: 0 } } }, '/webhook/limits/maxInFlightRequests'],
        [{ metrics: { secure: 3 } }, '/metrics/secure'],
        [
          { reconciler: { replicaCount: 2, leaderElection: { enabled: false } } },
          'needs reconciler.leaderElection.enabled',
        ],
      ];
      for (const [values, message] of cases) {
        const r = helmTemplateRaw(values);
        expect(r.code, JSON.stringify(values)).to.not.equal(0);
        expect(r.stderr, JSON.stringify(values)).to.contain(message);
      }
    });

    it('scope cluster (opt-in) is a ClusterRole over Secrets; default metrics are plain HTTP with no auth rules', function () {
      const objects = helmTemplate({ reconciler: { rbac: { secrets: { scope: 'cluster' } } } });
      expect(rulesOf(findObject(objects, 'ClusterRole', '-reconciler-secrets'))).to.deep.equal([
        { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] },
      ]);
      expect(objects.filter((o) => o.kind === 'Role' && o.metadata.name.endsWith('-secrets'))).to.have.length(0);
      expect(objects.filter((o) => o.metadata.name.includes('-metrics-'))).to.have.length(0);
      expect(objects.filter((o) => o.kind === 'NetworkPolicy')).to.have.length(0);
      for (const role of objects.filter((o) => o.kind === 'ClusterRole')) {
        expect(rulesOf(role).flatMap((r) => r.resources ?? [])).not.to.include('tokenreviews');
      }
      const pm = helmTemplate({ metrics: { secure: true, podMonitor: { enabled: true }, scrapeTokenSecret: 'mine' } });
      const endpoint = (byKind(pm, 'PodMonitor')[0]?.spec as { podMetricsEndpoints: Record<string, unknown>[] })
        .podMetricsEndpoints[0];
      expect(endpoint).to.deep.include({
        scheme: 'https',
        authorization: { type: 'Bearer', credentials: { name: 'mine', key: 'token' } },
      });
      expect(pm.filter((o) => o.metadata.name.endsWith('-metrics-scraper'))).to.have.length(0);
    });

    it('watchNamespace as a list or a comma string becomes one --watch-namespace=a,b; watchLabelSelector is passed quoted', function () {
      const argsOf = (reconciler: object): string[] =>
        container(findObject(helmTemplate({ reconciler }), 'Deployment', '-reconciler')).args;
      const watchArgs = (reconciler: object): string[] => argsOf(reconciler).filter((a) => a.startsWith('--watch-'));
      expect(watchArgs({ watchNamespace: ['team-a', 'team-b'] })).to.deep.equal(['--watch-namespace=team-a,team-b']);
      expect(watchArgs({ watchNamespace: 'team-a,team-b' })).to.deep.equal(['--watch-namespace=team-a,team-b']);
      expect(watchArgs({ watchNamespace: 'tables' })).to.deep.equal(['--watch-namespace=tables']);
      expect(watchArgs({ watchNamespace: [] })).to.deep.equal([]);
      expect(watchArgs({})).to.deep.equal([]);
      expect(watchArgs({ watchLabelSelector: 'team=a,env in (prod,staging)' })).to.deep.equal([
        '--watch-label-selector=team=a,env in (prod,staging)',
      ]);
      for (const bad of ['Team-A', 'a;b', 'a, b', ['ok', 'Not_OK'], 3]) {
        const r = helmTemplateRaw({ reconciler: { watchNamespace: bad } });
        expect(r.code, JSON.stringify(bad)).to.not.equal(0);
        expect(r.stderr, JSON.stringify(bad)).to.contain('/reconciler/watchNamespace');
      }
    });

    it('scope none removes Secret access; leader election off removes the flag and the Lease Role', function () {
      const objects = helmTemplate({
        reconciler: { rbac: { secrets: { scope: 'none' } }, leaderElection: { enabled: false } },
      });
      expect(secretRules(objects)).to.deep.equal([]);
      expect(objects.filter((o) => o.metadata.name.endsWith('-leader-election'))).to.have.length(0);
      expect(
        container(findObject(objects, 'Deployment', '-reconciler')).args.some((a) => a.startsWith('--leader-elect')),
      ).to.equal(false);
    });

    it('webhook.url points both configurations at a URL instead of the Service', function () {
      const objects = helmTemplate({ webhook: { url: 'https://127.0.0.1:9443' } });
      expect(webhooksOf(findObject(objects, 'ValidatingWebhookConfiguration'))[0]?.clientConfig).to.deep.equal({
        url: 'https://127.0.0.1:9443/validate',
      });
      expect(webhooksOf(findObject(objects, 'MutatingWebhookConfiguration'))[0]?.clientConfig).to.deep.equal({
        url: 'https://127.0.0.1:9443/mutate',
      });
    });

    it('webhook.admission combined: one mutating webhook on /admit (IfNeeded), no validating configuration', function () {
      const split = helmTemplate({});
      for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
        const [hook] = webhooksOf(findObject(split, kind));
        // An update that changes neither spec, labels nor annotations is never sent.
        expect(hook?.matchConditions).to.have.length(1);
        expect(hook?.matchConditions?.[0]?.expression).to.match(/^request\.operation != 'UPDATE' \|\|/);
      }
      expect(webhooksOf(findObject(split, 'MutatingWebhookConfiguration'))[0]?.reinvocationPolicy).to.equal('Never');
      const combined = helmTemplate({ webhook: { admission: 'combined', url: 'https://127.0.0.1:9443' } });
      expect(combined.filter((o) => o.kind === 'ValidatingWebhookConfiguration')).to.have.length(0);
      const [hook] = webhooksOf(findObject(combined, 'MutatingWebhookConfiguration'));
      expect(hook?.clientConfig).to.deep.equal({ url: 'https://127.0.0.1:9443/admit' });
      expect(hook?.reinvocationPolicy).to.equal('IfNeeded');
      expect(helmTemplateRaw({ webhook: { admission: 'both' } }).stderr).to.match(/admission.*split.*combined/);
    });

    it('renders a PrometheusRule for the default values that promtool accepts', function () {
      const rule = findObject(
        helmTemplate({ metrics: { prometheusRule: { enabled: true } } }, { namespace: NS }),
        'PrometheusRule',
      );
      const check = promtoolCheckRules(rule);
      expect(check.code, check.out).to.equal(0);
      expect(check.out).to.contain('SUCCESS: 12 rules found');
    });
  });

  describe('rendered processes and docs', function () {
    it('gives the playground the Deployment args, env and the Dockerfile entrypoint', function () {
      const webhook = renderedProcess(
        'webhook',
        { webhook: { securePort: 12345, metricsPort: 12346 } },
        { namespace: NS },
      );
      expect(webhook.entrypoint).to.deep.equal(['/nodejs/bin/node', 'dist/webhook/main.js']);
      expect(webhook.args).to.include('--port=12345');
      expect(webhook.env).to.deep.equal({
        POD_NAMESPACE: NS,
        POD_NAME: 'ddbop-dynamodb-operator-webhook-local',
        NODE_OPTIONS: '--max-old-space-size=128',
      });
      expect(existsSync(join(repoRoot, webhook.script))).to.equal(true);
      const reconciler = renderedProcess('reconciler', {}, { namespace: NS });
      // by default the reconciler's own main.ts sets its V8 flags, the optimising compilers off
      expect(reconciler.env).not.to.have.property('NODE_OPTIONS');
      expect(reconciler.env).not.to.have.property('DDBOP_OPTIMIZING_COMPILERS');
      expect(reconciler.entrypoint).to.deep.equal(['/nodejs/bin/node', 'dist/reconciler/main.js']);
      expect(reconciler.ports).to.deep.equal({ metrics: 8080, health: 8081 });
    });

    it('documents every value in values.yaml and the README table is current', function () {
      const { docs, undocumented } = valuesDoc();
      expect(undocumented, 'values without a "# --" comment').to.deep.equal([]);
      expect(docs.length).to.be.greaterThan(100);
      const readme = readFileSync(readmeFile, 'utf8');
      expect(
        renderReadme(readme, valuesTable(docs)),
        'README stale: node test/e2e/support-chart/values-doc.ts --write',
      ).to.equal(readme);
      // the checker really catches an undocumented value
      expect(valuesDoc('# -- documented\na: 1\nb: 2\nc:\n  # -- nested\n  d: 3\n  e: 4\n').undocumented).to.deep.equal([
        'b',
        'c.e',
      ]);
    });
  });
});
