import { expect } from 'chai';
import {
  PERMISSIVE_POLICY,
  SECURE_POLICY,
  adoptionViolations,
  globMatch,
  isAwsEndpoint,
  parseTenancyPolicy,
  providerIdentityOf,
  providerViolations,
} from '../src/index.ts';
import type { TenancyPolicy } from '../src/index.ts';

const policy: TenancyPolicy = {
  operatorIdentityNamespaces: ['platform'],
  roles: [{ namespaces: ['team-a*'], roleARNs: ['arn:aws:iam::111122223333:role/team-a-*'] }],
  allowStaticCredentials: false,
  endpoints: ['http://127.0.0.1:*'],
  adoption: [{ namespaces: ['team-a'], tables: ['team-a-*'] }],
};
const paths = (errors: { path: string }[]): string[] => errors.map((e) => e.path);

describe('tenancy policy (pure)', () => {
  it('globs are anchored and * spans any characters', () => {
    expect(globMatch('team-a-*', 'team-a-orders')).to.equal(true);
    expect(globMatch('team-a-*', 'xteam-a-orders')).to.equal(false);
    expect(globMatch('a.b', 'aXb')).to.equal(false);
    expect(globMatch('arn:aws:iam::1:role/*', 'arn:aws:iam::1:role/x/y')).to.equal(true);
  });

  it("AWS's own endpoints only over https and under AWS domains", () => {
    expect(isAwsEndpoint('https://dynamodb.us-east-1.amazonaws.com')).to.equal(true);
    expect(isAwsEndpoint('https://dynamodb.cn-north-1.amazonaws.com.cn')).to.equal(true);
    expect(isAwsEndpoint('https://dynamodb.us-east-1.api.aws')).to.equal(true);
    expect(isAwsEndpoint('http://dynamodb.us-east-1.amazonaws.com')).to.equal(false);
    expect(isAwsEndpoint('https://amazonaws.com.evil.example')).to.equal(false);
    expect(isAwsEndpoint('https://evilamazonaws.com')).to.equal(false);
    expect(isAwsEndpoint('https://169.254.169.254')).to.equal(false);
    expect(isAwsEndpoint('not a url')).to.equal(false);
  });

  it("denies the operator's identity outside the listed namespaces, naming the policy key", () => {
    const errors = providerViolations(policy, 'team-a', providerIdentityOf({ region: 'us-east-1' }));
    expect(paths(errors)).to.deep.equal(['spec']);
    expect(errors[0]?.message).to.contain('tenancy.operatorIdentityNamespaces');
    expect(providerViolations(policy, 'platform', providerIdentityOf({ region: 'us-east-1' }))).to.deep.equal([]);
  });

  it('allows only the granted role ARNs, per namespace, in roleARN and assumeRoleARN', () => {
    const ok = providerIdentityOf({ roleARN: 'arn:aws:iam::111122223333:role/team-a-ddb' });
    expect(providerViolations(policy, 'team-a', ok)).to.deep.equal([]);
    expect(paths(providerViolations(policy, 'team-b', ok))).to.deep.equal(['spec.roleARN']);
    const other = providerIdentityOf({ assumeRoleARN: 'arn:aws:iam::999999999999:role/admin' });
    const errors = providerViolations(policy, 'team-a', other);
    expect(paths(errors)).to.deep.equal(['spec.assumeRoleARN']);
    expect(errors[0]?.message).to.contain('tenancy.roles');
  });

  it('static credentials and endpoints follow their keys', () => {
    const id = providerIdentityOf({ credentialsSecret: { name: 's' }, endpoint: 'http://10.0.0.1:8000' });
    expect(paths(providerViolations(policy, 'platform', id))).to.deep.equal([
      'spec.endpoint',
      'spec.credentialsSecret',
    ]);
    const loop = providerIdentityOf({ endpoint: 'http://127.0.0.1:4566' });
    expect(providerViolations(policy, 'platform', loop)).to.deep.equal([]);
    expect(paths(providerViolations(SECURE_POLICY, 'platform', loop))).to.deep.equal(['spec.endpoint', 'spec']);
  });

  it('adoption: only granted namespaces, only matching table names', () => {
    expect(adoptionViolations(policy, 'team-a', 'team-a-orders', 'metadata.annotations')).to.deep.equal([]);
    expect(paths(adoptionViolations(policy, 'team-a', 'payments', 'metadata.annotations'))).to.deep.equal([
      'metadata.annotations',
    ]);
    expect(adoptionViolations(policy, 'team-b', 'team-a-orders', 'x')[0]?.message).to.contain('tenancy.adoption');
  });

  it('the permissive policy (no policy configured) allows everything, as before', () => {
    const id = providerIdentityOf({ endpoint: 'http://10.1.2.3', assumeRoleARN: 'arn:x', accessKeyIDRef: {} });
    expect(providerViolations(PERMISSIVE_POLICY, 'any', id)).to.deep.equal([]);
    expect(providerViolations(PERMISSIVE_POLICY, 'any', providerIdentityOf({}))).to.deep.equal([]);
    expect(adoptionViolations(PERMISSIVE_POLICY, 'any', 'anything', 'x')).to.deep.equal([]);
  });

  it('parses a policy document; missing keys are the secure setting; bad shapes are named', () => {
    expect(parseTenancyPolicy('{}')).to.deep.equal(SECURE_POLICY);
    expect(parseTenancyPolicy(JSON.stringify(policy))).to.deep.equal(policy);
    expect(() => parseTenancyPolicy('{"endpoints":"*"}')).to.throw(/endpoints must be a list/);
    expect(() => parseTenancyPolicy('{"roles":[{"namespaces":["a"]}]}')).to.throw(
      /roles\[0\]: namespaces and roleARNs must each be a list of strings/,
    );
    expect(() => parseTenancyPolicy('{"roles":[{"roleARNs":["*"]}]}')).to.throw(
      /roles\[0\]: name the namespaces \(globs\) or a namespaceSelector/,
    );
    expect(() =>
      parseTenancyPolicy('{"adoption":[{"namespaceSelector":{"matchLabels":"team"},"tables":["*"]}]}'),
    ).to.throw(/adoption\[0\].namespaceSelector: not a label selector/);
    expect(() => parseTenancyPolicy('[')).to.throw(/not JSON/);
  });

  it('grants by namespace label selector: roles and adoption follow the labels, unknown labels grant nothing', () => {
    const byLabel = parseTenancyPolicy(
      JSON.stringify({
        roles: [
          { namespaceSelector: { matchLabels: { team: 'b' } }, roleARNs: ['arn:aws:iam::111122223333:role/b-*'] },
        ],
        adoption: [
          {
            namespaceSelector: { matchExpressions: [{ key: 'adopt', operator: 'In', values: ['yes'] }] },
            tables: ['b-*'],
          },
        ],
      }),
    );
    const role = providerIdentityOf({
      roleARN: 'arn:aws:iam::111122223333:role/b-app',
      credentialsSecret: { name: 'c' },
    });
    expect(providerViolations(byLabel, 'any-name', role, { team: 'b' })).to.deep.equal([]);
    expect(paths(providerViolations(byLabel, 'any-name', role, { team: 'c' }))).to.deep.equal(['spec.roleARN']);
    expect(paths(providerViolations(byLabel, 'any-name', role, undefined))).to.deep.equal(['spec.roleARN']);
    expect(providerViolations(byLabel, 'x', role, { team: 'b' })).to.deep.equal([]);
    expect(adoptionViolations(byLabel, 'x', 'b-orders', 'a', { adopt: 'yes' })).to.deep.equal([]);
    expect(adoptionViolations(byLabel, 'x', 'b-orders', 'a', { adopt: 'no' })[0]?.message).to.contain(
      'namespaces or namespaceSelector',
    );
  });
});
