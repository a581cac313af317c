// Global table replicas in the api package: both kinds take spec.replicas (paths in the user's kind),
// the rules refuse what AWS refuses (streams, regions, billing, KMS, overrides), and the planner adds
// and removes one replica per UpdateTable, waits while a replica is not ACTIVE, and reports drift.
import { expect } from 'chai';
import { validateObject } from '../src/rules/index.ts';
import { parseObject } from '../src/schemas/parse.ts';
import { toTableModel } from '../src/normalise/index.ts';
import { applyDefaults } from '../src/defaults/index.ts';
import { renderReplicaRegionRequests, renderReplicaUpdates } from '../src/render/index.ts';
import { driftOf, nextStep, observedFromAws, plan, stepText } from '../src/plan/index.ts';
import type { ObservedTable } from '../src/plan/index.ts';
import type { TableModel } from '../src/model.ts';
import { observedFor, settle, simulateApply } from './plan.helpers.ts';

const GROUP = 'aws-infra-operator.runner.codes/v1alpha1';
const STREAM = { streamEnabled: true, streamViewType: 'NEW_AND_OLD_IMAGES' };

function dynamodb(spec: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: GROUP,
    kind: 'DynamoDB',
    metadata: { name: 't', namespace: 'default' },
    spec: {
      providerRef: { name: 'p' },
      tableName: 'orders',
      billingMode: 'PAY_PER_REQUEST',
      attributes: [
        { name: 'pk', type: 'S' },
        { name: 'g', type: 'S' },
      ],
      keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
      globalSecondaryIndexes: [{ indexName: 'by-g', keys: [{ attributeName: 'g', keyType: 'HASH' }] }],
      streamSpecification: STREAM,
      ...spec,
    },
  };
}

function dynamodbTable(spec: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: GROUP,
    kind: 'DynamoDBTable',
    metadata: { name: 't', namespace: 'default' },
    spec: {
      providerRef: { name: 'p' },
      tableName: 'orders',
      hashKey: { name: 'pk', type: 'S' },
      streamEnabled: true,
      streamViewType: 'NEW_AND_OLD_IMAGES',
      ...spec,
    },
  };
}

const toModel = (obj: unknown): TableModel => {
  const parsed = parseObject(obj);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed));
  return toTableModel(applyDefaults(parsed.object, { operatorTags: {} }).object);
};
const errorsAt = (obj: unknown, old?: unknown) =>
  validateObject(obj, old).errors.map((e) => `${e.path} :: ${e.message}`);

describe('replicas (global tables 2019.11.21)', () => {
  describe('schema and model', () => {
    it('both kinds take spec.replicas with their overrides and paths', () => {
      const replicas = [
        { regionName: 'eu-west-1', tableClassOverride: 'STANDARD_INFREQUENT_ACCESS' },
        {
          regionName: 'ap-southeast-2',
          onDemandThroughputOverride: { maxReadRequestUnits: 100 },
          globalSecondaryIndexes: [{ indexName: 'by-g', onDemandThroughputOverride: { maxReadRequestUnits: 50 } }],
        },
      ];
      const m = toModel(dynamodb({ replicas }));
      expect(m.replicas?.map((r) => [r.regionName, r.path])).to.deep.equal([
        ['eu-west-1', 'spec.replicas[0]'],
        ['ap-southeast-2', 'spec.replicas[1]'],
      ]);
      expect(m.replicas?.[1]?.globalSecondaryIndexes[0]).to.deep.equal({
        indexName: 'by-g',
        onDemandThroughputOverride: { maxReadRequestUnits: 50 },
        path: 'spec.replicas[1].globalSecondaryIndexes[0]',
      });
      expect(toModel(dynamodbTable({ replicas: [{ regionName: 'eu-west-1' }] })).replicas?.[0]?.regionName).to.equal(
        'eu-west-1',
      );
      expect(toModel(dynamodb({})).replicas).to.equal(undefined);
      // Deletion protection and PITR of a replica: in the model when set, absent (not managed) otherwise,
      // and never part of the ReplicaUpdates Create (they are set in the replica's region).
      const guarded = toModel(
        dynamodbTable({
          replicas: [{ regionName: 'eu-west-1', deletionProtectionEnabled: true, pointInTimeRecovery: false }],
        }),
      );
      expect(guarded.replicas?.[0]).to.include({ deletionProtectionEnabled: true, pointInTimeRecovery: false });
      expect(renderReplicaUpdates(guarded)[0]?.ReplicaUpdates).to.deep.equal([{ Create: { RegionName: 'eu-west-1' } }]);
      expect(m.replicas?.[0]).to.not.have.any.keys('deletionProtectionEnabled', 'pointInTimeRecovery');
      expect(renderReplicaRegionRequests(guarded)).to.deep.equal([
        {
          RegionName: 'eu-west-1',
          UpdateTable: { TableName: 'orders', DeletionProtectionEnabled: true },
          UpdateContinuousBackups: {
            TableName: 'orders',
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
          },
        },
      ]);
      expect(renderReplicaRegionRequests(m)).to.deep.equal([]);
      expect(errorsAt(dynamodb({ replicas: [{ regionName: 'eu-west-1', bogus: 1 }] })).join()).to.match(
        /spec\.replicas\[0\]/,
      );
    });
  });

  describe('admission rules', () => {
    it('valid: streams NEW_AND_OLD_IMAGES, distinct regions, on-demand overrides under PAY_PER_REQUEST', () => {
      expect(
        errorsAt(
          dynamodb({
            replicas: [
              { regionName: 'eu-west-1' },
              { regionName: 'us-west-2', onDemandThroughputOverride: { maxReadRequestUnits: -1 } },
            ],
          }),
        ),
      ).to.deep.equal([]);
    });

    it('streams off or another view type: refused at the stream field', () => {
      expect(
        errorsAt(dynamodb({ streamSpecification: undefined, replicas: [{ regionName: 'eu-west-1' }] })),
      ).to.deep.equal([
        'spec.streamSpecification :: replicas (spec.replicas[0]) need DynamoDB Streams with NEW_AND_OLD_IMAGES, and streams are off: enable streams with view type NEW_AND_OLD_IMAGES, or remove spec.replicas',
      ]);
      expect(
        errorsAt(
          dynamodb({
            streamSpecification: { streamEnabled: true, streamViewType: 'KEYS_ONLY' },
            replicas: [{ regionName: 'eu-west-1' }],
          }),
        )[0],
      ).to.match(/^spec\.streamSpecification\.streamViewType :: .*NEW_AND_OLD_IMAGES, not KEYS_ONLY/);
      expect(errorsAt(dynamodbTable({ streamEnabled: false, replicas: [{ regionName: 'eu-west-1' }] }))[0]).to.match(
        /^spec\.streamEnabled :: /,
      );
    });

    it('a region twice, or not a region name: refused at regionName', () => {
      expect(
        errorsAt(
          dynamodb({ replicas: [{ regionName: 'eu-west-1' }, { regionName: 'eu-west-1' }, { regionName: 'Europe' }] }),
        ),
      ).to.deep.equal([
        'spec.replicas[1].regionName :: region "eu-west-1" is already a replica (spec.replicas[0]): a region holds one replica; remove one of them',
        'spec.replicas[2].regionName :: "Europe" is not an AWS Region name: use one such as eu-west-1 or ap-southeast-2',
      ]);
    });

    it('PROVISIONED needs write auto scaling on the table and each GSI; overrides must fit the billing mode', () => {
      const errors = errorsAt(
        dynamodb({
          billingMode: 'PROVISIONED',
          billingModeConfig: { readCapacityUnits: 5, writeCapacityUnits: 5 },
          globalSecondaryIndexes: [
            {
              indexName: 'by-g',
              keys: [{ attributeName: 'g', keyType: 'HASH' }],
              billingModeConfig: { readCapacityUnits: 5, writeCapacityUnits: 5 },
            },
          ],
          replicas: [{ regionName: 'eu-west-1', onDemandThroughputOverride: { maxReadRequestUnits: 10 } }],
        }),
      );
      expect(errors).to.include(
        'spec.autoScaling :: a PROVISIONED table with replicas needs auto scaling of its write capacity (AWS refuses a replica otherwise: every region must write alike): add spec.autoScaling.write, or use billingMode PAY_PER_REQUEST',
      );
      expect(errors.join('\n')).to.match(
        /spec\.globalSecondaryIndexes\[0\]\.autoScaling :: index "by-g" of a PROVISIONED table/,
      );
      expect(errors.join('\n')).to.match(
        /spec\.replicas\[0\]\.onDemandThroughputOverride :: .* the table is PROVISIONED/,
      );
      expect(
        errorsAt(
          dynamodb({
            replicas: [{ regionName: 'eu-west-1', provisionedThroughputOverride: { readCapacityUnits: 5 } }],
          }),
        ),
      ).to.deep.equal([
        'spec.replicas[0].provisionedThroughputOverride :: the replica in "eu-west-1" overrides provisioned read capacity, but the table is PAY_PER_REQUEST: remove provisionedThroughputOverride, or use onDemandThroughputOverride',
      ]);
    });

    it('a replica KMS key only with a customer managed key; a GSI override names an index of the table', () => {
      expect(errorsAt(dynamodb({ replicas: [{ regionName: 'eu-west-1', kmsMasterKeyId: 'alias/x' }] }))[0]).to.match(
        /^spec\.replicas\[0\]\.kmsMasterKeyId :: .*does not use a customer managed key/,
      );
      expect(
        errorsAt(
          dynamodb({
            replicas: [
              {
                regionName: 'eu-west-1',
                globalSecondaryIndexes: [{ indexName: 'nope', onDemandThroughputOverride: { maxReadRequestUnits: 5 } }],
              },
            ],
          }),
        ),
      ).to.deep.equal([
        'spec.replicas[0].globalSecondaryIndexes[0].indexName :: the replica in "eu-west-1" overrides index "nope", which is not in spec.globalSecondaryIndexes: use the name of one of its GSIs, or remove the override',
      ]);
    });

    it('UPDATE: a changed replica KMS key is refused; changed overrides pass silently; a removed override or replica warns', () => {
      const enc = { enabled: true, type: 'CUSTOMER_MANAGED', kmsKeyArn: 'alias/orders' };
      const old = dynamodb({ encryption: enc, replicas: [{ regionName: 'eu-west-1', kmsMasterKeyId: 'alias/a' }] });
      const now = dynamodb({ encryption: enc, replicas: [{ regionName: 'eu-west-1', kmsMasterKeyId: 'alias/b' }] });
      expect(errorsAt(now, old)[0]).to.match(/^spec\.replicas\[0\]\.kmsMasterKeyId :: the KMS key of the replica/);
      const moved = dynamodb({
        encryption: enc,
        replicas: [
          { regionName: 'eu-west-1', kmsMasterKeyId: 'alias/a', tableClassOverride: 'STANDARD_INFREQUENT_ACCESS' },
        ],
      });
      const r = validateObject(moved, old);
      expect(r.errors).to.deep.equal([]);
      expect(r.warnings).to.deep.equal([]);
      const capped = (n?: number) =>
        dynamodb({
          replicas: [
            { regionName: 'eu-west-1', ...(n ? { onDemandThroughputOverride: { maxReadRequestUnits: n } } : {}) },
          ],
        });
      expect(validateObject(capped(), capped(5)).warnings).to.deep.equal([
        'spec.replicas[0]: onDemandThroughputOverride removed from the replica in eu-west-1: AWS keeps the last value (it has no way to clear an override); set the value you want instead',
      ]);
      const removed = validateObject(dynamodb({ encryption: enc, replicas: [] }), old);
      expect(removed.errors).to.deep.equal([]);
      expect(removed.warnings).to.include(
        'spec.replicas: the replica in eu-west-1 is no longer in the spec: it is deleted, with its copy of the data in that region',
      );
      // Leaving replicas out stops managing them: nothing is deleted, so no warning.
      expect(validateObject(dynamodb({ encryption: enc }), old).warnings.join()).to.not.match(/no longer in the spec/);
    });
  });

  describe('plan', () => {
    const spec = {
      replicas: [
        { regionName: 'us-west-2' },
        {
          regionName: 'eu-west-1',
          globalSecondaryIndexes: [{ indexName: 'by-g', onDemandThroughputOverride: { maxReadRequestUnits: 7 } }],
        },
      ],
    };

    it('adds one replica per UpdateTable, waiting while the last one is CREATING, then nothing is left', () => {
      const d = toModel(dynamodb(spec));
      let o: ObservedTable = { ...observedFor(d), replicas: [] };
      const sent: string[] = [];
      for (let i = 0; i < 10; i++) {
        const steps = plan(d, o, { managedTagKeys: [] });
        const step = nextStep(steps);
        if (!step) break;
        if (step.kind === 'wait') {
          expect(step.reasons.join()).to.match(/replica .* is CREATING/);
          o = settle(o);
          continue;
        }
        sent.push(stepText(step));
        o = simulateApply(step, o, { transitional: true });
      }
      expect(sent).to.deep.equal(['creating replica in us-west-2', 'creating replica in eu-west-1']);
      expect(driftOf(d, o)).to.deep.equal([]);
    });

    it('removes a replica the spec dropped first; `replicas` left out manages none; drift names both', () => {
      const d = toModel(dynamodb({ replicas: [{ regionName: 'us-west-2' }] }));
      const o: ObservedTable = {
        ...observedFor(d),
        replicas: [{ regionName: 'ap-south-1', status: 'ACTIVE' }],
      };
      expect(plan(d, o, { managedTagKeys: [] })).to.deep.equal([
        { kind: 'deleteReplica', regionName: 'ap-south-1' },
        { kind: 'createReplica', regionName: 'us-west-2' },
      ]);
      expect(driftOf(d, o)).to.deep.equal([
        'replica us-west-2 is missing in AWS',
        'replica ap-south-1 exists in AWS but not in the spec',
      ]);
      const unmanaged = toModel(dynamodb({}));
      expect(plan(unmanaged, o, { managedTagKeys: [] })).to.deep.equal([]);
    });

    it('DescribeTable Replicas → observed; a failed replica holds the plan with the way out, is drift, is not re-created', () => {
      const o = observedFromAws({
        TableName: 'orders',
        TableStatus: 'ACTIVE',
        Replicas: [
          { RegionName: 'us-west-2', ReplicaStatus: 'CREATION_FAILED', ReplicaStatusDescription: 'KMS key not found' },
        ],
      });
      expect(o.replicas).to.deep.equal([
        { regionName: 'us-west-2', status: 'CREATION_FAILED', statusDescription: 'KMS key not found' },
      ]);
      const d = toModel(dynamodb({ replicas: [{ regionName: 'us-west-2' }] }));
      const steps = plan(d, o);
      expect(steps.filter((s) => s.kind.includes('Replica'))).to.deep.equal([]);
      // The object is held (not Ready) with the reason and the way out …
      expect(steps[0]).to.deep.equal({
        kind: 'wait',
        reasons: [
          'replica us-west-2 failed to create (KMS key not found): fix the cause, then remove it from spec.replicas (it is deleted) and add it back',
        ],
      });
      // … and removing it from the spec deletes it, with no wait in the way.
      const without = toModel(dynamodb({ replicas: [] }));
      expect(plan(without, o)[0]).to.deep.equal({ kind: 'deleteReplica', regionName: 'us-west-2' });
      expect(driftOf(d, o)).to.include('replica us-west-2 failed to create: KMS key not found');
    });

    it('an ACTIVE replica whose class or read overrides differ gets one Update with only those; drift names them', () => {
      const d = toModel(
        dynamodb({
          replicas: [
            {
              regionName: 'us-west-2',
              tableClassOverride: 'STANDARD_INFREQUENT_ACCESS',
              onDemandThroughputOverride: { maxReadRequestUnits: 9 },
              globalSecondaryIndexes: [{ indexName: 'by-g', onDemandThroughputOverride: { maxReadRequestUnits: 7 } }],
            },
            { regionName: 'eu-west-1' },
          ],
        }),
      );
      const aws = observedFromAws({
        TableName: 'orders',
        TableStatus: 'ACTIVE',
        Replicas: [
          {
            RegionName: 'us-west-2',
            ReplicaStatus: 'ACTIVE',
            OnDemandThroughputOverride: { MaxReadRequestUnits: 9 },
            GlobalSecondaryIndexes: [{ IndexName: 'by-g', OnDemandThroughputOverride: { MaxReadRequestUnits: 3 } }],
          },
          // The table's class (no override in the spec) where AWS has another: back to the table's.
          {
            RegionName: 'eu-west-1',
            ReplicaStatus: 'ACTIVE',
            ReplicaTableClassSummary: { TableClass: 'STANDARD_INFREQUENT_ACCESS' },
          },
        ],
      });
      const o: ObservedTable = { ...observedFor(d), tableClass: 'STANDARD', replicas: aws.replicas ?? [] };
      const steps = plan(d, o).filter((s) => s.kind.includes('Replica'));
      expect(steps).to.deep.equal([
        {
          kind: 'updateReplica',
          regionName: 'us-west-2',
          tableClassOverride: 'STANDARD_INFREQUENT_ACCESS',
          globalSecondaryIndexes: [{ indexName: 'by-g', onDemandThroughputOverride: { maxReadRequestUnits: 7 } }],
        },
        { kind: 'updateReplica', regionName: 'eu-west-1', tableClassOverride: 'STANDARD' },
      ]);
      expect(stepText(steps[0]!)).to.equal('updating replica in us-west-2');
      expect(driftOf(d, o)).to.include(
        'replica us-west-2 differs from the spec: tableClassOverride, globalSecondaryIndexes',
      );
      // Not while any replica is changing: the wait step comes first; and converged, nothing is left.
      const busy = { ...o, replicas: o.replicas?.map((r) => ({ ...r, status: 'UPDATING' })) };
      expect(plan(d, busy)[0]?.kind).to.equal('wait');
      let x: ObservedTable = o;
      for (const s of steps) x = settle(simulateApply(s, x, { transitional: true }));
      expect(plan(d, x).filter((s) => s.kind.includes('Replica'))).to.deep.equal([]);
      expect(driftOf(d, x)).to.deep.equal([]);
    });

    it('render: one UpdateTable per replica, in AWS shape', () => {
      expect(renderReplicaUpdates(toModel(dynamodb(spec)))).to.deep.equal([
        { TableName: 'orders', ReplicaUpdates: [{ Create: { RegionName: 'us-west-2' } }] },
        {
          TableName: 'orders',
          ReplicaUpdates: [
            {
              Create: {
                RegionName: 'eu-west-1',
                GlobalSecondaryIndexes: [{ IndexName: 'by-g', OnDemandThroughputOverride: { MaxReadRequestUnits: 7 } }],
              },
            },
          ],
        },
      ]);
    });
  });
});
