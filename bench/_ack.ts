// ACK's side of the `kubectl apply` comparison, without ACK's controller (it cannot be built here: the
// Go module proxy refuses github.com/aws-controllers-k8s/*). ACK has no admission webhook, so its apply
// is its CRD alone: the API server's decoding, defaulting, pruning and schema validation of ACK's
// Table objects, which its controller does not take part in. bench/ack/ holds ACK v1.9.2's Table CRD,
// unchanged (the version whose figures issue 20 quotes).
import { join, resolve } from 'node:path';

const crd = join(resolve(import.meta.dirname), 'ack', 'dynamodb.services.k8s.aws_tables-v1.9.2.yaml');
const ACK_TABLES = 'tables.dynamodb.services.k8s.aws';

type Kubectl = (args: string[], input?: string) => string;

/** Installs ACK's Table CRD and waits until it is served. */
export function installAckCrd(kubectl: Kubectl): void {
  kubectl(['apply', '--server-side', '--force-conflicts', '-f', crd]);
  kubectl(['wait', '--for=condition=Established', '--timeout=60s', '-f', crd]);
}

/** Deletes the ACK Table objects of a namespace (no controller holds a finalizer on them). */
export function removeAckTables(kubectl: Kubectl, ns: string): void {
  kubectl(['delete', ACK_TABLES, '--all', '-n', ns]);
}

/** Removes it, and with it every ACK Table object left. */
export function removeAckCrd(kubectl: Kubectl): void {
  kubectl(['delete', '--ignore-not-found', '--wait=false', 'crd', ACK_TABLES]);
}

/** The ACK Table that matches the peers bench's plain DynamoDBTable: PAY_PER_REQUEST, a string hash key. */
export function ackTableDoc(ns: string, name: string): object {
  return {
    apiVersion: 'dynamodb.services.k8s.aws/v1alpha1',
    kind: 'Table',
    metadata: { name, namespace: ns },
    spec: {
      tableName: `${ns}-${name}`,
      billingMode: 'PAY_PER_REQUEST',
      attributeDefinitions: [{ attributeName: 'id', attributeType: 'S' }],
      keySchema: [{ attributeName: 'id', keyType: 'HASH' }],
    },
  };
}
