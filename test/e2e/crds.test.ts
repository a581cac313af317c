// The generated CRDs in a real kube-apiserver, through the real kubectl, the way users meet them:
// Established, printer columns and short names, `kubectl explain` text, every seed manifest of the spec
// page applies unchanged, CEL immutability, server-side dry-run, and RBAC for an unprivileged user.
// No webhook or reconciler runs here: this is what the CRD schema alone guarantees.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { applyYaml, kubectl, testEnv, waitFor } from './support/index.ts';

interface PrinterColumn {
  name: string;
  jsonPath: string;
  priority?: number;
}
interface SchemaNode {
  description?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}
interface Crd {
  metadata: { name: string };
  spec: {
    names: { kind: string; plural: string; singular?: string; shortNames?: string[] };
    versions: { name: string; additionalPrinterColumns?: PrinterColumn[]; schema: { openAPIV3Schema: SchemaNode } }[];
  };
}

const root = testEnv().root; // known before the environment is up
const crdDir = join(root, 'charts', 'dynamodb-operator', 'crds');
const seedDir = join(root, 'examples', 'seed');

function loadCrds(): Crd[] {
  return readdirSync(crdDir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => parse(readFileSync(join(crdDir, f), 'utf8')) as Crd);
}

function crdOfKind(kind: string): Crd {
  const crd = loadCrds().find((c) => c.spec.names.kind === kind);
  if (!crd) throw new Error(`no CRD of kind ${kind} in ${crdDir}`);
  return crd;
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

function ok(r: { code: number; stdout: string; stderr: string }, what: string): string {
  expect(r.code, `${what}: ${r.stderr}`).to.equal(0);
  return r.stdout;
}

/** Column headers as kubectl prints them (upper case, spaces kept) for the first line of a table. */
function headerHas(header: string, column: string): boolean {
  return new RegExp(`(^|\\s)${column.toUpperCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`).test(header);
}

describe('CRDs in the API server', function () {
  it('has all three CRDs Established with their names', function () {
    const crds = loadCrds();
    expect(crds.map((c) => c.spec.names.kind).sort()).to.deep.equal([
      'AWSProvider',
      'ClusterAWSProvider',
      'DynamoDB',
      'DynamoDBTable',
    ]);
    for (const crd of crds) {
      const out = ok(kubectl(['get', 'crd', crd.metadata.name, '-o', 'json']), `get crd ${crd.metadata.name}`);
      const live = JSON.parse(out) as { status: { conditions: { type: string; status: string }[] } };
      const established = live.status.conditions.find((c) => c.type === 'Established');
      expect(established?.status, crd.metadata.name).to.equal('True');
      const namesAccepted = live.status.conditions.find((c) => c.type === 'NamesAccepted');
      expect(namesAccepted?.status, crd.metadata.name).to.equal('True');
    }
    expect(crdOfKind('DynamoDBTable').spec.names.shortNames).to.include.members(['ddb', 'ddbtable']);
  });

  it('serves `kubectl api-resources` with our short names', function () {
    const out = ok(kubectl(['api-resources', '--api-group', 'aws-infra-operator.runner.codes']), 'api-resources');
    expect(out).to.match(
      /^dynamodbtables\s+ddb,ddbtable\s+aws-infra-operator\.runner\.codes\/v1alpha1\s+true\s+DynamoDBTable$/m,
    );
    expect(out).to.match(/^dynamodbs\s+dynamo\s+.*DynamoDB$/m);
    expect(out).to.match(/^awsproviders\s+awsp\s+.*true\s+AWSProvider$/m);
    // cluster-scoped: NAMESPACED false
    expect(out).to.match(/^clusterawsproviders\s+cawsp\s+.*false\s+ClusterAWSProvider$/m);
  });

  it('explains dynamodb.spec.keySchema with the CRD descriptions', function () {
    const out = ok(kubectl(['explain', 'dynamodb.spec.keySchema']), 'explain');
    const schema = crdOfKind('DynamoDB').spec.versions[0]?.schema.openAPIV3Schema;
    const keySchema = schema?.properties?.spec?.properties?.keySchema;
    expect(keySchema?.description, 'keySchema has a description in the CRD').to.be.a('string').and.match(/\S/);
    expect(squash(out)).to.include(squash(keySchema?.description ?? ''));
    const fields = keySchema?.items?.properties ?? {};
    expect(Object.keys(fields)).to.include.members(['attributeName', 'keyType']);
    for (const [field, node] of Object.entries(fields)) {
      expect(out).to.match(new RegExp(`^\\s+${field}\\s+<`, 'm'));
      if (node.description) expect(squash(out)).to.include(squash(node.description));
    }
  });

  it('explains the attribute type with its allowed values S, N and B', function () {
    // Not an enum: the seed's unquoted `type: N` reaches the API server as false (YAML 1.1), and an
    // enum of strings would refuse it whenever the mutating webhook (which turns false into "N") is
    // down. The values are in the description instead; the webhook and the reconciler enforce them.
    const out = squash(ok(kubectl(['explain', 'dynamodb.spec.attributes.type']), 'explain'));
    expect(out).to.include(squash('S (string), N (number) or B (binary)'));
  });

  describe('every seed manifest of the spec page', function () {
    const files = readdirSync(seedDir)
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    const applied: string[] = [];

    after(function () {
      for (const file of applied) kubectl(['delete', '-f', join(seedDir, file), '--ignore-not-found', '--wait=false']);
    });

    it('exists (the spec page has eleven manifests)', function () {
      expect(files).to.have.length(11);
    });

    for (const file of files) {
      it(`applies unchanged: ${file}`, function () {
        const path = join(seedDir, file);
        const out = ok(kubectl(['apply', '-f', path]), `kubectl apply -f ${file}`);
        applied.push(file);
        const docs = parseAllDocuments(readFileSync(path, 'utf8'))
          .map((d) => d.toJS() as { kind?: string; metadata?: { name?: string } } | null)
          .filter((d) => d?.kind);
        for (const doc of docs) {
          expect(out).to.match(new RegExp(`/${doc?.metadata?.name ?? '?'} (created|configured|unchanged)`));
        }
      });
    }

    it('lists the tables under `kubectl get ddb` and `kubectl get dynamodb` with our columns', function () {
      for (const [resource, kind, expectedName] of [
        ['ddb', 'DynamoDBTable', 'e2e-simple-table'],
        ['dynamodb', 'DynamoDB', 'user-profiles'],
      ] as const) {
        const columns = crdOfKind(kind).spec.versions[0]?.additionalPrinterColumns ?? [];
        expect(columns.map((c) => c.name)).to.include.members(['Table', 'Status', 'Ready', 'Synced', 'Age']);
        // READY and SYNCED from the conditions, REASON and MESSAGE only in -o wide
        expect(columns.find((c) => c.name === 'Ready')?.jsonPath).to.equal(
          '.status.conditions[?(@.type=="Ready")].status',
        );
        expect(columns.filter((c) => c.priority === 1).map((c) => c.name)).to.include.members(['Reason', 'Message']);
        const table = ok(kubectl(['get', resource, '-n', 'default']), `get ${resource}`);
        const wide = ok(kubectl(['get', resource, '-n', 'default', '-o', 'wide']), `get ${resource} -o wide`);
        const header = table.split('\n')[0] ?? '';
        const wideHeader = wide.split('\n')[0] ?? '';
        for (const c of columns) {
          expect(headerHas(wideHeader, c.name), `${resource} -o wide has column ${c.name}: ${wideHeader}`).to.equal(
            true,
          );
          if (!c.priority)
            expect(headerHas(header, c.name), `${resource} has column ${c.name}: ${header}`).to.equal(true);
        }
        // the Table column shows spec.tableName of the seed object
        const row = table.split('\n').find((l) => l.startsWith(`${expectedName} `));
        expect(row, `${resource} lists ${expectedName}:\n${table}`).to.be.a('string');
        const tableName = ok(
          kubectl(['get', resource, expectedName, '-n', 'default', '-o', 'jsonpath={.spec.tableName}']),
          'tableName',
        );
        expect(row).to.include(tableName);
      }
    });

    it('lists both table kinds, and only them, under the project category with READY and SYNCED', function () {
      const out = ok(kubectl(['get', 'dynamodb-tables', '-n', 'default']), 'get dynamodb-tables');
      expect(out).to.match(/^dynamodbtable\.aws-infra-operator\.runner\.codes\/e2e-simple-table\s/m);
      expect(out).to.match(/^dynamodb\.aws-infra-operator\.runner\.codes\/user-profiles\s/m);
      expect(out).to.not.match(/^awsprovider\./m);
      for (const header of out.split('\n').filter((l) => l.startsWith('NAME'))) {
        expect(header).to.match(/^NAME\s+TABLE\s+STATUS\s+READY\s+SYNCED\s+AGE$/);
      }
      expect(ok(kubectl(['get', 'dynamo', 'user-profiles', '-n', 'default', '-o', 'name']), 'get dynamo')).to.equal(
        'dynamodb.aws-infra-operator.runner.codes/user-profiles\n',
      );
    });

    it('rejects a tableName change through CEL (DynamoDBTable and DynamoDB)', function () {
      for (const [resource, name] of [
        ['ddb', 'e2e-simple-table'],
        ['dynamodb', 'user-profiles'],
      ] as const) {
        const r = kubectl([
          'patch',
          resource,
          name,
          '-n',
          'default',
          '--type',
          'merge',
          '-p',
          '{"spec":{"tableName":"renamed_table"}}',
        ]);
        expect(r.code, `patch ${resource}/${name} must fail`).to.not.equal(0);
        expect(r.stderr).to.include('spec.tableName').and.include('immutable');
        const still = kubectl(['get', resource, name, '-n', 'default', '-o', 'jsonpath={.spec.tableName}']);
        expect(still.stdout).to.not.equal('renamed_table');
      }
    });

    it('forbids the low-privilege identity to list or create tables', function () {
      const low = testEnv().lowPrivilegeKubeconfig;
      const list = kubectl(['get', 'ddb', '-n', 'default'], { kubeconfig: low });
      expect(list.code).to.not.equal(0);
      expect(list.stderr).to.include('Forbidden').and.include('cannot list resource "dynamodbtables"');
      const create = kubectl(['apply', '-f', join(seedDir, '04-dynamodbtable-simple.yaml')], { kubeconfig: low });
      expect(create.code).to.not.equal(0);
      expect(create.stderr).to.include('forbidden');
    });
  });

  describe('server-side dry-run', function () {
    const name = `dry-run-${process.pid}`;
    const manifest = (billingMode: string) => `
apiVersion: aws-infra-operator.runner.codes/v1alpha1
kind: DynamoDBTable
metadata:
  name: ${name}
  namespace: default
spec:
  tableName: dry_run_${process.pid}
  providerRef:
    name: localstack
  billingMode: ${billingMode}
  hashKey:
    name: ID
    type: "S"
`;

    it('validates and answers without storing the object', async function () {
      const r = applyYaml(manifest('PAY_PER_REQUEST'), ['--dry-run=server']);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.include(`dynamodbtable.aws-infra-operator.runner.codes/${name} created (server dry run)`);
      // nothing was stored: the object stays absent
      const absent = await waitFor('dry-run object absent', () => {
        const g = kubectl(['get', 'ddb', name, '-n', 'default']);
        return g.code !== 0 && g.stderr.includes('NotFound') ? g : undefined;
      });
      expect(absent.stderr).to.include(`"${name}" not found`);
    });

    it('rejects a schema violation with the field path', function () {
      const r = applyYaml(manifest('FREE'), ['--dry-run=server']);
      expect(r.code).to.not.equal(0);
      expect(r.stderr).to.include('spec.billingMode').and.include('Unsupported value: "FREE"');
    });
  });
});
