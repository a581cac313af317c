// The release path as users take it, on the single-node cluster: two releases made by hack/release.sh
// into the local OCI registry (hack/registry.sh, TLS with a throwaway CA), installed with
// `helm install oci://…/charts/dynamodb-operator --version V --ca-file …`, the images pulled by the
// cluster's containerd from that registry (its hosts.toml trusts the CA; nothing is side-loaded), then
// `helm upgrade` from the previous release to this one with live tables.
//
// The previous release (0.0.1-test) is this tree with spec.tableClass taken out of the DynamoDBTable CRD,
// and the live CRD is set to that schema first, as on a cluster that runs it. The upgrade must bring the
// field (Helm alone never upgrades crds/: the chart's pre-upgrade hook Job does), lose no object, write
// nothing to AWS, and have the operator back Ready within seconds.
//
// Figures (release times, install → Ready, upgrade → Ready) go to .testenv/logs/cluster-release-figures.json.
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { applyYaml, kubectl, testEnv, waitFor } from './support/index.ts';
import { chartDir, helm, withValuesFile } from './support-chart/helm.ts';
import { clusterEnv, ctr, ensureCluster, stopCluster } from './support-cluster/cluster.ts';
import { getJson, leaseHolderPod, podReady, podsOf } from './support-cluster/kube.ts';
import { motoClient, scrape, tableTags } from './support-cluster/probes.ts';
import {
  ensureRegistry,
  previousReleaseInputs,
  registry,
  release,
  stopRegistry,
  withoutSpecField,
} from './support-cluster/registry.ts';
import type { Release } from './support-cluster/registry.ts';

const id = randomBytes(3).toString('hex');
const releaseName = `ddbop-rel-${id}`;
const ns = `ddbop-release-${id}`;
const tablesNs = `ddbop-release-tables-${id}`;
const fullname = `${releaseName}-dynamodb-operator`;
const leaseId = `ddbop-release-${id}`;
const previousVersion = '0.0.1-test';
const currentVersion = (parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as { version: string }).version;
const crdName = 'dynamodbtables.aws-infra-operator.runner.codes';
const crdFile = 'aws-infra-operator.runner.codes_dynamodbtables.yaml';
const newField = 'tableClass';
const tables = ['a', 'b'].map((k) => ({ object: `table-${k}`, name: `release-${id}-${k}` }));
const components = ['webhook', 'reconciler'] as const;
const figures: Record<string, number | string> = {};

// What a user sets: nothing about images (the chart names the registry, the tag is its appVersion) but
// pullPolicy Always, so every pod start is a pull from the registry.
function values(): object {
  return {
    certManager: { enabled: false },
    // moto as pods reach it: not an AWS endpoint, so the tenancy policy must allow it
    tenancy: { endpoints: [clusterEnv().motoEndpoint] },
    defaultTags: { 'installed-by': 'cluster-release-test' },
    webhook: {
      image: { pullPolicy: 'Always' },
      namespaceSelectorExpressions: [{ key: 'ddbop-release-test', operator: 'In', values: [id] }],
    },
    reconciler: {
      image: { pullPolicy: 'Always' },
      watchNamespace: tablesNs,
      leaderElection: { id: leaseId },
      resyncPeriod: '1m',
      rbac: { secrets: { scope: 'namespaces', namespaces: [tablesNs], resourceNames: ['aws-credentials'] } },
    },
  };
}

function helmFromRegistry(verb: 'install' | 'upgrade', version: string): ReturnType<typeof helm> {
  const { address, ca } = registry();
  return withValuesFile(values(), (file) =>
    helm([
      verb,
      releaseName,
      `oci://${address}/charts/dynamodb-operator`,
      '--version',
      version,
      '--ca-file',
      ca,
      '--namespace',
      ns,
      '--values',
      file,
      '--wait',
      '--timeout',
      '5m',
    ]),
  );
}

function tableYaml(t: { object: string; name: string }): string {
  return [
    'apiVersion: aws-infra-operator.runner.codes/v1alpha1',
    'kind: DynamoDBTable',
    `metadata: {name: ${t.object}, namespace: ${tablesNs}}`,
    'spec:',
    `  tableName: ${t.name}`,
    '  providerRef: {name: emulator}',
    '  billingMode: PAY_PER_REQUEST',
    '  hashKey: {name: ID, type: "S"}',
    '  deletionPolicy: Delete',
    `  tags: {suite: cluster-release}`,
  ].join('\n');
}

/** Every pod of both Deployments Ready, on the given release's images (as pulled from the registry). */
function onRelease(r: Release): boolean {
  return components.every((c) => {
    const d = getJson<{ spec: { replicas: number }; status: { readyReplicas?: number } }>([
      'get',
      'deployment',
      `${fullname}-${c}`,
      '-n',
      ns,
    ]);
    const pods = podsOf(ns, c);
    return (
      d.status.readyReplicas === d.spec.replicas &&
      pods.length === d.spec.replicas &&
      pods.every(
        (p) => podReady(p) && p.spec.containers[0]?.image === `${r.registry}/dynamodb-operator-${c}:${r.version}`,
      )
    );
  });
}

/** The pods run the release's images, and containerd resolved them to the digests the registry took. */
function expectPulledFromRegistry(r: Release): void {
  for (const c of components) {
    const [ref, digest] = r.images[c].split('@');
    const repository = ref?.slice(0, ref.lastIndexOf(':'));
    for (const pod of podsOf(ns, c)) {
      expect(pod.spec.containers[0]?.image, pod.metadata.name).to.equal(ref);
      // containerd's root is cached across runs, and its CRI reports the first repo digest it has on record
      // for an image: that can name the registry port of an earlier run. The image reference above names this
      // registry and pullPolicy is Always, so the digest is what to compare.
      const imageID = pod.status.containerStatuses?.[0]?.imageID ?? '';
      expect(imageID.slice(imageID.lastIndexOf('/')), pod.metadata.name).to.equal(
        `${repository?.slice(repository.lastIndexOf('/'))}@${digest}`,
      );
    }
    expect(ctr(['images', 'ls', '-q']).stdout.split('\n'), `${ref} in containerd`).to.include(ref);
  }
}

interface CrdObject {
  spec: {
    versions: { schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, unknown> } } } } }[];
  };
}

const servesField = (): boolean =>
  getJson<CrdObject>(['get', 'crd', crdName]).spec.versions.every(
    (v) => newField in v.schema.openAPIV3Schema.properties.spec.properties,
  );

/**
 * The cluster runs the previous release: its CRD schema, without the field (a replace, so the field goes
 * whoever applied it). Done again right before the upgrade: every e2e run's root hook applies the tree's
 * CRDs, and several runs may share this API server while engineers work.
 */
async function usePreviousCrdSchema(): Promise<void> {
  const live = getJson<CrdObject & { status?: unknown }>(['get', 'crd', crdName]);
  delete live.status;
  if (servesField()) {
    const replaced = kubectl(['replace', '-f', '-'], { input: JSON.stringify(withoutSpecField(live, newField)) });
    if (replaced.code !== 0) throw new Error(`setting the previous CRD schema: ${replaced.stderr}`);
  }
  await waitFor('the CRD without spec.tableClass', () => !servesField(), { timeoutMs: 30_000 });
}

async function tableState(name: string): Promise<string> {
  const d = await motoClient().send(new DescribeTableCommand({ TableName: name }));
  return JSON.stringify({ table: d.Table, tags: await tableTags(d.Table?.TableArn ?? '') });
}

function objectState(): string {
  const list = getJson<{
    items: {
      metadata: { name: string; uid: string; generation: number };
      spec: unknown;
      status?: { ready?: boolean };
    }[];
  }>(['get', 'dynamodbtables,awsproviders', '-n', tablesNs]);
  return JSON.stringify(
    list.items.map((o) => [o.metadata.name, o.metadata.uid, o.metadata.generation, o.spec, o.status?.ready]),
  );
}

/** AWS calls by operation, as the reconciler pod counts them (dynamodb_operator_aws_api_calls_total). */
async function awsCalls(podName: string): Promise<Record<string, number>> {
  const pod = podsOf(ns, 'reconciler').find((p) => p.metadata.name === podName);
  if (!pod) throw new Error(`no reconciler pod ${podName}`);
  const calls: Record<string, number> = {};
  for (const m of (await scrape(pod, 8080)).matchAll(
    /^dynamodb_operator_aws_api_calls_total\{[^}]*operation="([^"]+)"[^}]*\} (\d+)$/gm,
  ))
    calls[m[1] ?? ''] = (calls[m[1] ?? ''] ?? 0) + Number(m[2]);
  return calls;
}

describe('cluster: releases from an OCI registry, helm install oci:// and a CRD-upgrading helm upgrade', function () {
  this.timeout(600_000);
  let broughtUpCluster = false;
  let broughtUpRegistry = false;
  let previous: Release;
  let current: Release;

  before(async function () {
    this.timeout(3_600_000); // a machine's first run builds the registry, the node components and the images
    // this suite's pods pull from the registry: no side-loaded images needed
    const skip = process.env.DDBOP_CLUSTER_SKIP_IMAGES;
    process.env.DDBOP_CLUSTER_SKIP_IMAGES = '1';
    try {
      broughtUpCluster = ensureCluster();
    } finally {
      if (skip === undefined) delete process.env.DDBOP_CLUSTER_SKIP_IMAGES;
      else process.env.DDBOP_CLUSTER_SKIP_IMAGES = skip;
    }
    broughtUpRegistry = ensureRegistry();
    previous = release(previousVersion, previousReleaseInputs(previousVersion, crdFile, newField));
    figures.releasePreviousS = previous.seconds;
    current = release(currentVersion);
    figures.releaseCurrentS = current.seconds;
    for (const r of [previous, current])
      for (const c of components) ctr(['images', 'rm', `${r.registry}/dynamodb-operator-${c}:${r.version}`]);
    for (const [name, labels] of [
      [ns, {}],
      [tablesNs, { 'ddbop-release-test': id }],
    ] as const) {
      const r = applyYaml(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }));
      if (r.code !== 0) throw new Error(`creating namespace ${name}: ${r.stderr}`);
    }
    await usePreviousCrdSchema();
  });

  after(async function () {
    this.timeout(300_000);
    kubectl(['delete', 'dynamodbtables', '--all', '-n', tablesNs, '--wait=true', '--timeout=90s']);
    helm(['uninstall', releaseName, '--namespace', ns, '--wait']);
    kubectl(['delete', 'namespace', ns, tablesNs, '--wait=false']);
    // whatever happened above, the other suites get the tree's CRDs back (as the root hook applies them)
    kubectl(['apply', '--server-side', '--force-conflicts', '-f', join(chartDir, 'crds')]);
    mkdirSync(testEnv().logsDir, { recursive: true });
    writeFileSync(join(testEnv().logsDir, 'cluster-release-figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`      release figures: ${JSON.stringify(figures)}`);
    // containerd's content outlives the cluster: drop this run's references (the port changes every run)
    for (const r of [previous, current] as (Release | undefined)[])
      for (const c of components) if (r) ctr(['images', 'rm', `${r.registry}/dynamodb-operator-${c}:${r.version}`]);
    if (broughtUpRegistry) stopRegistry();
    if (broughtUpCluster && process.env.DDBOP_KEEP_CLUSTER !== '1') stopCluster();
  });

  it('releases both versions into the registry: images by digest, the chart with version = appVersion', function () {
    for (const r of [previous, current]) {
      expect(r.registry).to.equal(registry().address);
      for (const c of components)
        expect(r.images[c]).to.match(
          new RegExp(`^${r.registry.replace(/\./g, '\\.')}/dynamodb-operator-${c}:${r.version}@sha256:[0-9a-f]{64}$`),
        );
      const shown = helm(['show', 'chart', `${r.chart}`, '--version', r.version, '--ca-file', registry().ca]);
      expect(shown.code, shown.stderr).to.equal(0);
      expect(parse(shown.stdout)).to.include({ version: r.version, appVersion: r.version });
    }
  });

  it('installs the previous release from oci://: pods pull from the registry, Ready, and a table Ready', async function () {
    const t0 = Date.now();
    const installed = helmFromRegistry('install', previousVersion);
    expect(installed.code, `helm install:\n${installed.stderr}${installed.stdout}`).to.equal(0);
    await waitFor('both Deployments Ready on the previous release', () => onRelease(previous), {
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    figures.installToReadyS = (Date.now() - t0) / 1000;
    expectPulledFromRegistry(previous);
    for (const c of components) for (const pod of podsOf(ns, c)) expect(pod.spec.nodeName).to.equal(clusterEnv().node);

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
        `  endpoint: ${clusterEnv().motoEndpoint}`,
        '  accessKeyIDRef: {name: aws-credentials, key: access-key-id}',
        '  secretAccessKeyRef: {name: aws-credentials, key: secret-access-key}',
        ...tables.flatMap((t) => ['---', tableYaml(t)]),
      ].join('\n'),
    );
    expect(applied.code, applied.stderr).to.equal(0);
    await waitFor(
      'both tables Ready',
      () =>
        tables.every(
          (t) =>
            getJson<{ status?: { ready?: boolean } }>(['get', 'dynamodbtable', t.object, '-n', tablesNs]).status
              ?.ready === true,
        ),
      { timeoutMs: 120_000, intervalMs: 500 },
    ).catch((err: Error) => {
      const statuses = kubectl(['get', 'dynamodbtables,awsproviders', '-n', tablesNs, '-o', 'jsonpath={..status}']);
      throw new Error(`${err.message}\n${statuses.stdout}`);
    });
    for (const t of tables)
      expect((await motoClient().send(new DescribeTableCommand({ TableName: t.name }))).Table?.TableStatus).to.equal(
        'ACTIVE',
      );
  });

  it('upgrades to this release: the CRD gains the field, no object lost, no AWS write, back Ready in seconds', async function () {
    await usePreviousCrdSchema();
    const objectsBefore = objectState();
    const tablesBefore = await Promise.all(tables.map((t) => tableState(t.name)));
    const t0 = Date.now();
    const upgraded = helmFromRegistry('upgrade', currentVersion);
    figures.helmUpgradeS = (Date.now() - t0) / 1000;
    expect(upgraded.code, `helm upgrade:\n${upgraded.stderr}${upgraded.stdout}`).to.equal(0);
    await waitFor('both Deployments Ready on this release', () => onRelease(current), {
      timeoutMs: 120_000,
      intervalMs: 250,
    });
    figures.upgradeToReadyS = (Date.now() - t0) / 1000;
    expectPulledFromRegistry(current);

    // the CRD: served with the field, applied by the hook's field manager; the hook objects are gone
    expect(servesField()).to.equal(true);
    // ...by the hook Job, which ran on install and again on this upgrade (its Events outlive it)
    const jobEvents = getJson<{ items: { reason: string; lastTimestamp: string }[] }>([
      'get',
      'events',
      '-n',
      ns,
      '--field-selector',
      `involvedObject.kind=Job,involvedObject.name=${fullname}-crds`,
    ]).items;
    const at = (reason: string): number[] =>
      jobEvents
        .filter((e) => e.reason === reason)
        .map((e) => Date.parse(e.lastTimestamp))
        .sort();
    expect(at('Completed').length, 'CRD upgrade Job completions (install, upgrade)').to.equal(2);
    // the upgrade's Job: its pod created → Job complete (Event timestamps have whole seconds)
    figures.crdJobS = ((at('Completed')[1] ?? 0) - (at('SuccessfulCreate')[1] ?? 0)) / 1000;
    expect(kubectl(['explain', `dynamodbtables.spec.${newField}`]).code).to.equal(0);
    const dryRun = kubectl(['create', '--dry-run=server', '-o', 'json', '-f', '-'], {
      input: tableYaml({ object: 'dry-run', name: `release-${id}-dry-run` }).replace(
        'spec:\n',
        `spec:\n  ${newField}: STANDARD\n`,
      ),
    });
    expect(dryRun.code, dryRun.stderr).to.equal(0);
    expect((JSON.parse(dryRun.stdout) as { spec: Record<string, unknown> }).spec[newField]).to.equal('STANDARD');
    for (const kind of ['job', 'configmap', 'serviceaccount'])
      expect(kubectl(['get', kind, `${fullname}-crds`, '-n', ns]).stderr, kind).to.contain('NotFound');

    // the new leader has looked at both tables (DescribeTable) and written nothing
    const leader = await waitFor('a Lease holder among the new pods', () => {
      const holder = leaseHolderPod(ns, leaseId);
      return podsOf(ns, 'reconciler').some((p) => p.metadata.name === holder) ? holder : undefined;
    });
    const calls = await waitFor(
      'the new leader described both tables',
      async () => {
        const c = await awsCalls(leader);
        return (c.DescribeTable ?? 0) >= tables.length ? c : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    figures.newLeaderAwsCalls = JSON.stringify(calls);
    const writes = Object.entries(calls).filter(([op, n]) => n > 0 && !/^(Describe|List|Get)/.test(op));
    expect(writes, 'AWS writes by the new leader').to.deep.equal([]);
    expect(objectState(), 'the objects (uid, generation, spec, ready)').to.equal(objectsBefore);
    expect(await Promise.all(tables.map((t) => tableState(t.name))), 'the tables in moto').to.deep.equal(tablesBefore);
  });
});
