// The reconciler's replica pieces, pure: the ReplicaUpdates request of each step, status.replicas from
// DescribeTable, and which replica a deletion removes next (one at a time, only when all are ACTIVE).
import { expect } from 'chai';
import { nextReplicaRemoval, replicaStatuses } from '../src/controller/table-replicas.ts';
import {
  replicaSettingCalls,
  replicaSettingsUnread,
  withReplicaSettings,
} from '../src/controller/table-replica-settings.ts';
import type { Replica } from '@dynamodb-operator/api';
import { requestFor } from '../src/update/requests.ts';

describe('replicas in the reconciler', () => {
  it('a create or delete step is one UpdateTable with one ReplicaUpdates action, in AWS shape', () => {
    expect(
      requestFor(
        {
          kind: 'createReplica',
          regionName: 'eu-west-1',
          kmsMasterKeyId: 'alias/eu',
          tableClassOverride: 'STANDARD_INFREQUENT_ACCESS',
          provisionedThroughputOverride: { readCapacityUnits: 20 },
          globalSecondaryIndexes: [{ indexName: 'by-g', provisionedThroughputOverride: { readCapacityUnits: 5 } }],
        },
        'orders',
      ),
    ).to.deep.equal({
      operation: 'UpdateTable',
      input: {
        TableName: 'orders',
        ReplicaUpdates: [
          {
            Create: {
              RegionName: 'eu-west-1',
              KMSMasterKeyId: 'alias/eu',
              TableClassOverride: 'STANDARD_INFREQUENT_ACCESS',
              ProvisionedThroughputOverride: { ReadCapacityUnits: 20 },
              GlobalSecondaryIndexes: [{ IndexName: 'by-g', ProvisionedThroughputOverride: { ReadCapacityUnits: 5 } }],
            },
          },
        ],
      },
    });
    expect(requestFor({ kind: 'deleteReplica', regionName: 'eu-west-1' }, 'orders')).to.deep.equal({
      operation: 'UpdateTable',
      input: { TableName: 'orders', ReplicaUpdates: [{ Delete: { RegionName: 'eu-west-1' } }] },
    });
  });

  it('status.replicas: region, status, AWS detail and progress; none when there are no replicas', () => {
    expect(
      replicaStatuses([
        { RegionName: 'eu-west-1', ReplicaStatus: 'CREATING', ReplicaStatusPercentProgress: '40' },
        { RegionName: 'us-west-2', ReplicaStatus: 'CREATION_FAILED', ReplicaStatusDescription: 'no KMS access' },
      ]),
    ).to.deep.equal([
      { regionName: 'eu-west-1', status: 'CREATING', percentProgress: '40' },
      { regionName: 'us-west-2', status: 'CREATION_FAILED', statusDescription: 'no KMS access' },
    ]);
    expect(replicaStatuses([])).to.equal(undefined);
    expect(replicaStatuses(undefined)).to.equal(undefined);
  });

  it('deletion removes one replica at a time (by region), and only when the table and all replicas are ACTIVE', () => {
    expect(nextReplicaRemoval('ACTIVE', [])).to.deep.equal({ kind: 'none' });
    expect(
      nextReplicaRemoval('ACTIVE', [
        { RegionName: 'us-west-2', ReplicaStatus: 'ACTIVE' },
        { RegionName: 'eu-west-1', ReplicaStatus: 'ACTIVE' },
      ]),
    ).to.deep.equal({ kind: 'delete', regionName: 'eu-west-1' });
    expect(nextReplicaRemoval('UPDATING', [{ RegionName: 'eu-west-1', ReplicaStatus: 'ACTIVE' }])).to.deep.equal({
      kind: 'wait',
      reason: 'table is UPDATING',
    });
    expect(
      nextReplicaRemoval('ACTIVE', [
        { RegionName: 'us-west-2', ReplicaStatus: 'ACTIVE' },
        { RegionName: 'eu-west-1', ReplicaStatus: 'DELETING' },
      ]),
    ).to.deep.equal({ kind: 'wait', reason: 'replica eu-west-1 is DELETING' });
    // A replica that failed to create is removed like any other.
    expect(nextReplicaRemoval('ACTIVE', [{ RegionName: 'eu-west-1', ReplicaStatus: 'CREATION_FAILED' }])).to.deep.equal(
      {
        kind: 'delete',
        regionName: 'eu-west-1',
      },
    );
  });
});

describe('replica deletion protection and PITR (in the replica region)', () => {
  const spec = (over: Partial<Replica>): Replica => ({
    regionName: 'eu-west-1',
    globalSecondaryIndexes: [],
    path: 'spec.replicas[0]',
    ...over,
  });

  it('calls only for the settings the spec sets and AWS lacks', () => {
    expect(replicaSettingCalls(spec({}), { deletionProtectionEnabled: false })).to.deep.equal([]);
    expect(
      replicaSettingCalls(spec({ deletionProtectionEnabled: true, pointInTimeRecovery: true }), {
        deletionProtectionEnabled: false,
        pointInTimeRecovery: true,
      }),
    ).to.deep.equal([{ operation: 'UpdateTable', deletionProtectionEnabled: true }]);
    expect(replicaSettingCalls(spec({ pointInTimeRecovery: false }), { pointInTimeRecovery: true })).to.deep.equal([
      { operation: 'UpdateContinuousBackups', pointInTimeRecovery: false },
    ]);
  });

  it('status shows managed settings, read now or carried from the last read; unread ones ask for a read', () => {
    const statuses = [{ regionName: 'eu-west-1', status: 'ACTIVE' }];
    const managed = [spec({ deletionProtectionEnabled: true })];
    const read = new Map([['eu-west-1', { deletionProtectionEnabled: true, pointInTimeRecovery: false }]]);
    expect(withReplicaSettings(statuses, read, undefined, managed)).to.deep.equal([
      { regionName: 'eu-west-1', status: 'ACTIVE', deletionProtectionEnabled: true },
    ]);
    const previous = [{ regionName: 'eu-west-1', status: 'ACTIVE', deletionProtectionEnabled: true }];
    expect(withReplicaSettings(statuses, new Map(), previous, managed)).to.deep.equal(previous);
    expect(withReplicaSettings(statuses, new Map(), previous, [spec({})])).to.deep.equal(statuses);
    const aws = [{ RegionName: 'eu-west-1', ReplicaStatus: 'ACTIVE' }];
    expect(replicaSettingsUnread(managed, aws, undefined)).to.equal(true);
    expect(replicaSettingsUnread(managed, aws, previous)).to.equal(false);
    expect(
      replicaSettingsUnread(managed, [{ RegionName: 'eu-west-1', ReplicaStatus: 'CREATING' }], undefined),
    ).to.equal(false);
  });
});
