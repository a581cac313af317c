// Observe-only under the tenancy policy, through the in-process HTTPS webhook: observing a table needs
// the adoption grant (its status would show another team's table), named at the annotation's path.
import { expect } from 'chai';
import type { TenancyPolicy } from '@dynamodb-operator/api';
import { admissionReview, seedObjects, startTestWebhook } from './support.ts';
import type { TestWebhook } from './support.ts';

const POLICY_PATH = 'metadata.annotations[aws-infra-operator.runner.codes/management-policy]';

const policy: TenancyPolicy = {
  operatorIdentityNamespaces: [],
  roles: [],
  allowStaticCredentials: true,
  endpoints: ['http://127.0.0.1:*'],
  adoption: [{ namespaces: ['team-a'], tables: ['team-a-*'] }],
};

function observing(namespace: string, tableName: string, value = 'Observe') {
  const seed = structuredClone(seedObjects().find((o) => o.kind === 'DynamoDBTable')!);
  seed.metadata = {
    ...(seed.metadata as Record<string, unknown>),
    namespace,
    annotations: { 'aws-infra-operator.runner.codes/management-policy': value },
  };
  (seed.spec as Record<string, unknown>).tableName = tableName;
  return seed;
}

interface ReviewOut {
  response: {
    allowed: boolean;
    warnings?: string[];
    status?: { details?: { causes: { field: string; message: string }[] } };
  };
}

describe('webhook: observe-only needs the adoption grant under tenancy', () => {
  let webhook: TestWebhook;
  before(async () => {
    webhook = await startTestWebhook({ tenancyPolicy: policy });
  });
  after(async () => webhook.close());
  const review = async (object: Record<string, unknown>): Promise<ReviewOut> => {
    const result = await webhook.post('/validate', JSON.stringify(admissionReview(object)));
    expect(result.status, result.text).to.equal(200);
    return result.json() as ReviewOut;
  };

  it('denies observing a table outside the grant, at the annotation path, and admits one inside it', async () => {
    const denied = await review(observing('team-a', 'team-b-orders'));
    expect(denied.response.allowed).to.equal(false);
    const causes = denied.response.status?.details?.causes ?? [];
    expect(causes.map((c) => c.field)).to.deep.equal([POLICY_PATH]);
    expect(causes[0]?.message).to.contain('may not adopt table "team-b-orders"');
    const allowed = await review(observing('team-a', 'team-a-orders'));
    expect(allowed.response.allowed).to.equal(true);
    expect((allowed.response.warnings ?? []).join('\n')).to.contain('the table must exist');
  });

  it('Full (or no annotation) is not adoption: admitted for any table name', async () => {
    expect((await review(observing('team-a', 'team-b-orders', 'Full'))).response.allowed).to.equal(true);
  });
});
