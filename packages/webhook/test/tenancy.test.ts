// The tenancy plugin through the in-process HTTPS webhook: what the admin's policy forbids is denied
// with the field path and the policy key to ask for; no policy configured admits everything as before.
import { expect } from 'chai';
import type { TenancyPolicy } from '@dynamodb-operator/api';
import { admissionReview, seedObjects, startTestWebhook } from './support.ts';
import type { TestWebhook } from './support.ts';

interface ReviewOut {
  response: {
    allowed: boolean;
    status?: { message: string; details?: { causes: { field: string; message: string }[] } };
  };
}

const policy: TenancyPolicy = {
  operatorIdentityNamespaces: ['platform'],
  roles: [{ namespaces: ['team-a'], roleARNs: ['arn:aws:iam::123456789012:role/team-a-*'] }],
  allowStaticCredentials: true,
  endpoints: ['http://127.0.0.1:*'],
  adoption: [{ namespaces: ['team-a'], tables: ['team-a-*'] }],
};

const provider = (namespace: string, spec: Record<string, unknown>): Record<string, unknown> => ({
  apiVersion: 'aws-infra-operator.runner.codes/v1alpha1',
  kind: 'AWSProvider',
  metadata: { name: 'p', namespace },
  spec: { region: 'us-east-1', ...spec },
});

function adoptingTable(namespace: string, tableName: string, extra: Record<string, unknown> = {}) {
  const seed = structuredClone(seedObjects().find((o) => o.kind === 'DynamoDBTable')!);
  const metadata = seed.metadata as Record<string, unknown>;
  seed.metadata = {
    ...metadata,
    namespace,
    annotations: { 'aws-infra-operator.runner.codes/adopt': 'true' },
    ...extra,
  };
  (seed.spec as Record<string, unknown>).tableName = tableName;
  return seed;
}

const causes = (out: ReviewOut): string[] => (out.response.status?.details?.causes ?? []).map((c) => c.field);

describe('webhook tenancy policy', () => {
  let webhook: TestWebhook;
  let open: TestWebhook;
  before(async () => {
    webhook = await startTestWebhook({ tenancyPolicy: policy });
    open = await startTestWebhook();
  });
  after(async () => {
    await webhook.close();
    await open.close();
  });
  const review = async (w: TestWebhook, object: Record<string, unknown>): Promise<ReviewOut> => {
    const result = await w.post('/validate', JSON.stringify(admissionReview(object)));
    expect(result.status, result.text).to.equal(200);
    return result.json() as ReviewOut;
  };

  it("denies a provider that would act as the operator's own identity, naming the field and the policy key", async () => {
    const out = await review(webhook, provider('team-a', {}));
    expect(out.response.allowed).to.equal(false);
    expect(causes(out)).to.deep.equal(['spec']);
    expect(out.response.status?.message).to.contain('tenancy.operatorIdentityNamespaces');
    expect((await review(webhook, provider('platform', {}))).response.allowed).to.equal(true);
  });

  it('denies a role ARN and an endpoint the namespace is not granted; admits the granted ones', async () => {
    const bad = await review(
      webhook,
      provider('team-a', { assumeRoleARN: 'arn:aws:iam::123456789012:role/admin', endpoint: 'http://10.0.0.7:80' }),
    );
    expect(bad.response.allowed).to.equal(false);
    expect(causes(bad).sort()).to.deep.equal(['spec.assumeRoleARN', 'spec.endpoint']);
    expect(bad.response.status?.message).to.contain('tenancy.roles').and.contain('tenancy.endpoints');
    const good = await review(
      webhook,
      provider('team-a', { roleARN: 'arn:aws:iam::123456789012:role/team-a-ddb', endpoint: 'http://127.0.0.1:4566' }),
    );
    expect(good.response.allowed, JSON.stringify(good.response.status)).to.equal(true);
  });

  it('denies the adopt annotation outside the granted namespaces and table names', async () => {
    const other = await review(webhook, adoptingTable('team-b', 'team-a-orders'));
    expect(other.response.allowed).to.equal(false);
    expect(causes(other)).to.deep.equal(['metadata.annotations[aws-infra-operator.runner.codes/adopt]']);
    expect(other.response.status?.message).to.contain('tenancy.adoption');
    expect((await review(webhook, adoptingTable('team-a', 'payments'))).response.allowed).to.equal(false);
    expect((await review(webhook, adoptingTable('team-a', 'team-a-orders'))).response.allowed).to.equal(true);
  });

  it('never blocks an object being deleted (finalizer removal)', async () => {
    const deleting = adoptingTable('team-b', 'payments', { deletionTimestamp: '2026-01-01T00:00:00Z' });
    expect((await review(webhook, deleting)).response.allowed).to.equal(true);
  });

  it('without a policy everything is admitted as before (seed objects, adoption, loopback endpoints)', async () => {
    for (const object of seedObjects()) expect((await review(open, object)).response.allowed).to.equal(true);
    expect((await review(open, provider('team-b', { endpoint: 'http://10.0.0.7' }))).response.allowed).to.equal(true);
    expect((await review(open, adoptingTable('team-b', 'payments'))).response.allowed).to.equal(true);
  });
});

describe('webhook --tenancy-policy flag', () => {
  it('sets the policy file from the flag or TENANCY_POLICY_FILE; absent by default', async () => {
    const { parseConfig } = await import('../src/config.ts');
    const flag = parseConfig(['--tenancy-policy', '/p.json'], {});
    expect(flag.kind === 'config' && flag.config.tenancyPolicyFile).to.equal('/p.json');
    const env = parseConfig([], { TENANCY_POLICY_FILE: '/e.json' });
    expect(env.kind === 'config' && env.config.tenancyPolicyFile).to.equal('/e.json');
    const none = parseConfig([], {});
    expect(none.kind === 'config' && none.config.tenancyPolicyFile).to.equal(undefined);
  });
});
