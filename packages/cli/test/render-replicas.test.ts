// `render` of global tables: after CreateTable, one UpdateTable per replica (ReplicaUpdates Create with the
// replica's overrides), in the order the reconciler sends them (the edge catalogue's replicas on both kinds).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const main = join(root, 'packages/cli/src/main.ts');

describe('cli: render replicas', () => {
  it('prints one UpdateTable with one ReplicaUpdates Create per replica', () => {
    const r = spawnSync(
      process.execPath,
      [main, 'render', '--output', 'json', 'test/catalogue/valid/edge-replicas.yaml'],
      { cwd: root, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as { UpdateTable?: unknown[]; InReplicaRegions?: unknown[] }[];
    expect(out[0]?.UpdateTable).to.deep.equal([
      {
        TableName: 'edge_replicas',
        ReplicaUpdates: [
          {
            Create: {
              RegionName: 'eu-west-1',
              OnDemandThroughputOverride: { MaxReadRequestUnits: -1 },
              KMSMasterKeyId: 'alias/orders-eu',
              TableClassOverride: 'STANDARD_INFREQUENT_ACCESS',
              GlobalSecondaryIndexes: [{ IndexName: 'by-g', OnDemandThroughputOverride: { MaxReadRequestUnits: 100 } }],
            },
          },
        ],
      },
      {
        TableName: 'edge_replicas',
        ReplicaUpdates: [
          {
            Create: {
              RegionName: 'ap-southeast-2',
              KMSMasterKeyId: 'arn:aws:kms:ap-southeast-2:123456789012:alias/orders',
            },
          },
        ],
      },
    ]);
    expect(out[1]?.UpdateTable).to.deep.equal([
      {
        TableName: 'edge_replicas_provisioned',
        ReplicaUpdates: [
          { Create: { RegionName: 'us-west-2', ProvisionedThroughputOverride: { ReadCapacityUnits: 20 } } },
        ],
      },
    ]);
    // Deletion protection and PITR of a replica: sent on its own table in its region, not in ReplicaUpdates.
    expect(out[0]?.InReplicaRegions).to.equal(undefined);
    expect(out[1]?.InReplicaRegions).to.deep.equal([
      {
        RegionName: 'us-west-2',
        UpdateTable: { TableName: 'edge_replicas_provisioned', DeletionProtectionEnabled: true },
        UpdateContinuousBackups: {
          TableName: 'edge_replicas_provisioned',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        },
      },
    ]);
  });
});
