// The plan options a table's object carries: the capacity-management annotation switches capacity
// management off (External) in any case; nothing else does.
import { expect } from 'chai';
import { ConvergeMemory } from '../src/update/memory.ts';
import { CAPACITY_MANAGEMENT_ANNOTATION, planOptionsFor } from '../src/update/plan-options.ts';

const objectWith = (annotations?: Record<string, string>) => ({
  metadata: { name: 't', namespace: 'n', uid: 'u', ...(annotations ? { annotations } : {}) },
});

describe('update: plan options from the object', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it('capacity-management: External sets externalCapacity; absent or another value leaves it off', () => {
    const options = (annotations?: Record<string, string>) =>
      planOptionsFor(new ConvergeMemory().get('u'), objectWith(annotations), {}, now);
    expect(CAPACITY_MANAGEMENT_ANNOTATION).to.equal('aws-infra-operator.runner.codes/capacity-management');
    expect(options({ [CAPACITY_MANAGEMENT_ANNOTATION]: 'External' }).externalCapacity).to.equal(true);
    expect(options().externalCapacity).to.equal(undefined);
    expect(options({ [CAPACITY_MANAGEMENT_ANNOTATION]: 'external' }).externalCapacity).to.equal(true);
    expect(options({ [CAPACITY_MANAGEMENT_ANNOTATION]: 'Operator' }).externalCapacity).to.equal(undefined);
  });
});
