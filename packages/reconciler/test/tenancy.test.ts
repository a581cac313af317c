// The reconciler's tenancy shell: the flag, loading the policy file (absent: permissive; broken: an
// error, never a silent "allow everything"), and the checks on provider and table objects.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PERMISSIVE_POLICY, SECURE_POLICY } from '@dynamodb-operator/api';
import { loadConfig } from '../src/config.ts';
import { adoptionPolicyErrors, loadTenancyPolicy, providerPolicyErrors } from '../src/aws/tenancy.ts';
import type { KubeObject } from '@dynamodb-operator/kube';

const obj = (namespace: string, spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'X',
    metadata: { name: 'x', namespace, ...(annotations ? { annotations } : {}) },
    spec,
  }) as KubeObject;

describe('reconciler tenancy shell', () => {
  it('--tenancy-policy and TENANCY_POLICY_FILE set the file; absent by default', () => {
    expect(loadConfig(['--tenancy-policy=/p.json'], {}).tenancyPolicyFile).to.equal('/p.json');
    expect(loadConfig([], { TENANCY_POLICY_FILE: '/e.json' }).tenancyPolicyFile).to.equal('/e.json');
    expect(loadConfig([], {}).tenancyPolicyFile).to.equal(undefined);
  });

  it('loads the file; no file is the permissive policy; a broken file throws', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ddbop-tenancy-'));
    try {
      const file = join(dir, 'policy.json');
      writeFileSync(file, '{}');
      expect(loadTenancyPolicy(file)).to.deep.equal(SECURE_POLICY);
      expect(loadTenancyPolicy(undefined)).to.equal(PERMISSIVE_POLICY);
      writeFileSync(file, '{"roles": 1}');
      expect(() => loadTenancyPolicy(file)).to.throw(/roles/);
      expect(() => loadTenancyPolicy(join(dir, 'missing.json'))).to.throw(/ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checks a provider in its own namespace and an adopt annotation only when set', () => {
    expect(providerPolicyErrors(SECURE_POLICY, obj('team-a', { region: 'us-east-1' }))).to.have.length(1);
    expect(providerPolicyErrors(PERMISSIVE_POLICY, obj('team-a', { region: 'us-east-1' }))).to.deep.equal([]);
    const adopt = { 'aws-infra-operator.runner.codes/adopt': 'true' };
    expect(adoptionPolicyErrors(SECURE_POLICY, obj('team-a', {}), 't')).to.deep.equal([]);
    expect(adoptionPolicyErrors(SECURE_POLICY, obj('team-a', {}, adopt), 't')[0]?.path).to.equal(
      'metadata.annotations[aws-infra-operator.runner.codes/adopt]',
    );
  });
});
