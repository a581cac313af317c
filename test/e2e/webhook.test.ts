// The webhook through the real API server and kubectl: started as a process with a test serving
// certificate, registered with Validating- and MutatingWebhookConfiguration (url + caBundle,
// failurePolicy Fail, sideEffects None, timeoutSeconds 5), scoped to this suite's namespace.
import { expectRestClientFamilies } from './support/rest-client-metrics.ts';
import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { applyYaml, kubectl, makeServingCert, testEnv, waitFor } from './support/index.ts';
import { loadInvalidCatalogue } from '../catalogue/load.ts';
import {
  createNamespace,
  deleteNamespace,
  registerWebhooks,
  startWebhookProcess,
  unregisterWebhooks,
  writeCertDir,
} from '../../packages/webhook/test/e2e/harness.ts';
import type { WebhookProcess } from '../../packages/webhook/test/e2e/harness.ts';
import { nonEmpty } from '../support/fixtures.ts';

type Obj = {
  kind: string;
  metadata: { name: string; namespace?: string; generation?: number };
  spec?: Record<string, unknown>;
};

/** The manifest with every object moved into `namespace` (this suite's webhooks see only that one), as
 * JSON documents: kubectl reads YAML 1.1, where a re-serialised unquoted `N` or `Y` would become a boolean. */
function intoNamespace(text: string, namespace: string): { yaml: string; objects: Obj[] } {
  const objects = parseAllDocuments(text)
    .map((doc) => doc.toJS() as Obj | null)
    .filter((object): object is Obj => object !== null);
  for (const object of objects) object.metadata = { ...object.metadata, namespace };
  return { yaml: objects.map((object) => JSON.stringify(object)).join('\n---\n'), objects };
}

const root = testEnv().root;
const seedDir = join(root, 'examples', 'seed');
const brokenDir = join(root, 'examples', 'broken');
const yamlFiles = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((file) => file.endsWith('.yaml'))
        .sort()
    : [];

describe('webhook e2e: kubectl through the real API server', function () {
  this.timeout(300_000);
  const name = `ddbop-e2e-webhook-${process.pid}`;
  let namespace: string;
  let certDir: string;
  let webhook: WebhookProcess;

  before(async () => {
    namespace = createNamespace('webhook-e2e');
    const cert = makeServingCert(['127.0.0.1']);
    certDir = mkdtempSync(join(tmpdir(), 'ddbop-webhook-e2e-'));
    writeCertDir(certDir, cert, 'v1');
    webhook = await startWebhookProcess('webhook-e2e', certDir, ['--default-tags', 'owner-team=platform']);
    await registerWebhooks(name, namespace, webhook, cert.caPem);
  });

  after(async () => {
    unregisterWebhooks(name);
    if (namespace) deleteNamespace(namespace);
    await webhook?.process.stop();
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  const get = (kind: string, objectName: string): Obj | undefined => {
    const result = kubectl(['get', kind, objectName, '-n', namespace, '-o', 'json']);
    return result.code === 0 ? (JSON.parse(result.stdout) as Obj) : undefined;
  };

  it('rejects every spec of the invalid catalogue, with its field path in kubectl output', () => {
    const entries = loadInvalidCatalogue();
    expect(entries.length).to.be.above(0);
    const misses: string[] = [];
    const asYaml = (object: unknown) =>
      JSON.stringify({ ...(object as Obj), metadata: { ...(object as Obj).metadata, namespace } });
    for (const entry of entries) {
      if (entry.old !== undefined) {
        // An update pair: the stored object first, then the change that must be refused.
        const stored = applyYaml(asYaml(entry.old));
        expect(stored.code, `${entry.file} (old): ${stored.stderr}`).to.equal(0);
      }
      const result = applyYaml(asYaml(entry.object));
      // For an update, the CRD's CEL rule (the second line of defence, evaluated after /mutate and before
      // /validate) may refuse first, naming the immutable parent (spec.rangeKey for spec.rangeKey.type).
      const parent = entry.expectPath.replace(/\.[^.[\]]+$/, '');
      const named =
        result.stderr.includes(entry.expectPath) ||
        (entry.old !== undefined && result.stderr.includes(`${parent} is immutable`));
      if (result.code === 0 || !named) {
        misses.push(
          `${entry.file} (expect ${entry.expectPath}): exit ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`,
        );
      }
      if (entry.old !== undefined) {
        const old = entry.old as Obj;
        kubectl(['delete', old.kind, old.metadata.name, '-n', namespace, '--wait=true']);
      }
    }
    expect(misses, misses.join('\n')).to.deep.equal([]);
  });

  it('rejects the broken examples, naming a spec field', () => {
    const files = yamlFiles(brokenDir);
    expect(files.length).to.be.above(0);
    for (const file of files) {
      const { yaml } = intoNamespace(readFileSync(join(brokenDir, file), 'utf8'), namespace);
      const result = applyYaml(yaml);
      expect(result.code, `${file}: ${result.stdout}`).to.not.equal(0);
      expect(result.stderr, `${file}: ${result.stderr}`).to.match(/spec\.\S+: /);
      // status.details carries kind and name, so kubectl names the object the way it does for built-ins.
      expect(result.stderr, file).to.match(/The (DynamoDB|DynamoDBTable) "[^"]+" is invalid/);
    }
  });

  it('admits every seed manifest with defaults visible, and kubectl prints the warnings', async () => {
    const files = yamlFiles(seedDir);
    expect(files.length).to.be.above(0);
    const parsed = files.map((file) => ({
      file,
      ...intoNamespace(readFileSync(join(seedDir, file), 'utf8'), namespace),
    }));
    const providerFiles = parsed.filter((entry) =>
      entry.objects.every((o) => o.kind === 'AWSProvider' || o.kind === 'Secret'),
    );
    const tableFiles = parsed.filter((entry) => !providerFiles.includes(entry));
    for (const entry of providerFiles) {
      const result = applyYaml(entry.yaml);
      expect(result.code, `${entry.file}: ${result.stderr}`).to.equal(0);
    }
    // The webhook learns about providers from its watch: wait until a dry run carries their tags.
    const providerTags = new Map<string, Record<string, string>>();
    for (const entry of providerFiles) {
      for (const object of entry.objects.filter((o) => o.kind === 'AWSProvider')) {
        providerTags.set(object.metadata.name, (object.spec?.defaultTags ?? {}) as Record<string, string>);
      }
    }
    const firstTable = tableFiles[0]!;
    await waitFor('the webhook cache sees the seed providers', () => {
      const dry = applyYaml(firstTable.yaml, ['--dry-run=server', '-o', 'json']);
      return dry.code === 0 && dry.stdout.includes('"managed-by"');
    });

    const stderrByName = new Map<string, string>();
    for (const entry of tableFiles) {
      const result = applyYaml(entry.yaml);
      expect(result.code, `${entry.file}: ${result.stderr}`).to.equal(0);
      for (const object of entry.objects) stderrByName.set(object.metadata.name, result.stderr);
    }
    for (const entry of tableFiles) {
      for (const object of entry.objects) {
        const live = get(object.kind, object.metadata.name);
        expect(live, `${object.kind}/${object.metadata.name} exists`).to.not.equal(undefined);
        const spec = live!.spec as {
          tags?: Record<string, string>;
          deletionPolicy?: string;
          providerRef: { name: string };
        };
        const userTags = (object.spec?.tags ?? {}) as Record<string, string>;
        const expectedTags = { 'owner-team': 'platform', ...providerTags.get(spec.providerRef.name), ...userTags };
        expect(spec.tags, `${object.metadata.name} tags`).to.deep.equal(expectedTags);
        expect(spec.deletionPolicy, `${object.metadata.name} deletionPolicy`).to.be.oneOf([
          'Delete',
          'Retain',
          'Orphan',
        ]);
      }
    }
    // The seed's user-profiles defines `email` and never uses it: kubectl shows the warning.
    expect(stderrByName.get('user-profiles')).to.match(/Warning: .*email/);
  });

  it('applying the same manifests twice is a no-op', () => {
    for (const file of nonEmpty('seed manifests', yamlFiles(seedDir))) {
      const { yaml, objects } = intoNamespace(readFileSync(join(seedDir, file), 'utf8'), namespace);
      const generations = objects
        .filter((o) => o.kind !== 'Secret')
        .map((o) => get(o.kind, o.metadata.name)?.metadata.generation);
      const result = applyYaml(yaml);
      expect(result.code, `${file}: ${result.stderr}`).to.equal(0);
      // A Secret with stringData is always "configured" again (kubectl's own quirk); our kinds must be unchanged.
      const ours = result.stdout.split('\n').filter((line) => line.includes('aws-infra-operator.runner.codes/'));
      expect(ours.length, file).to.equal(objects.filter((o) => o.kind !== 'Secret').length);
      for (const line of ours) expect(line, file).to.match(/ unchanged$/);
      const after = objects
        .filter((o) => o.kind !== 'Secret')
        .map((o) => get(o.kind, o.metadata.name)?.metadata.generation);
      expect(after, file).to.deep.equal(generations);
    }
  });

  it('rejects an update that changes an immutable field, naming it', () => {
    const result = kubectl([
      'patch',
      'dynamodb',
      'orders-table',
      '-n',
      namespace,
      '--type=merge',
      '-p',
      '{"spec":{"tableName":"orders_v2"}}',
    ]);
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.include('spec.tableName');
    expect(get('dynamodb', 'orders-table')?.spec?.tableName).to.equal('orders');
  });

  it('prints warnings for a risky update (removing a GSI) and admits it', () => {
    const { yaml } = intoNamespace(
      readFileSync(join(seedDir, '07-dynamodb-global-secondary-indexes.yaml'), 'utf8'),
      namespace,
    );
    const [object] = parseAllDocuments(yaml).map((doc) => doc.toJS() as Obj);
    const indexes = object!.spec!.globalSecondaryIndexes as { indexName: string }[];
    const removed = indexes[indexes.length - 1]!.indexName;
    object!.spec!.globalSecondaryIndexes = indexes.slice(0, -1);
    const result = applyYaml(JSON.stringify(object));
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr).to.match(new RegExp(`Warning: .*removing GSI ${removed}`));
  });

  it('warns, through kubectl, on an AWSProvider update that adds defaultTags or moves its region or endpoint', () => {
    // Tables created through a provider stay where they were; new default tags count
    // towards AWS's 50 per table (here 50 - 2 ownership - owner-team - cost-center = 46 left). The update is
    // admitted; kubectl prints why it may surprise.
    const provider = (spec: string) => `apiVersion: aws-infra-operator.runner.codes/v1alpha1
kind: AWSProvider
metadata:
  name: moving
  namespace: ${namespace}
spec:
${spec}
`;
    const created = applyYaml(provider('  region: us-east-1\n  endpoint: http://127.0.0.1:4566'));
    expect(created.code, created.stderr).to.equal(0);
    expect(created.stderr).to.not.match(/Warning: spec\.(region|endpoint|defaultTags)/);
    const moved = applyYaml(
      provider('  region: eu-west-1\n  endpoint: http://127.0.0.1:4567\n  defaultTags: {cost-center: "42"}'),
    );
    expect(moved.code, moved.stderr).to.equal(0);
    expect(moved.stderr).to.match(/Warning: spec\.region: .*tables already created stay in us-east-1/);
    expect(moved.stderr).to.include(
      'Warning: spec.endpoint: tables created via http://127.0.0.1:4566 stay there; only new tables go to http://127.0.0.1:4567',
    );
    expect(moved.stderr).to.match(
      /Warning: spec\.defaultTags: 1 new key\(s\) reach every table; one with over 46 own tags/,
    );
    expect(kubectl(['delete', 'awsprovider', 'moving', '-n', namespace]).code).to.equal(0);
  });

  it('lets a status-only update through without calling the webhook', async () => {
    const before = await webhook.requestCount();
    const result = kubectl([
      'patch',
      'dynamodb',
      'user-profiles',
      '-n',
      namespace,
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"tableStatus":"ACTIVE","ready":true}}',
    ]);
    expect(result.code, result.stderr).to.equal(0);
    expect((get('dynamodb', 'user-profiles') as { status?: { tableStatus?: string } }).status?.tableStatus).to.equal(
      'ACTIVE',
    );
    expect(await webhook.requestCount()).to.equal(before);
  });

  it('kubectl apply --dry-run=server shows the defaults and creates nothing', () => {
    const manifest = `apiVersion: aws-infra-operator.runner.codes/v1alpha1
kind: DynamoDBTable
metadata:
  name: dry-run-table
  namespace: ${namespace}
spec:
  tableName: dry_run_table
  providerRef:
    name: localstack
  hashKey:
    name: id
    type: S
`;
    const result = applyYaml(manifest, ['--dry-run=server', '-o', 'json']);
    expect(result.code, result.stderr).to.equal(0);
    const shown = JSON.parse(result.stdout) as {
      spec: { billingMode?: string; deletionPolicy?: string; tags?: Record<string, string> };
    };
    expect(shown.spec.billingMode).to.equal('PAY_PER_REQUEST');
    expect(shown.spec.deletionPolicy).to.equal('Delete');
    expect(shown.spec.tags).to.include({ 'owner-team': 'platform', 'managed-by': 'infra-operator' });
    expect(get('dynamodbtable', 'dry-run-table')).to.equal(undefined);
  });

  it('follows AWSProvider changes through its watch: new defaultTags apply, a deleted provider is warned about', async () => {
    const provider = (tags: string) => `apiVersion: aws-infra-operator.runner.codes/v1alpha1
kind: AWSProvider
metadata:
  name: watched
  namespace: ${namespace}
spec:
  region: eu-west-1
  defaultTags: {${tags}}
`;
    const table = JSON.stringify({
      apiVersion: 'aws-infra-operator.runner.codes/v1alpha1',
      kind: 'DynamoDBTable',
      metadata: { name: 'watch-probe', namespace },
      spec: { tableName: 'watch_probe', providerRef: { name: 'watched' }, hashKey: { name: 'id', type: 'S' } },
    });
    const dryRunTags = () => {
      const result = applyYaml(table, ['--dry-run=server', '-o', 'json']);
      return result.code === 0
        ? (JSON.parse(result.stdout) as { spec: { tags?: Record<string, string> } }).spec.tags
        : undefined;
    };
    expect(applyYaml(provider('team: one')).code).to.equal(0);
    await waitFor('the first defaultTags applied', () => dryRunTags()?.team === 'one');
    expect(applyYaml(provider('team: two, tier: gold')).code).to.equal(0);
    const tags = await waitFor('the changed defaultTags applied', () => {
      const current = dryRunTags();
      return current?.team === 'two' ? current : undefined;
    });
    expect(tags).to.include({ team: 'two', tier: 'gold', 'owner-team': 'platform' });
    expect(kubectl(['delete', 'awsprovider', 'watched', '-n', namespace]).code).to.equal(0);
    await waitFor('the deleted provider is warned about and its tags are gone', () => {
      const result = applyYaml(table, ['--dry-run=server', '-o', 'json']);
      const shown =
        result.code === 0 ? (JSON.parse(result.stdout) as { spec: { tags?: Record<string, string> } }) : undefined;
      return (
        result.stderr.includes(`AWSProvider ${namespace}/watched not found`) && shown?.spec.tags?.team === undefined
      );
    });
  });

  it('counted every decision in controller-runtime metrics', async () => {
    const { text } = await webhook.httpGet('/metrics');
    expect(text).to.match(
      /controller_runtime_webhook_admission_responses_total\{webhook="\/validate",allowed="false",admission_code="422"\} [1-9]/,
    );
    expect(text).to.match(
      /controller_runtime_webhook_admission_responses_total\{webhook="\/mutate",allowed="true",admission_code="200"\} [1-9]/,
    );
    expect(text).to.match(/controller_runtime_webhook_panics_total 0/);
    // client-go's rest_client_* families from the AWSProvider list + watch
    expectRestClientFamilies(text, [namespace, 'watched']);
  });
});
