import { expect } from 'chai';
import { prepareTable } from '../src/controller/prepare.ts';

describe('prepareTable', () => {
  it('defaults a copy: the object it was given, spec and metadata, is left as it was', () => {
    for (const raw of [
      {
        apiVersion: 'aws-infra-operator.runner.codes/v1alpha1',
        kind: 'DynamoDBTable',
        metadata: { name: 'x', namespace: 'n', annotations: { a: 'b' } },
        spec: { tableName: 'orders', providerRef: { name: 'p' }, hashKey: { name: 'id', type: 'S' }, tags: { t: '1' } },
      },
      {
        apiVersion: 'aws-infra-operator.runner.codes/v1alpha1',
        kind: 'DynamoDB',
        metadata: { name: 'y', namespace: 'n' },
        spec: {
          tableName: 'users',
          providerRef: { name: 'p' },
          attributes: [{ name: 'id', type: 'S' }],
          keySchema: [{ attributeName: 'id', keyType: 'HASH' }],
        },
      },
    ]) {
      const before = JSON.stringify(raw);
      const prepared = prepareTable(raw, { operatorTags: { owner: 'op' }, providerTags: { team: 'x' } });
      if (!prepared.ok) throw new Error(prepared.message);
      expect(JSON.stringify(raw), raw.kind).to.equal(before);
      expect(JSON.stringify(prepared.object), raw.kind).to.not.equal(before);
    }
  });
});
