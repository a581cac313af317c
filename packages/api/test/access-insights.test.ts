// resourcePolicy and contributor insights in the api package: both kinds parse and normalise them (paths
// in the user's kind), the rules refuse what AWS refuses of a policy document (not JSON, not a policy,
// over 20 KB), CreateTable carries the policy, and the pure decisions (policy comparison ignoring
// whitespace and key order, one UpdateContributorInsights per owner) do what the reconciler relies on.
import { expect } from 'chai';
import { validateObject } from '../src/rules/index.ts';
import { parseObject } from '../src/schemas/parse.ts';
import { toTableModel } from '../src/normalise/index.ts';
import { renderContributorInsightsRequests, renderCreateTableInput } from '../src/render/index.ts';
import {
  canonicalPolicy,
  insightsChanging,
  insightsOwners,
  planContributorInsights,
  planResourcePolicy,
  samePolicy,
} from '../src/plan/index.ts';
import type { TableModel } from '../src/model.ts';

const GROUP = 'aws-infra-operator.runner.codes/v1alpha1';
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:root' },
      Action: 'dynamodb:GetItem',
      Resource: '*',
    },
  ],
});

function dynamodb(spec: Record<string, unknown>, gsiExtra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: GROUP,
    kind: 'DynamoDB',
    metadata: { name: 't', namespace: 'default' },
    spec: {
      providerRef: { name: 'p' },
      tableName: 'orders',
      attributes: [
        { name: 'pk', type: 'S' },
        { name: 'g', type: 'S' },
      ],
      keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
      globalSecondaryIndexes: [{ indexName: 'by-g', keys: [{ attributeName: 'g', keyType: 'HASH' }], ...gsiExtra }],
      ...spec,
    },
  };
}

function dynamodbTable(spec: Record<string, unknown>, gsiExtra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: GROUP,
    kind: 'DynamoDBTable',
    metadata: { name: 't', namespace: 'default' },
    spec: {
      providerRef: { name: 'p' },
      tableName: 'orders',
      hashKey: { name: 'pk', type: 'S' },
      attributes: [{ name: 'g', type: 'S' }],
      globalSecondaryIndexes: [{ indexName: 'by-g', hashKey: 'g', ...gsiExtra }],
      ...spec,
    },
  };
}

const toModel = (obj: unknown): TableModel => {
  const parsed = parseObject(obj);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed));
  return toTableModel(parsed.object);
};

const errorsOf = (obj: unknown) => validateObject(obj).errors;

describe('resource policy and contributor insights (api)', () => {
  describe('schemas and normalise', () => {
    it('DynamoDB: contributorInsightsSpecification on the table and a GSI, resourcePolicy as text', () => {
      const m = toModel(
        dynamodb(
          { resourcePolicy: POLICY, contributorInsightsSpecification: { enabled: true } },
          { contributorInsightsSpecification: { enabled: false } },
        ),
      );
      expect(m.resourcePolicy).to.deep.equal({ document: POLICY, path: 'spec.resourcePolicy' });
      expect(m.contributorInsights).to.deep.equal({ enabled: true, path: 'spec.contributorInsightsSpecification' });
      expect(m.globalSecondaryIndexes[0]?.contributorInsights).to.deep.equal({
        enabled: false,
        path: 'spec.globalSecondaryIndexes[0].contributorInsightsSpecification',
      });
    });

    it('DynamoDBTable: contributorInsights booleans', () => {
      const m = toModel(dynamodbTable({ contributorInsights: false }, { contributorInsights: true }));
      expect(m.contributorInsights).to.deep.equal({ enabled: false, path: 'spec.contributorInsights' });
      expect(m.globalSecondaryIndexes[0]?.contributorInsights?.path).to.equal(
        'spec.globalSecondaryIndexes[0].contributorInsights',
      );
      expect(toModel(dynamodbTable({})).contributorInsights).to.equal(undefined);
    });

    it('a policy given as an object is refused by the schema (a string holding JSON is the form)', () => {
      expect(parseObject(dynamodb({ resourcePolicy: { Version: '2012-10-17' } })).ok).to.equal(false);
    });
  });

  describe('rules', () => {
    it('accepts a valid policy in both kinds', () => {
      expect(errorsOf(dynamodb({ resourcePolicy: POLICY }))).to.deep.equal([]);
      expect(errorsOf(dynamodbTable({ resourcePolicy: `\n${POLICY}\n` }))).to.deep.equal([]);
    });

    it('refuses text that is not JSON, naming the field and the fix', () => {
      const [e] = errorsOf(dynamodb({ resourcePolicy: '{"Version": "2012-10-17",' }));
      expect(e?.path).to.equal('spec.resourcePolicy');
      expect(e?.message).to.match(/is not valid JSON .*write the policy document as a JSON object/);
    });

    it('refuses JSON that is not a policy object, or has no Statement, or an unknown Version', () => {
      expect(errorsOf(dynamodb({ resourcePolicy: '[]' }))[0]?.message).to.match(/must be a JSON object/);
      expect(errorsOf(dynamodb({ resourcePolicy: '{"Version":"2012-10-17"}' }))[0]?.message).to.match(
        /has no Statement/,
      );
      expect(
        errorsOf(dynamodb({ resourcePolicy: '{"Version":"2020-01-01","Statement":{"Effect":"Allow"}}' }))[0]?.message,
      ).to.match(/use "2012-10-17"/);
      const warned = validateObject(dynamodb({ resourcePolicy: '{"Statement":[{"Effect":"Allow"}]}' }));
      expect(warned.errors).to.deep.equal([]);
      expect(warned.warnings.join()).to.match(/has no Version/);
    });

    it('refuses a document over 20 KB, whitespace counted; exactly 20 KB passes', () => {
      const pad = (n: number) => POLICY.replace('{', `{${' '.repeat(n - POLICY.length)}`);
      expect(errorsOf(dynamodb({ resourcePolicy: pad(20 * 1024) }))).to.deep.equal([]);
      const [e] = errorsOf(dynamodb({ resourcePolicy: pad(20 * 1024 + 1) }));
      expect(e?.path).to.equal('spec.resourcePolicy');
      expect(e?.message).to.match(/20481 bytes, over DynamoDB's limit of 20480/);
    });

    it('warns (does not refuse) contributor insights on a table encrypted with a KMS key', () => {
      const kms = { encryption: { enabled: true, type: 'AWS_MANAGED' }, contributorInsights: true };
      const r = validateObject(dynamodbTable(kms));
      expect(r.errors).to.deep.equal([]);
      expect(r.warnings.join()).to.contain(
        'spec.contributorInsights: contributor insights show the most accessed keys',
      );
      expect(validateObject(dynamodbTable({ contributorInsights: true })).warnings.join()).to.not.contain(
        'contributor',
      );
    });
  });

  describe('render', () => {
    it('CreateTable carries ResourcePolicy; ENABLE requests for the table and the GSIs that want it', () => {
      const m = toModel(
        dynamodb(
          { resourcePolicy: POLICY, contributorInsightsSpecification: { enabled: true } },
          {
            contributorInsightsSpecification: { enabled: true },
          },
        ),
      );
      expect(renderCreateTableInput(m).ResourcePolicy).to.equal(POLICY);
      expect(renderContributorInsightsRequests(m)).to.deep.equal([
        { TableName: 'orders', ContributorInsightsAction: 'ENABLE' },
        { TableName: 'orders', IndexName: 'by-g', ContributorInsightsAction: 'ENABLE' },
      ]);
      expect(renderCreateTableInput(toModel(dynamodb({}))).ResourcePolicy).to.equal(undefined);
    });
  });

  describe('decisions', () => {
    it('whitespace and key order are not a difference; values and statement order are', () => {
      const reordered =
        '{ "Statement": [ {"Resource":"*","Action":"dynamodb:GetItem","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Effect":"Allow"} ],\n "Version": "2012-10-17" }';
      expect(samePolicy(POLICY, reordered)).to.equal(true);
      expect(samePolicy(POLICY, POLICY.replace('GetItem', 'PutItem'))).to.equal(false);
      expect(canonicalPolicy('not json')).to.equal(undefined);
    });

    it('put when missing or different, nothing when the same, delete only what the operator applied', () => {
      const m = toModel(dynamodb({ resourcePolicy: POLICY }));
      expect(planResourcePolicy(m, undefined, false)).to.deep.equal({ op: 'put', policy: POLICY });
      expect(planResourcePolicy(m, POLICY.replace('GetItem', 'Query'), true).op).to.equal('put');
      expect(planResourcePolicy(m, JSON.stringify(JSON.parse(POLICY), null, 2), true).op).to.equal('none');
      const none = toModel(dynamodb({}));
      expect(planResourcePolicy(none, POLICY, true).op).to.equal('delete');
      expect(planResourcePolicy(none, POLICY, false).op).to.equal('none');
      expect(planResourcePolicy(none, undefined, true).op).to.equal('none');
    });

    it('contributor insights: one call per owner not yet at (or moving to) the spec; removal disables what was enabled', () => {
      const m = toModel(dynamodb({ contributorInsightsSpecification: { enabled: true } }, {}));
      expect(insightsOwners(m, [])).to.deep.equal([undefined]);
      expect(insightsOwners(m, ['by-g', 'gone'])).to.deep.equal([undefined, 'by-g']);
      expect(
        planContributorInsights(m, [{ status: 'DISABLED' }, { indexName: 'by-g', status: 'ENABLED' }]),
      ).to.deep.equal([
        { TableName: 'orders', ContributorInsightsAction: 'ENABLE' },
        { TableName: 'orders', IndexName: 'by-g', ContributorInsightsAction: 'DISABLE' },
      ]);
      expect(planContributorInsights(m, [{ status: 'ENABLING' }])).to.deep.equal([]);
      expect(planContributorInsights(m, [{ status: 'FAILED', failure: 'x' }])).to.deep.equal([]);
      expect(planContributorInsights(m, [{ status: 'FAILED', failure: 'x' }], true)).to.have.length(1);
      expect(insightsChanging([{ status: 'ENABLED' }, { indexName: 'by-g', status: 'DISABLING' }])).to.equal(true);
      expect(insightsChanging([{ status: 'ENABLED' }])).to.equal(false);
    });
  });
});
