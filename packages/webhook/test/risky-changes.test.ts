// Warnings for risky changes, on models built from the seed objects (pure functions, no server).
import { expect } from 'chai';
import { applyDefaults, parseObject, toTableModel } from '@dynamodb-operator/api';
import type { TableModel } from '@dynamodb-operator/api';
import { MAX_WARNING_LENGTH } from '../src/admission/response.ts';
import { riskyConfigWarnings, riskyUpdateWarnings } from '../src/admission/plugins/risky-changes.ts';
import { seedObjects } from './support.ts';

type Spec = Record<string, unknown>;

function model(name: string, edit: (spec: Spec) => void = () => {}): TableModel {
  const seed = structuredClone(seedObjects().find((o) => (o.metadata as { name: string }).name === name)!);
  edit(seed.spec as Spec);
  const parsed = parseObject({ ...seed, metadata: { ...(seed.metadata as object), namespace: 'default' } });
  if (!parsed.ok) throw new Error(`${name}: ${JSON.stringify(parsed.errors)}`);
  return toTableModel(applyDefaults(parsed.object, { operatorTags: {} }).object);
}

describe('webhook risky-change warnings', () => {
  it('says nothing when nothing risky changes', () => {
    expect(riskyUpdateWarnings(model('users-with-gsi'), model('users-with-gsi'))).to.deep.equal([]);
    expect(riskyConfigWarnings(model('users-with-gsi'))).to.deep.equal([]);
  });

  it('warns that changing a GSI key or projection deletes and re-creates it, at the index path', () => {
    const changed = model('users-with-gsi', (spec) => {
      const gsis = spec.globalSecondaryIndexes as { projection: { type: string } }[];
      gsis[0]!.projection.type = 'KEYS_ONLY';
    });
    const warnings = riskyUpdateWarnings(model('users-with-gsi'), changed);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/^spec\.globalSecondaryIndexes\[0\]: .*email-index.*re-creates/);
  });

  it('warns when the stream view type changes or streams are turned off', () => {
    const old = model('events-table');
    const otherView = model('events-table', (spec) => {
      spec.streamSpecification = { streamViewType: 'KEYS_ONLY' };
    });
    expect(riskyUpdateWarnings(old, otherView).join('\n')).to.match(/new stream view type replaces the stream/);
    const off = model('events-table', (spec) => {
      delete spec.streamSpecification;
    });
    expect(riskyUpdateWarnings(old, off).join('\n')).to.match(/turning streams off/);
  });

  it('warns that a move from a KMS key to an alias is not seen on AWS (it reports key ARNs), and only then', () => {
    const old = model('critical-data'); // AWS_MANAGED: a KMS key already
    const toAlias = model('critical-data', (spec) => {
      spec.encryption = { enabled: true, type: 'CUSTOMER_MANAGED', kmsKeyArn: 'alias/orders-key' };
    });
    const warnings = riskyUpdateWarnings(old, toAlias);
    expect(warnings).to.deep.equal([
      'spec.encryption.kmsKeyArn: AWS reports key ARNs, so a move from a KMS key to an alias is not seen; use the key ID or ARN',
    ]);
    expect(warnings[0]!.length).to.be.at.most(MAX_WARNING_LENGTH);
    // From the AWS owned key the planner does see the change; a key ID is compared exactly.
    const owned = model('critical-data', (spec) => {
      spec.encryption = { enabled: false };
    });
    expect(riskyUpdateWarnings(owned, toAlias)).to.deep.equal([]);
    const toKeyId = model('critical-data', (spec) => {
      spec.encryption = { enabled: true, type: 'CUSTOMER_MANAGED', kmsKeyArn: '1234abcd-12ab-34cd-56ef-1234567890ab' };
    });
    expect(riskyUpdateWarnings(old, toKeyId)).to.deep.equal([]);
  });

  it('keeps every warning within the 120 characters kubectl shows', () => {
    const old = model('users-with-gsi');
    const next = model('users-with-gsi', (spec) => {
      spec.globalSecondaryIndexes = [];
      spec.billingMode = 'PROVISIONED';
      spec.billingModeConfig = { readCapacityUnits: 1, writeCapacityUnits: 1 };
      spec.deletionPolicy = 'Delete';
      spec.deletionProtectionEnabled = true;
    });
    const warnings = [...riskyUpdateWarnings(old, next), ...riskyConfigWarnings(next)];
    expect(warnings).to.have.length(4);
    for (const warning of warnings) expect(warning.length).to.be.at.most(MAX_WARNING_LENGTH);
  });
});
