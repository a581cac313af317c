// Provider changes under live tables (the webhook's side): an AWSProvider update that adds defaultTags, or moves the
// provider to another region or endpoint, is admitted with a warning saying what it means for the
// tables already created through it. Over real HTTPS, as the API server calls /validate.
import { expect } from 'chai';
import { admissionReview, startTestWebhook } from './support.ts';
import type { TestWebhook } from './support.ts';

const provider = (spec: Record<string, unknown>): Record<string, unknown> => ({
  apiVersion: 'aws-infra-operator.runner.codes/v1alpha1',
  kind: 'AWSProvider',
  metadata: { name: 'prod', namespace: 'default' },
  spec: { region: 'us-east-1', ...spec },
});

describe('webhook warnings on AWSProvider updates', () => {
  let webhook: TestWebhook;
  before(async () => {
    webhook = await startTestWebhook();
  });
  after(async () => {
    await webhook.close();
  });

  const warningsFor = async (next: Record<string, unknown>, old: Record<string, unknown>): Promise<string[]> => {
    const result = await webhook.post('/validate', JSON.stringify(admissionReview(next, 'UPDATE', old)));
    expect(result.status, result.text).to.equal(200);
    const out = result.json() as { response: { allowed: boolean; warnings?: string[]; status?: unknown } };
    expect(out.response.allowed, JSON.stringify(out.response.status)).to.equal(true);
    for (const warning of out.response.warnings ?? []) expect(warning.length, warning).to.be.at.most(120);
    return out.response.warnings ?? [];
  };

  it('adding defaultTags: names the keys and how many own tags a table may still have', async () => {
    const tags = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`cost-${i}`, 'x']));
    const warnings = await warningsFor(
      provider({ defaultTags: { team: 'a', ...tags } }),
      provider({ defaultTags: { team: 'a' } }),
    );
    const text = warnings.join('\n');
    // 11 provider defaults + 1 operator-wide (owner-team, from the test webhook) + 2 ownership = 14 → 36 left.
    expect(text).to.equal(
      "spec.defaultTags: 10 new key(s) reach every table; one with over 36 own tags exceeds AWS's 50-tag limit",
    );
  });

  it('changing the endpoint: says tables stay where they were created', async () => {
    const warnings = await warningsFor(
      provider({ endpoint: 'http://dynamo.internal:8000' }),
      provider({ endpoint: 'http://localhost:4566' }),
    );
    expect(warnings).to.deep.equal([
      'spec.endpoint: tables created via http://localhost:4566 stay there; only new tables go to http://dynamo.internal:8000',
    ]);
    const toAws = await warningsFor(provider({}), provider({ endpoint: 'http://localhost:4566' }));
    expect(toAws).to.deep.equal([
      'spec.endpoint: tables created via http://localhost:4566 stay there; only new tables go to AWS',
    ]);
  });

  it('changing the region: the warning keeps its conclusion, tables stay where they were created', async () => {
    // The api package's rule says so at the end of a long line; shortened, the middle goes, not the end.
    const warnings = await warningsFor(provider({ region: 'eu-west-1' }), provider({ region: 'us-east-1' }));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/^spec\.region: changing the region from us-east-1 to eu-west-1 .* \.\.\. /);
    expect(warnings[0]).to.match(/tables already created stay in us-east-1$/);
  });

  it('stays quiet for an update that changes neither (or only removes tags), and for a CREATE', async () => {
    const old = provider({ defaultTags: { team: 'a', env: 'prod' } });
    expect(await warningsFor(provider({ defaultTags: { team: 'b' } }), old)).to.deep.equal([]);
    const created = await webhook.post(
      '/validate',
      JSON.stringify(admissionReview(provider({ defaultTags: { a: 'b' } }))),
    );
    expect((created.json() as { response: { warnings?: string[] } }).response.warnings ?? []).to.deep.equal([]);
  });
});
