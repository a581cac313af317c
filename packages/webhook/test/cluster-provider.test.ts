// A table naming a ClusterAWSProvider, through the in-process HTTPS webhook: admitted in a namespace the
// provider selects (by name glob or by label), denied elsewhere with the field and the fix; a provider
// the cache does not know is a warning (the table waits), and its defaultTags are merged like an
// AWSProvider's. The provider cache is a fixed map here; test/e2e covers the real watch.
import { expect } from 'chai';
import { clusterProviderScopeOf } from '@dynamodb-operator/api';
import { staticProviders } from '../src/providers/lookup.ts';
import { admissionReview, seedObjects, startTestWebhook } from './support.ts';
import type { TestWebhook } from './support.ts';

interface ReviewOut {
  response: {
    allowed: boolean;
    warnings?: string[];
    patch?: string;
    status?: { message: string; details?: { causes: { field: string; message: string }[] } };
  };
}

function table(namespace: string, providerName = 'shared'): Record<string, unknown> {
  const seed = structuredClone(seedObjects().find((o) => o.kind === 'DynamoDBTable')!);
  seed.metadata = { ...(seed.metadata as Record<string, unknown>), namespace };
  (seed.spec as Record<string, unknown>).providerRef = { kind: 'ClusterAWSProvider', name: providerName };
  return seed;
}

describe('webhook: tables on a ClusterAWSProvider', () => {
  let webhook: TestWebhook;
  before(async () => {
    webhook = await startTestWebhook({
      providers: staticProviders(
        {
          '/shared': {
            defaultTags: { 'cost-centre': 'platform' },
            scope: clusterProviderScopeOf({
              namespaces: ['team-*'],
              namespaceSelector: { matchLabels: { pool: 'a' } },
            }),
          },
        },
        { 'team-a': {}, labelled: { pool: 'a' }, other: { pool: 'b' } },
      ),
    });
  });
  after(async () => webhook.close());
  const review = async (path: string, object: Record<string, unknown>): Promise<ReviewOut> => {
    const result = await webhook.post(path, JSON.stringify(admissionReview(object)));
    expect(result.status, result.text).to.equal(200);
    return result.json() as ReviewOut;
  };

  it('admits a namespace selected by glob or by label', async () => {
    expect((await review('/validate', table('team-a'))).response.allowed).to.equal(true);
    expect((await review('/validate', table('labelled'))).response.allowed).to.equal(true);
  });

  it('denies a namespace it does not select, naming spec.providerRef.name and the fix', async () => {
    const out = await review('/validate', table('other'));
    expect(out.response.allowed).to.equal(false);
    const cause = out.response.status?.details?.causes.find((c) => c.field === 'spec.providerRef.name');
    expect(cause?.message).to.contain('ClusterAWSProvider "shared" does not serve namespace other');
    expect(cause?.message).to.contain('pool=a').and.contain('ask the cluster admin');
  });

  it('validates the ClusterAWSProvider itself: Secret namespaces, selector operators, a warning when it serves nobody', async () => {
    const provider = (spec: Record<string, unknown>) => ({
      apiVersion: 'aws-infra-operator.runner.codes/v1alpha1',
      kind: 'ClusterAWSProvider',
      metadata: { name: 'shared' },
      spec: { region: 'us-east-1', ...spec },
    });
    const idle = await review('/validate', provider({}));
    expect(idle.response.allowed).to.equal(true);
    expect(idle.response.warnings?.join()).to.contain('serves no namespace');
    const bad = await review(
      '/validate',
      provider({ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'Exists', values: ['a'] }] } }),
    );
    expect(bad.response.allowed).to.equal(false);
    expect(bad.response.status?.details?.causes.map((c) => c.field)).to.include(
      'spec.namespaceSelector.matchExpressions[0].values',
    );
    const noNamespace = await review('/validate', provider({ namespaces: ['a'], credentialsSecret: { name: 'c' } }));
    expect(noNamespace.response.allowed).to.equal(false);
    expect(noNamespace.response.status?.message).to.contain('credentialsSecret.namespace');
  });

  it('an unknown cluster provider is a warning, not a denial; its defaultTags reach the table at /mutate', async () => {
    const missing = await review('/validate', table('team-a', 'nope'));
    expect(missing.response.allowed).to.equal(true);
    expect(missing.response.warnings?.join()).to.contain('ClusterAWSProvider nope not found');
    const mutated = await review('/mutate', table('team-a'));
    const patch = Buffer.from(mutated.response.patch ?? '', 'base64').toString('utf8');
    expect(patch).to.contain('cost-centre');
  });
});
