// A replica in the provider's own region is denied at admission, naming the replica's regionName; other
// regions, and a provider the cache does not know, are admitted (AWS then has the last word).
import { expect } from 'chai';
import { providerInfoOf, staticProviders } from '../src/providers/lookup.ts';
import { validateRequest } from '../src/admission/validate.ts';
import type { AdmissionRequest } from '../src/admission/types.ts';

function table(regions: string[], provider = 'moto'): Record<string, unknown> {
  return {
    apiVersion: 'aws-infra-operator.runner.codes/v1alpha1',
    kind: 'DynamoDBTable',
    metadata: { name: 'orders', namespace: 'team-a' },
    spec: {
      providerRef: { name: provider },
      tableName: 'orders',
      hashKey: { name: 'pk', type: 'S' },
      streamEnabled: true,
      streamViewType: 'NEW_AND_OLD_IMAGES',
      replicas: regions.map((regionName) => ({ regionName })),
    },
  };
}

const request = (object: Record<string, unknown>): AdmissionRequest =>
  ({
    uid: 'u1',
    kind: { group: 'aws-infra-operator.runner.codes', version: 'v1alpha1', kind: 'DynamoDBTable' },
    resource: { group: 'aws-infra-operator.runner.codes', version: 'v1alpha1', resource: 'dynamodbtables' },
    operation: 'CREATE',
    namespace: 'team-a',
    name: 'orders',
    object,
  }) as unknown as AdmissionRequest;

describe('webhook: replica in the table’s own region', () => {
  const providers = staticProviders({
    'team-a/moto': providerInfoOf({ spec: { region: 'us-east-1', defaultTags: {} } }, false),
  });

  it('the provider cache keeps spec.region', () => {
    expect(providerInfoOf({ spec: { region: 'eu-west-1' } }, false).region).to.equal('eu-west-1');
  });

  it('denies a replica in the provider’s region, naming the field and the fix', () => {
    const out = validateRequest(request(table(['eu-west-1', 'us-east-1'])), providers);
    expect(out.allowed).to.equal(false);
    const causes = (out.status as { details?: { causes?: { field: string; message: string }[] } } | undefined)?.details
      ?.causes;
    expect(causes).to.deep.equal([
      {
        reason: 'FieldValueInvalid',
        field: 'spec.replicas[1].regionName',
        message:
          "us-east-1 is the table's own region (AWSProvider moto has spec.region us-east-1): a replica goes in another region; use another region, or remove this replica",
      },
    ]);
  });

  it('admits other regions, and any region when the provider is not known', () => {
    expect(validateRequest(request(table(['eu-west-1'])), providers).allowed).to.equal(true);
    expect(validateRequest(request(table(['us-east-1'], 'elsewhere')), providers).allowed).to.equal(true);
  });
});
