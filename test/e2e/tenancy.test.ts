// The tenancy policy as a namespace editor would try it, through real kubectl and the real API server: the
// webhook (run with --tenancy-policy) refuses at apply what the admin's policy forbids, naming the
// field and the policy key; with the webhook gone the reconciler (same policy) refuses the forced-in
// objects with Ready=False PolicyDenied, and the recording proxy in front of the emulator shows that
// no request reached the refused provider's endpoint.
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { PERMISSIVE_POLICY, parseTenancyPolicy, providerIdentityOf, providerViolations } from '@dynamodb-operator/api';
import { kubectl, makeServingCert, testEnv, waitFor } from './support/index.ts';
import { findObject, helmTemplate } from './support-chart/helm.ts';
import type { K8sObject } from './support-chart/helm.ts';
import {
  GROUP,
  condition,
  deleteNamespace,
  getObj,
  mustApply,
  providerYaml,
  simpleTableYaml,
  startDynalite,
  startReconcilerProc,
  startRecordingProxy,
  uniqueNamespace,
} from './support-reconciler/index.ts';
import type { Emulator, ReconcilerProc, Recorder } from './support-reconciler/index.ts';
import {
  registerWebhooks,
  startWebhookProcess,
  unregisterWebhooks,
  writeCertDir,
} from '../../packages/webhook/test/e2e/harness.ts';
import type { WebhookProcess } from '../../packages/webhook/test/e2e/harness.ts';

const ADOPT = `${GROUP}/adopt`;
/** The namespace editor: the test environment's low-privilege user (CN ddbop-e2e-lowpriv). */
const EDITOR = 'ddbop-e2e-lowpriv';

/** What `edit` gives in `ns` for the resources used here (Secrets and our kinds). `edit` itself is bound
 * too, but it is an aggregated ClusterRole and this environment runs no aggregation controller. */
const editorRbac = (ns: string): string =>
  [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'tenancy-editor', namespace: ns },
      rules: [
        { apiGroups: [GROUP], resources: ['awsproviders', 'dynamodbtables', 'dynamodbs'], verbs: ['*'] },
        { apiGroups: [''], resources: ['secrets'], verbs: ['*'] },
      ],
    },
    ...['edit', 'tenancy-editor'].map((role) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: `tenancy-${role}`, namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: role === 'edit' ? 'ClusterRole' : 'Role', name: role },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: EDITOR }],
    })),
  ]
    .map((d) => stringify(d))
    .join('---\n');

/** kubectl apply as the namespace editor. */
const applyAsEditor = (yaml: string, ns: string) =>
  kubectl(['apply', '-n', ns, '-f', '-'], { input: yaml, kubeconfig: testEnv().lowPrivilegeKubeconfig });

const POLICY_FLAG = '--tenancy-policy=/etc/dynamodb-operator/tenancy/policy.json';

const tenancyValues = (ns: string) => ({
  enabled: true,
  operatorIdentityNamespaces: ['platform'],
  roles: [{ namespaces: [ns], roleARNs: ['arn:aws:iam::123456789012:role/tenancy-*'] }],
  allowStaticCredentials: true,
  endpoints: ['http://127.0.0.1:*'],
  adoption: [{ namespaces: [ns], tables: ['tenancy-own-*'] }],
});

interface PodSpec {
  containers: { args?: string[]; volumeMounts?: { name: string; mountPath: string }[] }[];
  volumes?: { name: string; configMap?: { name: string } }[];
}
const podOf = (o: K8sObject) =>
  (o as unknown as { spec: { template: { metadata: { annotations?: Record<string, string> }; spec: PodSpec } } }).spec
    .template;

/** The editor's own static keys: distinctive, so that a leak into logs, Events or status is found. */
const ACCESS_KEY = `AKIATENANCY${process.pid}`;
const SECRET_KEY = `tenancy-secret-${process.pid}-must-not-leak`;

/** The editor's own-keys provider: a Secret with ACCESS_KEY / SECRET_KEY and an AWSProvider on it. */
const ownKeysYaml = (endpoint: string): string =>
  [
    stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'own-keys-creds' },
      type: 'Opaque',
      stringData: { 'access-key-id': ACCESS_KEY, 'secret-access-key': SECRET_KEY },
    }),
    providerYaml('own-keys', endpoint, { noSecret: true, secretName: 'own-keys-creds' }),
  ].join('---\n');

/** An AWSProvider with no credentials and no role: it would act as the operator's own identity. */
const bareProvider = (name: string, endpoint: string): string =>
  stringify({
    apiVersion: `${GROUP}/v1alpha1`,
    kind: 'AWSProvider',
    metadata: { name },
    spec: { region: 'us-east-1', endpoint },
  });

describe('tenancy policy e2e: refused at admission, and again by the reconciler with the webhook off', function () {
  this.timeout(300_000);
  const hookName = `ddbop-e2e-tenancy-${process.pid}`;
  let ns: string;
  let dir: string;
  let policyFile: string;
  let webhook: WebhookProcess | undefined;
  let dynalite: Emulator;
  let denied: Recorder;
  let allowed: Recorder;
  let reconciler: ReconcilerProc | undefined;
  /** Logs of every webhook process this suite ran (read after they stopped). */
  const webhookLogs: string[] = [];

  before(async () => {
    ns = uniqueNamespace('tenancy');
    dir = mkdtempSync(join(tmpdir(), 'ddbop-tenancy-'));
    policyFile = join(dir, 'policy.json');
    // The policy file is what the chart renders into its ConfigMap for these values: this namespace
    // brings its own keys; loopback endpoints are allowed explicitly, as in every test.
    const objects = helmTemplate({ tenancy: tenancyValues(ns) });
    const configMap = findObject(objects, 'ConfigMap', '-tenancy') as unknown as { data: Record<string, string> };
    writeFileSync(policyFile, configMap.data['policy.json'] ?? '');
    mustApply(editorRbac(ns), ns);
    dynalite = await startDynalite('tenancy-dynalite');
    denied = await startRecordingProxy('tenancy-proxy-denied', dynalite.endpoint);
    allowed = await startRecordingProxy('tenancy-proxy-allowed', dynalite.endpoint);
  });

  after(async () => {
    unregisterWebhooks(hookName);
    await webhook?.process.stop();
    await reconciler?.proc.stop();
    await denied?.proc.stop();
    await allowed?.proc.stop();
    await dynalite?.proc.stop();
    if (ns) deleteNamespace(ns);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the chart renders the policy into a ConfigMap mounted into both deployables (on by default), nothing when disabled', () => {
    const on = helmTemplate({ tenancy: tenancyValues('team-a') });
    const { enabled: _enabled, ...policy } = tenancyValues('team-a');
    const data = (findObject(on, 'ConfigMap', '-tenancy') as unknown as { data: Record<string, string> }).data;
    expect(parseTenancyPolicy(data['policy.json'] ?? '')).to.deep.equal(policy);
    for (const component of ['-webhook', '-reconciler']) {
      const pod = podOf(findObject(on, 'Deployment', component));
      expect(pod.spec.containers[0]?.args, component).to.include(POLICY_FLAG);
      expect(pod.spec.containers[0]?.volumeMounts?.find((m) => m.name === 'tenancy')?.mountPath).to.equal(
        '/etc/dynamodb-operator/tenancy',
      );
      expect(pod.spec.volumes?.find((v) => v.name === 'tenancy')?.configMap?.name).to.match(/-tenancy$/);
      // A changed policy rolls the pods (the deployables read it once at start).
      expect(pod.metadata.annotations?.['checksum/tenancy']).to.match(/^[0-9a-f]{64}$/);
    }
    // The defaults: on; nobody acts as the operator; any role only in `default` (the seed's quick
    // start); static keys allowed; AWS's endpoints only; no adoption.
    const defaults = findObject(helmTemplate({}), 'ConfigMap', '-tenancy') as unknown as {
      data: Record<string, string>;
    };
    expect(parseTenancyPolicy(defaults.data['policy.json'] ?? '')).to.deep.equal({
      operatorIdentityNamespaces: [],
      roles: [{ namespaces: ['default'], roleARNs: ['*'] }],
      allowStaticCredentials: true,
      endpoints: [],
      adoption: [],
    });
    // ...under which every AWSProvider of the seed's quick start (examples/seed, namespace default) passes.
    const seedDir = join(testEnv().root, 'examples', 'seed');
    const seedProviders = readdirSync(seedDir)
      .flatMap((f) => parseAllDocuments(readFileSync(join(seedDir, f), 'utf8')).map((d) => d.toJS() as K8sObject))
      .filter((o) => o?.kind === 'AWSProvider');
    expect(seedProviders.length).to.be.above(1);
    const defaultPolicy = parseTenancyPolicy(defaults.data['policy.json'] ?? '');
    for (const p of seedProviders) {
      const id = providerIdentityOf((p as unknown as { spec: unknown }).spec);
      expect(providerViolations(defaultPolicy, p.metadata.namespace ?? 'default', id), p.metadata.name).to.deep.equal(
        [],
      );
    }
    const off = helmTemplate({ tenancy: { enabled: false } });
    expect(off.filter((o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-tenancy'))).to.deep.equal([]);
    for (const component of ['-webhook', '-reconciler']) {
      expect(podOf(findObject(off, 'Deployment', component)).spec.containers[0]?.args).to.not.include(POLICY_FLAG);
    }
    // Disabled: the deployables fall back to the permissive policy (a cluster with one team only).
    expect(PERMISSIVE_POLICY.operatorIdentityNamespaces).to.deep.equal(['*']);
  });

  it('kubectl apply as a namespace editor is denied with the field path and the policy key to ask for', async () => {
    const cert = makeServingCert(['127.0.0.1']);
    const certDir = join(dir, 'certs');
    writeCertDir(certDir, cert, 'v1');
    webhook = await startWebhookProcess('tenancy-webhook', certDir, ['--tenancy-policy', policyFile]);
    await registerWebhooks(hookName, ns, webhook, cert.caPem);

    const identity = applyAsEditor(bareProvider('borrowed', denied.endpoint), ns);
    expect(identity.code).to.not.equal(0);
    expect(identity.stderr).to.match(/spec: tenancy policy: namespace \S+ may not use the operator's own AWS identity/);
    expect(identity.stderr).to.contain('tenancy.operatorIdentityNamespaces');

    const role = applyAsEditor(
      stringify({
        apiVersion: `${GROUP}/v1alpha1`,
        kind: 'AWSProvider',
        metadata: { name: 'admin-role' },
        spec: {
          region: 'us-east-1',
          assumeRoleARN: 'arn:aws:iam::123456789012:role/admin',
          endpoint: 'http://10.9.9.9',
        },
      }),
      ns,
    );
    expect(role.code).to.not.equal(0);
    expect(role.stderr).to.contain('spec.assumeRoleARN').and.contain('tenancy.roles');
    expect(role.stderr).to.contain('spec.endpoint').and.contain('tenancy.endpoints');

    const adopt = applyAsEditor(
      simpleTableYaml('take-over', 'payments', 'p', { annotations: { [ADOPT]: 'true' } }),
      ns,
    );
    expect(adopt.code).to.not.equal(0);
    expect(adopt.stderr).to.contain(`metadata.annotations[${ADOPT}]`).and.contain('tenancy.adoption');

    // Nor can the editor make a cluster-wide provider that serves their namespace: it is cluster-scoped,
    // and `edit` in one namespace grants nothing cluster-wide (refused by RBAC, before any webhook).
    const cluster = applyAsEditor(
      stringify({
        apiVersion: `${GROUP}/v1alpha1`,
        kind: 'ClusterAWSProvider',
        metadata: { name: `tenancy-own-${process.pid}` },
        spec: { region: 'us-east-1', namespaces: [ns] },
      }),
      ns,
    );
    expect(cluster.code).to.not.equal(0);
    expect(cluster.stderr)
      .to.match(/forbidden/i)
      .and.contain('clusterawsproviders');

    // What the policy grants still goes through.
    const own = applyAsEditor(ownKeysYaml(allowed.endpoint), ns);
    expect(own.code, own.stderr).to.equal(0);
    expect(getObj('awsproviders', ns, 'borrowed')).to.equal(undefined);
  });

  it('with the webhook off, the reconciler refuses the forced-in objects (PolicyDenied) without an AWS call', async () => {
    unregisterWebhooks(hookName);
    await webhook?.process.stop();
    if (webhook) webhookLogs.push(webhook.process.logs());
    webhook = undefined;
    // Forced in by the editor: nothing at admission stops these now.
    for (const yaml of [
      bareProvider('borrowed', denied.endpoint),
      simpleTableYaml('on-borrowed', 'tenancy-borrowed-t', 'borrowed'),
      ownKeysYaml(allowed.endpoint),
      simpleTableYaml('take-over', 'payments', 'own-keys', { annotations: { [ADOPT]: 'true' } }),
    ]) {
      const applied = applyAsEditor(yaml, ns);
      expect(applied.code, applied.stderr).to.equal(0);
    }

    reconciler = await startReconcilerProc('tenancy-reconciler', ns, [`--tenancy-policy=${policyFile}`]);

    const reasonOf = (resource: string, name: string) => condition(getObj(resource, ns, name), 'Ready')?.reason;
    await waitFor('provider borrowed PolicyDenied', () => reasonOf('awsproviders', 'borrowed') === 'PolicyDenied', {
      timeoutMs: 60_000,
    });
    await waitFor(
      'table on-borrowed PolicyDenied',
      () => reasonOf('dynamodbtables', 'on-borrowed') === 'PolicyDenied',
      {
        timeoutMs: 60_000,
      },
    );
    await waitFor('table take-over PolicyDenied', () => reasonOf('dynamodbtables', 'take-over') === 'PolicyDenied', {
      timeoutMs: 60_000,
    });
    // The allowed provider is checked normally (its proxy sees requests), which shows the reconciler ran.
    await waitFor('provider own-keys Ready', () => getObj('awsproviders', ns, 'own-keys')?.status?.ready === true, {
      timeoutMs: 60_000,
    });

    const provider = condition(getObj('awsproviders', ns, 'borrowed'), 'Ready');
    expect(provider?.status).to.equal('False');
    expect(provider?.message).to.contain('tenancy.operatorIdentityNamespaces');
    // kstatus: Stalled (only a human helps), not Reconciling forever.
    expect(condition(getObj('awsproviders', ns, 'borrowed'), 'Stalled')?.status).to.equal('True');
    expect(condition(getObj('dynamodbtables', ns, 'on-borrowed'), 'Stalled')?.reason).to.equal('PolicyDenied');
    const takeOver = condition(getObj('dynamodbtables', ns, 'take-over'), 'Ready');
    expect(takeOver?.message).to.contain(`metadata.annotations[${ADOPT}]`).and.contain('tenancy.adoption');

    expect(denied.records(), 'requests to the refused provider endpoint').to.deep.equal([]);
    expect(allowed.records().length).to.be.above(0);
    expect(allowed.records().filter((r) => r.table === 'payments')).to.deep.equal([]);
  });

  it('no credential value in the logs of either deployable, in Events or in any status after the attempts', () => {
    expect(reconciler, 'the reconciler of the previous test').to.not.equal(undefined);
    // The static keys did reach AWS (the proxy saw them), so there was something to leak.
    expect(allowed.records().some((r) => r.keyId === ACCESS_KEY)).to.equal(true);
    const reconcilerLog = reconciler?.proc.logs() ?? '';
    const webhookLog = webhookLogs.join('\n');
    const events = kubectl(['get', 'events', '-n', ns, '-o', 'json']).stdout;
    const objects = kubectl(['get', 'awsproviders,dynamodbtables,dynamodbs', '-n', ns, '-o', 'json']).stdout;
    expect(reconcilerLog).to.contain(ns);
    expect(webhookLog.length).to.be.above(0);
    expect(events).to.contain('PolicyDenied');
    const sources = { 'reconciler log': reconcilerLog, 'webhook log': webhookLog, events, objects };
    for (const [where, text] of Object.entries(sources)) {
      expect(text, where).to.not.contain(SECRET_KEY);
      expect(text, where).to.not.contain(ACCESS_KEY);
      expect(text, where).to.not.contain(Buffer.from(SECRET_KEY).toString('base64'));
    }
  });
});
