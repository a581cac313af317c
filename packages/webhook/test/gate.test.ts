// gate(): what object the rules judge — null metadata fields dropped, the request's namespace filled
// in, the user's object itself never touched.
import { expect } from 'chai';
import { gate } from '../src/admission/gate.ts';
import type { AdmissionRequest } from '../src/admission/types.ts';

const KIND = { group: 'aws-infra-operator.runner.codes', version: 'v1alpha1', kind: 'DynamoDB' };

function request(metadata: Record<string, unknown>, namespace?: string): AdmissionRequest {
  const object = { apiVersion: 'aws-infra-operator.runner.codes/v1alpha1', kind: 'DynamoDB', metadata, spec: {} };
  return { uid: 'u', kind: KIND, operation: 'CREATE', dryRun: false, object, ...(namespace ? { namespace } : {}) };
}

describe('webhook gate: the object the rules judge', () => {
  it('drops null metadata fields and fills in the namespace, leaving the request object as it was', () => {
    const metadata = { name: 't', creationTimestamp: null, labels: { a: 'b' }, uid: null };
    const req = request(metadata, 'team-a');
    const gated = gate(req);
    if (gated.done) throw new Error('gated out');
    expect(gated.object.metadata).to.deep.equal({ name: 't', labels: { a: 'b' }, namespace: 'team-a' });
    expect(req.object!.metadata).to.deep.equal({ name: 't', creationTimestamp: null, labels: { a: 'b' }, uid: null });
    expect(gated.target).to.deep.equal({ group: KIND.group, kind: 'DynamoDB', name: 't' });
  });

  it('keeps a "__proto__" metadata key an own field, as JSON.parse made it', () => {
    const metadata = JSON.parse('{"name": "t", "__proto__": {"x": 1}, "generation": null}') as Record<string, unknown>;
    const gated = gate(request(metadata, 'ns'));
    if (gated.done) throw new Error('gated out');
    const cleaned = gated.object.metadata as Record<string, unknown>;
    expect(Object.keys(cleaned)).to.deep.equal(['name', '__proto__', 'namespace']);
    expect(Object.getPrototypeOf(cleaned)).to.equal(Object.prototype);
  });

  it('judges the object itself when it has its namespace and no nulls', () => {
    const req = request({ name: 't', namespace: 'team-a' }, 'team-a');
    const gated = gate(req);
    if (gated.done) throw new Error('gated out');
    expect(gated.object).to.equal(req.object);
  });
});
