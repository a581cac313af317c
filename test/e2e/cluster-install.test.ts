// The chart installed as users install it: `helm install` into the single-node cluster of
// `hack/testenv.sh up --cluster` (a real kubelet running pods in containerd, kube-controller-manager,
// kube-scheduler), with the two images from hack/images.sh loaded into containerd. Proves what the
// process-based chart suites cannot: the images, non-root and read-only, start as pods and pass their
// real probes; the API server reaches the webhook through its Service; the reconciler runs on in-cluster
// config with its projected ServiceAccount token and reaches moto from its pod; leader failover when
// the leader pod is deleted; a rolling `helm upgrade` under admission load; `helm uninstall` and
// namespace deletion that completes (the namespace controller of kube-controller-manager).
//
// The figures (install, failover, convergence, failed admissions during the upgrade) are printed and
// written to .testenv/logs/cluster-figures.json.
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyYaml, kubectl, testEnv, waitFor } from './support/index.ts';
import { applyCertManagerCrds, installCertManager } from './support-chart/cert-manager.ts';
import { chartDir, helm, withValuesFile } from './support-chart/helm.ts';
import { deployCertManager, removeCertManagerClusterObjects } from './support-cluster/cert-manager-pods.ts';
import { clusterEnv, ctr, ensureCluster, stopCluster } from './support-cluster/cluster.ts';
import { helmAsync } from './support-cluster/helm-async.ts';
import { getJson, kubectlAsync, leaseHolderPod, podReady, podsOf } from './support-cluster/kube.ts';
import type { Pod } from './support-cluster/kube.ts';
import { motoClient, scrape, tableTags } from './support-cluster/probes.ts';
import { promApi, startPodPrometheus } from './support-cluster/prometheus-pods.ts';
import { releaseValues, seedTableYaml } from './support-cluster/release.ts';
import type { PodPrometheus, PromTarget } from './support-cluster/prometheus-pods.ts';

const id = randomBytes(3).toString('hex');
const release = `ddbop-${id}`;
const ns = `ddbop-cluster-${id}`;
const tablesNs = `ddbop-cluster-tables-${id}`;
const fullname = `${release}-dynamodb-operator`;
const leaseId = `ddbop-cluster-${id}`;
const tableName = `cluster-seed-${id}`;
const imageTag = process.env.IMAGE_TAG ?? 'dev';
const upgradeTag = `${imageTag}-upgrade-${id}`;
const components = ['webhook', 'reconciler'] as const;
const figures: Record<string, number | string> = {};

const names = { id, tablesNs, leaseId, tableName };
const values = (tag: string): object => releaseValues(names, tag);
const seedTable = (tags: Record<string, string> = {}): string => seedTableYaml(names, tags);

function helmWithValues(verb: 'install' | 'upgrade', tag: string): ReturnType<typeof helm> {
  return withValuesFile(values(tag), (file) =>
    helm([verb, release, chartDir, '--namespace', ns, '--values', file, '--wait', '--timeout', '4m']),
  );
}

const ddb = motoClient;

function deploymentsReady(): boolean {
  return components.every((c) => {
    const d = getJson<{ spec: { replicas: number }; status: { readyReplicas?: number; updatedReplicas?: number } }>([
      'get',
      'deployment',
      `${fullname}-${c}`,
      '-n',
      ns,
    ]);
    const pods = podsOf(ns, c);
    return d.status.readyReplicas === d.spec.replicas && pods.length === d.spec.replicas && pods.every(podReady);
  });
}

describe('cluster: helm install into a real single-node cluster, the images run as pods', function () {
  this.timeout(300_000);
  let broughtUpCluster = false;
  let tableArn = '';
  let prometheus: PodPrometheus | undefined;

  before(async function () {
    this.timeout(3_600_000); // a machine's first run builds the node components and the images
    broughtUpCluster = ensureCluster();
    for (const c of components) {
      const image = `docker.io/library/dynamodb-operator-${c}:${imageTag}`;
      const listed = ctr(['images', 'ls', '-q']);
      if (!listed.stdout.split('\n').includes(image))
        throw new Error(`${image} is not in the cluster's containerd (hack/images.sh; hack/testenv.sh up --cluster)`);
      // the same image under a second tag: `helm upgrade` to it rolls every pod
      const tagged = ctr(['images', 'tag', '--force', image, `docker.io/library/dynamodb-operator-${c}:${upgradeTag}`]);
      if (tagged.code !== 0) throw new Error(`ctr images tag: ${tagged.stderr}`);
    }
    const certManager = installCertManager();
    applyCertManagerCrds(certManager);
    for (const [name, labels] of [
      [ns, {}],
      [tablesNs, { 'ddbop-cluster-test': id }],
    ] as const) {
      const r = applyYaml(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }));
      if (r.code !== 0) throw new Error(`creating namespace ${name}: ${r.stderr}`);
    }
    // cert-manager as pods too (static builds of the wrapper in hack/cert-manager, one-file images)
    deployCertManager(ns);
    await waitFor(
      'cert-manager controller and cainjector Ready',
      () =>
        ['cert-manager-controller', 'cert-manager-cainjector'].every((d) => {
          const r = kubectl(['get', 'deployment', d, '-n', ns, '-o', 'jsonpath={.status.readyReplicas}']);
          return r.stdout === '1';
        }),
      { timeoutMs: 120_000, intervalMs: 500 },
    );
  });

  after(async function () {
    this.timeout(300_000);
    kubectl(['delete', 'dynamodbtables,dynamodbs,awsproviders', '--all', '-n', tablesNs, '--wait=false']);
    helm(['uninstall', release, '--namespace', ns, '--wait']);
    kubectl(['delete', 'namespace', ns, tablesNs, '--wait=false']);
    removeCertManagerClusterObjects(ns);
    await prometheus?.process.stop();
    for (const c of components) ctr(['images', 'rm', `docker.io/library/dynamodb-operator-${c}:${upgradeTag}`]);
    mkdirSync(testEnv().logsDir, { recursive: true });
    writeFileSync(join(testEnv().logsDir, 'cluster-figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`      cluster figures: ${JSON.stringify(figures)}`);
    if (broughtUpCluster && process.env.DDBOP_KEEP_CLUSTER !== '1') stopCluster();
  });

  it('runs both Deployments Ready through their real probes, as non-root pods on the node', async function () {
    const t0 = Date.now();
    const installed = helmWithValues('install', imageTag);
    expect(installed.code, `helm install:\n${installed.stderr}${installed.stdout}`).to.equal(0);
    await waitFor('both Deployments Ready', deploymentsReady, { timeoutMs: 120_000, intervalMs: 500 });
    figures.installToReadyS = (Date.now() - t0) / 1000;
    const table = kubectl(['get', 'pods', '-n', ns, '-o', 'wide', '-l', `app.kubernetes.io/instance=${release}`]);
    console.log(table.stdout.replace(/^/gm, '      '));
    for (const c of components) {
      for (const pod of podsOf(ns, c)) {
        expect(pod.spec.nodeName).to.equal(clusterEnv().node);
        expect(pod.status.containerStatuses?.[0]?.restartCount, `${pod.metadata.name} restarts`).to.equal(0);
        expect(pod.spec.containers[0]?.image).to.equal(`dynamodb-operator-${c}:${imageTag}`);
      }
    }
    // the `kubectl get pods` a user would look at
    expect(table.stdout.match(/\b1\/1\s+Running\b/g)?.length).to.equal(4);
    // cert-manager, which issued the serving certificate those pods mount, runs as pods on the node too
    for (const app of ['cert-manager-controller', 'cert-manager-cainjector']) {
      const pods = getJson<{ items: Pod[] }>(['get', 'pods', '-n', ns, '-l', `app=${app}`]).items;
      expect(pods.map((p) => [p.spec.nodeName, podReady(p)])).to.deep.equal([[clusterEnv().node, true]]);
    }
  });

  it('denies a bad spec through the webhook Service (no URL: the API server dials the endpoints)', async function () {
    const config = getJson<{ webhooks: { clientConfig: { url?: string; service?: { name: string } } }[] }>([
      'get',
      'validatingwebhookconfiguration',
      `${fullname}-webhook`,
    ]);
    expect(config.webhooks[0]?.clientConfig.url).to.equal(undefined);
    expect(config.webhooks[0]?.clientConfig.service?.name).to.equal(`${fullname}-webhook`);
    // cert-manager's cainjector fills the caBundle a moment after the Certificate is Ready
    const bad = await waitFor(
      'a denial from the webhook',
      () => {
        const r = applyYaml(
          [
            'apiVersion: aws-infra-operator.runner.codes/v1alpha1',
            'kind: DynamoDBTable',
            `metadata: {name: bad-table, namespace: ${tablesNs}}`,
            'spec:',
            '  tableName: bad-table',
            '  providerRef: {name: emulator}',
            '  billingMode: PAY_PER_REQUEST',
            '  hashKey: {name: ID, type: "S"}',
            '  globalSecondaryIndexes: [{indexName: by-email, hashKey: email, projectionType: ALL}]',
          ].join('\n'),
        );
        // until the caBundle is injected the API server reports a TLS error instead of the webhook's answer
        return r.stderr.includes('spec.globalSecondaryIndexes[0].hashKey') ? r : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    expect(bad.code).to.not.equal(0);
    expect(bad.stderr).to.contain('add {name: email');
    // one of the webhook pods decided it: their own denial counters, scraped by pod IP
    // (every label set is pre-registered at 0: add them all up)
    let denials = 0;
    for (const pod of podsOf(ns, 'webhook')) {
      const text = await scrape(pod, 8080);
      for (const m of text.matchAll(
        /^controller_runtime_webhook_admission_responses_total\{[^}]*allowed="false"[^}]*\} (\d+)$/gm,
      ))
        denials += Number(m[1]);
    }
    expect(denials).to.be.greaterThan(0);
  });

  it('reconciles a seed table Ready in moto from the leader pod, on its projected ServiceAccount token', async function () {
    const applied = applyYaml(
      [
        'apiVersion: v1',
        'kind: Secret',
        `metadata: {name: aws-credentials, namespace: ${tablesNs}}`,
        'stringData: {access-key-id: test, secret-access-key: test}',
        '---',
        'apiVersion: aws-infra-operator.runner.codes/v1alpha1',
        'kind: AWSProvider',
        `metadata: {name: emulator, namespace: ${tablesNs}}`,
        'spec:',
        '  region: us-east-1',
        // moto as the pod sees it: the gateway address of our bridge
        `  endpoint: ${clusterEnv().motoEndpoint}`,
        '  accessKeyIDRef: {name: aws-credentials, key: access-key-id}',
        '  secretAccessKeyRef: {name: aws-credentials, key: secret-access-key}',
        '---',
        seedTable(),
      ].join('\n'),
    );
    expect(applied.code, applied.stderr).to.equal(0);
    const status = await waitFor(
      'DynamoDBTable seed Ready',
      () => {
        const o = getJson<{ status?: { ready?: boolean; tableArn?: string } }>([
          'get',
          'dynamodbtable',
          'seed',
          '-n',
          tablesNs,
        ]);
        return o.status?.ready === true ? o.status : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    tableArn = status.tableArn ?? '';
    const described = await ddb().send(new DescribeTableCommand({ TableName: tableName }));
    expect(described.Table?.TableStatus).to.equal('ACTIVE');
    expect(await tableTags(tableArn)).to.include({ 'installed-by': 'cluster-test' });

    const leader = leaseHolderPod(ns, leaseId);
    const reconcilers = podsOf(ns, 'reconciler');
    const leaderPod = reconcilers.find((p) => p.metadata.name === leader);
    expect(leaderPod, `Lease holder ${leader} is one of the reconciler pods`).to.not.equal(undefined);
    const token = leaderPod?.spec.volumes?.find((v) =>
      v.projected?.sources.some((s) => s.serviceAccountToken?.path === 'token'),
    );
    expect(token, 'a projected ServiceAccount token volume').to.not.equal(undefined);
  });

  it('serves Prometheus metrics from every pod (scraped by pod IP, checked by promtool)', async function () {
    for (const [component, port] of [
      ['webhook', 8080],
      ['reconciler', 8080],
    ] as const) {
      for (const pod of podsOf(ns, component)) {
        const body = await scrape(pod, port);
        const r = spawnSync(join(testEnv().binDir, 'promtool'), ['check', 'metrics'], {
          input: body,
          encoding: 'utf8',
        });
        expect(r.status, `promtool check metrics ${pod.metadata.name}:\n${r.stdout}${r.stderr}`).to.equal(0);
        expect(body).to.match(/^process_resident_memory_bytes \d/m);
      }
    }
    const leader = leaseHolderPod(ns, leaseId);
    for (const pod of podsOf(ns, 'reconciler')) {
      const expected = pod.metadata.name === leader ? 1 : 0;
      expect(await scrape(pod, 8080), pod.metadata.name).to.match(
        new RegExp(`^leader_election_master_status\\{[^}]*\\} ${expected}$`, 'm'),
      );
    }
  });

  it('is scraped by a real Prometheus, by pod IP', async function () {
    const pods = components.flatMap((component) =>
      podsOf(ns, component).map((p) => ({ ip: p.status.podIP ?? '', port: 8080, component, pod: p.metadata.name })),
    );
    prometheus = await startPodPrometheus(ns, pods);
    const prom = prometheus;
    const targets = await waitFor(
      'four pod targets up',
      async () => {
        const data = await promApi<{ activeTargets: PromTarget[] }>(prom, '/api/v1/targets');
        return data.activeTargets.length === 4 && data.activeTargets.every((t) => t.health === 'up')
          ? data.activeTargets
          : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${prom.process.logs().slice(-2000)}`);
    });
    // scraped by pod IP, inside the pod CIDR on our bridge
    const cidrPrefix = clusterEnv().podCidr.split('.').slice(0, 3).join('.');
    for (const t of targets)
      expect(t.scrapeUrl).to.match(new RegExp(`^http://${cidrPrefix.replaceAll('.', '\\.')}\\.\\d+:8080/metrics$`));
    expect(targets.map((t) => t.labels.component).sort()).to.deep.equal([
      'reconciler',
      'reconciler',
      'webhook',
      'webhook',
    ]);
    // exactly one reconciler leads, as Prometheus sees it
    const leaders = await waitFor(
      'sum(leader_election_master_status) stored',
      async () => {
        const data = await promApi<{ result: { value: [number, string] }[] }>(
          prom,
          `/api/v1/query?query=${encodeURIComponent('sum(leader_election_master_status)')}`,
        );
        return data.result[0]?.value[1];
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(leaders).to.equal('1');
  });

  it('fails over when the leader pod is deleted, and a change made meanwhile converges (measured)', async function () {
    const leader = leaseHolderPod(ns, leaseId);
    expect(leader).to.be.a('string');
    const t0 = Date.now();
    const deleted = await kubectlAsync(['delete', 'pod', String(leader), '-n', ns, '--wait=false']);
    expect(deleted.code, deleted.stderr).to.equal(0);
    const changed = applyYaml(seedTable({ failover: id }));
    expect(changed.code, changed.stderr).to.equal(0);
    const next = await waitFor(
      'another reconciler pod holds the Lease',
      () => {
        const holder = leaseHolderPod(ns, leaseId);
        return holder !== undefined && holder !== leader ? holder : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 100 },
    );
    figures.failoverNewLeaderS = (Date.now() - t0) / 1000;
    await waitFor('the tag change in moto', async () => (await tableTags(tableArn)).failover === id, {
      timeoutMs: 90_000,
      intervalMs: 200,
    });
    figures.failoverChangeConvergedS = (Date.now() - t0) / 1000;
    expect(podsOf(ns, 'reconciler').map((p) => p.metadata.name)).to.include(next);
    await waitFor('both Deployments Ready again', deploymentsReady, { timeoutMs: 120_000, intervalMs: 500 });
  });

  it('converges a change after the leader is killed with SIGKILL (no lease release) (measured)', async function () {
    const leader = await waitFor('a Lease holder', () => leaseHolderPod(ns, leaseId));
    const before = getJson<Pod>(['get', 'pod', leader, '-n', ns]);
    const containerId = before.status.containerStatuses?.[0]?.containerID?.replace('containerd://', '') ?? '';
    const restarts = before.status.containerStatuses?.[0]?.restartCount ?? 0;
    const t0 = Date.now();
    // the process dies without a word: no lease release, as in a crash or an OOM kill
    const killed = ctr(['tasks', 'kill', '--signal', 'SIGKILL', containerId]);
    expect(killed.code, killed.stderr).to.equal(0);
    const changed = applyYaml(seedTable({ failover: id, crash: id }));
    expect(changed.code, changed.stderr).to.equal(0);
    await waitFor('the tag change in moto', async () => (await tableTags(tableArn)).crash === id, {
      timeoutMs: 120_000,
      intervalMs: 200,
    });
    figures.crashChangeConvergedS = (Date.now() - t0) / 1000;
    figures.crashNewLeader = leaseHolderPod(ns, leaseId) === leader ? 'the restarted container' : 'the standby';
    await waitFor(
      'the killed container restarted by the kubelet',
      () => getJson<Pod>(['get', 'pod', leader, '-n', ns]).status.containerStatuses?.[0]?.restartCount === restarts + 1,
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    await waitFor('both Deployments Ready again', deploymentsReady, { timeoutMs: 120_000, intervalMs: 500 });
  });

  it('rolls a helm upgrade to a new image tag while objects are applied, with no failed admission (measured)', async function () {
    let attempts = 0;
    const failures: string[] = [];
    let upgrading = true;
    const loop = (async () => {
      while (upgrading) {
        attempts += 1;
        // a valid object through both webhooks; server-side dry run: admission runs, nothing is stored
        const r = await kubectlAsync(
          ['apply', '--dry-run=server', '-f', '-'],
          seedTableYaml(names, { attempt: String(attempts) }, `loop-${attempts}`),
        );
        if (r.code !== 0) failures.push(r.stderr.trim());
      }
    })();
    const t0 = Date.now();
    let upgraded: { code: number; out: string };
    try {
      upgraded = await helmAsync(
        ['upgrade', release, chartDir, '--namespace', ns, '--wait', '--timeout', '4m'],
        values(upgradeTag),
      );
      await waitFor(
        'every pod on the new tag and Ready',
        () => {
          if (!deploymentsReady()) return false;
          return components.every((c) =>
            podsOf(ns, c).every((p) => p.spec.containers[0]?.image === `dynamodb-operator-${c}:${upgradeTag}`),
          );
        },
        { timeoutMs: 120_000, intervalMs: 500 },
      );
      figures.upgradeRolloutS = (Date.now() - t0) / 1000;
    } finally {
      // a failed upgrade must stop the loop too, or it keeps the test process alive
      upgrading = false;
      await loop;
    }
    figures.upgradeAdmissionAttempts = attempts;
    figures.upgradeFailedAdmissions = failures.length;
    expect(upgraded.code, upgraded.out).to.equal(0);
    expect(attempts).to.be.greaterThan(5);
    expect(failures, failures.slice(0, 3).join('\n')).to.deep.equal([]);
  });

  it('uninstalls, and namespace deletion completes with no object, finalizer or pod left', async function () {
    // the table first, while the reconciler runs to delete it in moto and remove its finalizer
    const deletedAt = Date.now();
    kubectl(['delete', 'dynamodbtable', 'seed', '-n', tablesNs, '--wait=false']);
    await waitFor(
      'the DynamoDBTable gone (finalizer removed by the reconciler)',
      () => kubectl(['get', 'dynamodbtable', 'seed', '-n', tablesNs]).stderr.includes('NotFound'),
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    const gone = await ddb()
      .send(new DescribeTableCommand({ TableName: tableName }))
      .then(
        () => 'still there',
        (err: Error) => err.name,
      );
    expect(gone).to.equal('ResourceNotFoundException');
    figures.tableDeletionS = (Date.now() - deletedAt) / 1000;
    const t0 = Date.now();
    const un = helm(['uninstall', release, '--namespace', ns, '--wait']);
    expect(un.code, un.stderr).to.equal(0);
    figures.helmUninstallS = (Date.now() - t0) / 1000;
    const deleted = kubectl(['delete', 'namespace', ns, tablesNs, '--wait=false']);
    expect(deleted.code, deleted.stderr).to.equal(0);
    await waitFor(
      'both namespaces gone',
      () => [ns, tablesNs].every((n) => kubectl(['get', 'namespace', n]).stderr.includes('NotFound')),
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    figures.uninstallAndNamespaceDeletionS = (Date.now() - t0) / 1000;
    const selector = `app.kubernetes.io/instance=${release}`;
    for (const kind of [
      'pods',
      'clusterroles',
      'clusterrolebindings',
      'validatingwebhookconfigurations',
      'mutatingwebhookconfigurations',
    ]) {
      const left = kubectl(['get', kind, '-A', '-l', selector, '-o', 'name']);
      expect(left.stdout.trim(), `${kind} left`).to.equal('');
    }
    // the kubelet stopped the containers too: none of this release's left in containerd
    await waitFor(
      'no container of the release in containerd',
      () => ctr(['containers', 'ls', '-q', `labels."io.kubernetes.pod.namespace"==${ns}`]).stdout.trim() === '',
      { timeoutMs: 60_000 },
    );
  });
});
