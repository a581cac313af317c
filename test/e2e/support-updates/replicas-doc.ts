// The update-scenarios section for global table replicas. Not measured by updates.test.ts: the replica
// calls are asserted exactly in test/e2e/replicas.test.ts from the fault proxy's call log.
export const REPLICAS: readonly string[] = [
  '## Global table replicas (`test/e2e/replicas.test.ts`)',
  '',
  'Through the webhook and the reconciler (resync 2 s, drift checks 4 s) against moto behind the fault proxy,',
  'which models replicas (moto ignores `ReplicaUpdates`; a replica is CREATING for 0.6 s and DELETING for 0.3 s,',
  'the table UPDATING meanwhile: see [emulator-gaps.md](emulator-gaps.md#global-table-replicas-modelled-by-the-fault-proxy)).',
  "Replica calls asserted exactly by that test from the proxy's call log (every one accepted: none was sent",
  "while a replica was changing); seconds are the test's own durations over two runs (machine shared with other",
  "test runs). The planner's order: replica deletes first … streams … SSE → replica updates → replica creates (one per call) → TTL …",
  '',
  '| scenario | write calls | seconds |',
  '| --- | --- | ---: |',
  '| create a DynamoDB with two replicas and a DynamoDBTable with one (streams NEW_AND_OLD_IMAGES) | CreateTable 1, then UpdateTable 1 per replica (`ReplicaUpdates: [{Create}]`), in spec order, each after the previous is ACTIVE | 2.5–3.7 (until all ACTIVE and Ready) |',
  '| one replica removed from the spec | UpdateTable 1 (`ReplicaUpdates: [{Delete}]`) | 1.8–2.4 |',
  "| an existing replica's `tableClassOverride` changed | UpdateTable 1 (`ReplicaUpdates: [{Update}]` with `TableClassOverride` only), then nothing: status shows the replica ACTIVE with the new class | 1.4 |",
  "| an existing replica's `deletionProtectionEnabled` and `pointInTimeRecovery` set | UpdateTable 1 (`DeletionProtectionEnabled`) and UpdateContinuousBackups 1, both on the replica's table in its region; no `ReplicaUpdates` | 1.5 |",
  "| replicas without NEW_AND_OLD_IMAGES streams, streams turned off under replicas, a replica in the provider's own region | none: refused at apply (`spec.streamSpecification…`, `spec.replicas[1].regionName: us-east-1 is the table's own region …`) | — |",
  '| delete the object (deletionPolicy Delete) with one replica left | UpdateTable 1 (`Delete` of the replica), then DeleteTable 1 once the replica is gone | 1.2–2.8 |',
  '| delete an object with deletionPolicy Orphan (one replica) | none: the table and its replica stay | 0.5 |',
];
