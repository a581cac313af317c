import { expect } from 'chai';
import { REST_CLIENT_LATENCY_BUCKETS, restClientCode, restClientUrlTemplate } from '../src/index.ts';

// Expected values follow client-go's Request.finalURLTemplate (k8s.io/client-go/rest/request.go).
describe('rest_client url label (client-go finalURLTemplate)', () => {
  const cases: [string, string][] = [
    // namespaced object, collection and subresource of our group
    [
      '/apis/aws-infra-operator.runner.codes/v1alpha1/namespaces/team-a/dynamodbs/orders',
      '/apis/aws-infra-operator.runner.codes/v1alpha1/namespaces/{namespace}/dynamodbs/{name}',
    ],
    [
      '/apis/aws-infra-operator.runner.codes/v1alpha1/namespaces/team-a/dynamodbtables/orders/status',
      '/apis/aws-infra-operator.runner.codes/v1alpha1/namespaces/{namespace}/dynamodbtables/{name}/status',
    ],
    [
      '/apis/aws-infra-operator.runner.codes/v1alpha1/namespaces/team-a/awsproviders',
      '/apis/aws-infra-operator.runner.codes/v1alpha1/namespaces/{namespace}/awsproviders',
    ],
    // cluster-wide list and watch: nothing to replace; the query is dropped
    [
      '/apis/aws-infra-operator.runner.codes/v1alpha1/awsproviders?watch=true&resourceVersion=123',
      '/apis/aws-infra-operator.runner.codes/v1alpha1/awsproviders',
    ],
    // core group: namespace-scoped secret, namespace object itself, events collection
    ['/api/v1/namespaces/team-a/secrets/aws-creds', '/api/v1/namespaces/{namespace}/secrets/{name}'],
    ['/api/v1/namespaces/team-a', '/api/v1/namespaces/{name}'],
    ['/api/v1/namespaces/team-a/finalize', '/api/v1/namespaces/{name}/finalize'],
    ['/api/v1/namespaces/team-a/events', '/api/v1/namespaces/{namespace}/events'],
    // leases, token and access reviews
    [
      '/apis/coordination.k8s.io/v1/namespaces/ops/leases/dynamodb-operator',
      '/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}',
    ],
    ['/apis/authentication.k8s.io/v1/tokenreviews', '/apis/authentication.k8s.io/v1/tokenreviews'],
    ['/apis/authorization.k8s.io/v1/subjectaccessreviews', '/apis/authorization.k8s.io/v1/subjectaccessreviews'],
    // short paths as they are; anything outside /api and /apis is {prefix}
    ['/version', '/version'],
    ['/openapi/v2', '/{prefix}'],
  ];
  for (const [path, want] of cases) {
    it(`${path} → ${want}`, () => expect(restClientUrlTemplate(path)).to.equal(want));
  }

  it('keeps one url value per endpoint however many objects there are', () => {
    const urls = new Set(
      Array.from({ length: 50 }, (_, i) =>
        restClientUrlTemplate(`/apis/aws-infra-operator.runner.codes/v1alpha1/namespaces/ns-${i}/dynamodbs/t-${i}`),
      ),
    );
    expect(urls.size).to.equal(1);
  });

  it('code is the status as a string, or <error> without a response', () => {
    expect(restClientCode(200)).to.equal('200');
    expect(restClientCode(429)).to.equal('429');
    expect(restClientCode(undefined)).to.equal('<error>');
    expect(restClientCode(0)).to.equal('<error>');
  });

  it('buckets are client-go', () => {
    expect(REST_CLIENT_LATENCY_BUCKETS).to.deep.equal([0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60]);
  });
});
