import { expect } from 'chai';
import * as z from 'zod';
import { customResourceDefinitions, toStructuralSchema } from '../src/index.ts';
import type { JsonSchema } from '../src/index.ts';

interface Crd {
  metadata: { name: string };
  spec: {
    group: string;
    scope: string;
    names: { kind: string; plural: string; singular: string; shortNames?: string[]; categories: string[] };
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      subresources: { status: object };
      additionalPrinterColumns: { name: string; jsonPath: string; priority?: number }[];
      schema: { openAPIV3Schema: JsonSchema };
    }[];
  };
}

const crds = customResourceDefinitions() as unknown as Crd[];
const byKind = (kind: string): Crd => {
  const crd = crds.find((c) => c.spec.names.kind === kind);
  if (!crd) throw new Error(`no CRD for ${kind}`);
  return crd;
};
const version = (kind: string) => byKind(kind).spec.versions[0]!;
const specSchema = (kind: string) =>
  (version(kind).schema.openAPIV3Schema.properties as Record<string, JsonSchema>).spec as JsonSchema;

/** Every node of a schema with its path. */
function* nodes(schema: JsonSchema, path = ''): Generator<[string, JsonSchema]> {
  yield [path, schema];
  for (const [name, child] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
    yield* nodes(child, `${path}.${name}`);
  }
  if (schema.items) yield* nodes(schema.items as JsonSchema, `${path}[]`);
  if (typeof schema.additionalProperties === 'object')
    yield* nodes(schema.additionalProperties as JsonSchema, `${path}.*`);
}

describe('crd: customResourceDefinitions', () => {
  it('one CRD per kind (ClusterAWSProvider cluster-scoped), with names, short names and categories', () => {
    expect(crds.map((c) => c.metadata.name)).to.deep.equal([
      'awsproviders.aws-infra-operator.runner.codes',
      'clusterawsproviders.aws-infra-operator.runner.codes',
      'dynamodbtables.aws-infra-operator.runner.codes',
      'dynamodbs.aws-infra-operator.runner.codes',
    ]);
    for (const crd of crds) {
      expect(crd.spec.scope).to.equal(crd.spec.names.kind === 'ClusterAWSProvider' ? 'Cluster' : 'Namespaced');
      expect(crd.spec.group).to.equal('aws-infra-operator.runner.codes');
      // the table kinds also under dynamodb-tables: `kubectl get dynamodb-tables` lists every table
      const tables = crd.spec.names.kind.endsWith('AWSProvider') ? [] : ['dynamodb-tables'];
      expect(crd.spec.names.categories).to.deep.equal(['aws', 'dynamodb-operator', ...tables]);
      expect(crd.spec.versions).to.have.length(1);
      expect(version(crd.spec.names.kind)).to.include({ name: 'v1alpha1', served: true, storage: true });
      expect(version(crd.spec.names.kind).subresources).to.deep.equal({ status: {} });
    }
    expect(byKind('AWSProvider').spec.names.shortNames).to.deep.equal(['awsp']);
    expect(byKind('ClusterAWSProvider').spec.names.shortNames).to.deep.equal(['cawsp']);
    expect(byKind('DynamoDBTable').spec.names.shortNames).to.deep.equal(['ddb', 'ddbtable']);
    expect(byKind('DynamoDB').spec.names).to.include({ plural: 'dynamodbs', singular: 'dynamodb' });
    expect(byKind('DynamoDB').spec.names.shortNames).to.deep.equal(['dynamo']);
  });

  it('table printer columns: Table, Status, Ready, Synced, Age; Reason, Message, ARN, Billing at priority 1', () => {
    for (const kind of ['DynamoDBTable', 'DynamoDB']) {
      const columns = version(kind).additionalPrinterColumns;
      expect(columns.filter((c) => !c.priority).map((c) => c.name)).to.deep.equal([
        'Table',
        'Status',
        'Ready',
        'Synced',
        'Age',
      ]);
      expect(columns.filter((c) => c.priority === 1).map((c) => c.name)).to.deep.equal([
        'Reason',
        'Message',
        'ARN',
        'Billing',
      ]);
      // from the conditions, not the lower-case status.ready boolean
      expect(columns.find((c) => c.name === 'Synced')?.jsonPath).to.equal(
        '.status.conditions[?(@.type=="Synced")].status',
      );
    }
  });

  it('schemas are structural: typed nodes, no $ref/anyOf, no additionalProperties beside properties', () => {
    for (const crd of crds) {
      for (const [path, node] of nodes(version(crd.spec.names.kind).schema.openAPIV3Schema)) {
        const where = `${crd.spec.names.kind}${path}`;
        const untyped = node['x-kubernetes-preserve-unknown-fields'] === true;
        expect(typeof node.type === 'string' || untyped, `${where} has no type`).to.equal(true);
        for (const key of ['$ref', '$defs', 'anyOf', 'oneOf', 'allOf', 'not', '$schema', 'propertyNames', 'const']) {
          expect(node, where).to.not.have.property(key);
        }
        if (node.properties) expect(node, where).to.not.have.property('additionalProperties');
        expect(node.additionalProperties, where).to.not.equal(false);
      }
    }
  });

  it('describes every spec and status field (the text of kubectl explain)', () => {
    for (const kind of ['AWSProvider', 'DynamoDBTable', 'DynamoDB']) {
      const properties = version(kind).schema.openAPIV3Schema.properties as Record<string, JsonSchema>;
      for (const [path, node] of [...nodes(specSchema(kind), '.spec'), ...nodes(properties.status!, '.status')]) {
        if (path.endsWith('[]') || path.endsWith('.*')) continue;
        expect(node.description, `${kind}${path}`).to.be.a('string').and.not.equal('');
      }
    }
  });

  it('keeps enums, patterns and bounds from the zod schemas', () => {
    const spec = specSchema('DynamoDB').properties as Record<string, JsonSchema>;
    expect(spec.billingMode?.enum).to.deep.equal(['PAY_PER_REQUEST', 'PROVISIONED']);
    expect(spec.tableName).to.include({ minLength: 3, maxLength: 255, pattern: '^[a-zA-Z0-9_.-]+$' });
    expect(spec.globalSecondaryIndexes?.maxItems).to.equal(20);
    expect(spec.localSecondaryIndexes?.maxItems).to.equal(5);
    expect(spec.tags).to.deep.include({ type: 'object', additionalProperties: { type: 'string' }, maxProperties: 150 });
    const pitr = (spec.pointInTimeRecoverySpecification?.properties as Record<string, JsonSchema>).recoveryPeriodInDays;
    expect(pitr).to.include({ type: 'integer', minimum: 1, maximum: 35, format: 'int64' });
  });

  it("leaves the tag count to the webhook: no tag map is cut off at AWS's 50 before defaults are merged in", () => {
    // 48 user tags + 10 provider defaultTags reach the schema as 58 after /mutate; the CRD must let the
    // validating webhook explain them, yet keep a bound against abuse.
    const maps = [
      (specSchema('DynamoDB').properties as Record<string, JsonSchema>).tags,
      (specSchema('DynamoDBTable').properties as Record<string, JsonSchema>).tags,
      (specSchema('AWSProvider').properties as Record<string, JsonSchema>).defaultTags,
    ];
    for (const map of maps) expect(map?.maxProperties).to.equal(150);
  });

  it('CEL transition rules make identity fields immutable', () => {
    const rules = (kind: string) =>
      (specSchema(kind)['x-kubernetes-validations'] as { rule: string }[]).map((v) => v.rule).join('\n');
    for (const field of ['tableName', 'providerRef', 'keySchema', 'localSecondaryIndexes']) {
      expect(rules('DynamoDB')).to.contain(`self.${field} == oldSelf.${field}`);
    }
    for (const field of ['tableName', 'providerRef', 'hashKey', 'rangeKey', 'localSecondaryIndexes']) {
      expect(rules('DynamoDBTable')).to.contain(`self.${field} == oldSelf.${field}`);
    }
    expect(rules('AWSProvider')).to.contain('has(self.accessKeyIDRef) == has(self.secretAccessKeyRef)');
  });

  it('toStructuralSchema refuses what Kubernetes cannot take (unions)', () => {
    expect(() => toStructuralSchema(z.union([z.string(), z.number()]))).to.throw(/no type/);
    expect(() => toStructuralSchema(z.union([z.string(), z.object({ a: z.string() })]))).to.throw(/anyOf/);
    expect(toStructuralSchema(z.strictObject({ a: z.string() }))).to.not.have.property('additionalProperties');
  });
});
