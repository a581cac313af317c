// The reconciler's replica pieces, pure: the ReplicaUpdates request of each step, status.replicas from
// DescribeTable, and which replica a deletion removes next (one at a time, only when all are ACTIVE).
import { expect } from 'chai';
import { nextReplicaRemoval, replicaStatuses } from '../src/controller/table-replicas.ts';
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
