import { expect } from 'chai';
import {
  clusterProviderScopeOf,
  clusterProviderServes,
  clusterProviderViolations,
  labelSelectorMatches,
  toTableModel,
  validateObject,
} from '../src/index.ts';
import { dynamodb, parsed } from './seed.helpers.ts';

const GV = 'aws-infra-operator.runner.codes/v1alpha1';
const cluster = (spec: Record<string, unknown>) => ({
  apiVersion: GV,
  kind: 'ClusterAWSProvider',
  metadata: { name: 'shared' },
  spec: { region: 'us-east-1', ...spec },
});

describe('label selectors (metav1.LabelSelector semantics)', () => {
  const labels = { team: 'a', tier: 'prod' };
  it('matchLabels and every expression must hold; {} matches everything', () => {
    expect(labelSelectorMatches({}, labels)).to.equal(true);
    expect(labelSelectorMatches({ matchLabels: { team: 'a' } }, labels)).to.equal(true);
    expect(labelSelectorMatches({ matchLabels: { team: 'b' } }, labels)).to.equal(false);
    expect(
      labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['prod'] }] }, labels),
    ).to.equal(true);
    expect(
      labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['prod'] }] }, labels),
    ).to.equal(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }] }, labels)).to.equal(true);
    expect(
      labelSelectorMatches(
        { matchLabels: { team: 'a' }, matchExpressions: [{ key: 'x', operator: 'Exists' }] },
        labels,
      ),
    ).to.equal(false);
  });
});

describe('ClusterAWSProvider', () => {
  it('serves namespaces by glob or by label selector; neither set serves none', () => {
    const scope = clusterProviderScopeOf({
      namespaces: ['team-*'],
      namespaceSelector: { matchLabels: { shared: 'yes' } },
    });
    expect(clusterProviderServes(scope, 'team-a', undefined)).to.equal(true);
    expect(clusterProviderServes(scope, 'other', { shared: 'yes' })).to.equal(true);
    expect(clusterProviderServes(scope, 'other', { shared: 'no' })).to.equal(false);
    // unknown labels: only the globs decide
    expect(clusterProviderServes(scope, 'other', undefined)).to.equal(false);
    expect(clusterProviderServes(clusterProviderScopeOf({}), 'team-a', {})).to.equal(false);
    expect(clusterProviderServes(clusterProviderScopeOf({ namespaceSelector: {} }), 'any', {})).to.equal(true);
  });

  it('a refusal names the field, the provider, what it selects and the fix', () => {
    const errors = clusterProviderViolations(
      'shared',
      clusterProviderScopeOf({ namespaces: ['team-*'] }),
      'intruder',
      {},
      'spec.providerRef.name',
    );
    expect(errors).to.have.length(1);
    expect(errors[0]?.path).to.equal('spec.providerRef.name');
    expect(errors[0]?.message).to.contain('ClusterAWSProvider "shared" does not serve namespace intruder');
    expect(errors[0]?.message).to.contain('spec.namespaces [team-*]').and.contain('ask the cluster admin');
  });

  it('validates like an AWSProvider, and requires the namespace of every credential Secret', () => {
    expect(validateObject(cluster({ namespaces: ['team-*'] })).errors).to.deep.equal([]);
    const ok = cluster({
      namespaces: ['a'],
      credentialsSecret: { name: 'creds', namespace: 'dynamodb-operator' },
    });
    expect(validateObject(ok).errors).to.deep.equal([]);
    const noNs = validateObject(cluster({ namespaces: ['a'], credentialsSecret: { name: 'creds' } }));
    expect(noNs.errors.map((e) => e.path)).to.include('spec.credentialsSecret.namespace');
    const badRegion = validateObject(cluster({ region: 'nowhere', namespaces: ['a'] }));
    expect(badRegion.errors.map((e) => e.path)).to.include('spec.region');
    const badSelector = validateObject(
      cluster({ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: [] }] } }),
    );
    expect(badSelector.errors.map((e) => e.path)).to.include('spec.namespaceSelector.matchExpressions[0].values');
    expect(validateObject(cluster({})).warnings.join()).to.contain('serves no namespace');
  });

  it('a table references it with providerRef.kind; providerRef.namespace is refused with it', () => {
    const table = dynamodb({ providerRef: { kind: 'ClusterAWSProvider', name: 'shared' } });
    expect(validateObject(table).errors).to.deep.equal([]);
    expect(toTableModel(parsed(table)).providerRef).to.include({ kind: 'ClusterAWSProvider', name: 'shared' });
    const withNs = validateObject(
      dynamodb({ providerRef: { kind: 'ClusterAWSProvider', name: 'shared', namespace: 'shop' } }),
    );
    expect(withNs.errors.map((e) => e.path)).to.include('spec.providerRef.namespace');
    // the seed's form (no kind) is unchanged
    expect(toTableModel(parsed(dynamodb())).providerRef.kind).to.equal(undefined);
    // switching to a cluster provider is a switch of provider: immutable
    const moved = validateObject(table, dynamodb());
    expect(moved.errors.map((e) => e.path)).to.include('spec.providerRef');
  });
});
