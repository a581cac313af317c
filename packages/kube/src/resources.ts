// REST paths of the resources the operator touches, in one place.
import { API_GROUP, API_VERSION, KINDS } from '@dynamodb-operator/api';
import type { Kind } from '@dynamodb-operator/api';

export interface Resource {
  kind: string;
  /** e.g. `/apis/group/version` or `/api/v1` */
  prefix: string;
  plural: string;
  namespaced: boolean;
}

/** A kind of this operator's API: its plural and scope from the api package, which owns them. */
const crd = (kind: Kind): Resource => ({
  kind,
  prefix: `/apis/${API_GROUP}/${API_VERSION}`,
  plural: KINDS[kind].plural,
  namespaced: !KINDS[kind].clusterScoped,
});

export const RESOURCES: Record<Kind, Resource> = {
  AWSProvider: crd('AWSProvider'),
  ClusterAWSProvider: crd('ClusterAWSProvider'),
  DynamoDBTable: crd('DynamoDBTable'),
  DynamoDB: crd('DynamoDB'),
};

export const SECRETS: Resource = { kind: 'Secret', prefix: '/api/v1', plural: 'secrets', namespaced: true };
export const EVENTS: Resource = { kind: 'Event', prefix: '/api/v1', plural: 'events', namespaced: true };
export const NAMESPACES: Resource = { kind: 'Namespace', prefix: '/api/v1', plural: 'namespaces', namespaced: false };
export const LEASES: Resource = {
  kind: 'Lease',
  prefix: '/apis/coordination.k8s.io/v1',
  plural: 'leases',
  namespaced: true,
};

/** Collection path, across all namespaces when `namespace` is empty (always, for a cluster-scoped kind). */
export function collectionPath(r: Resource, namespace?: string): string {
  return namespace && r.namespaced
    ? `${r.prefix}/namespaces/${encodeURIComponent(namespace)}/${r.plural}`
    : `${r.prefix}/${r.plural}`;
}

export function objectPath(r: Resource, namespace: string, name: string, sub?: 'status'): string {
  const scope = r.namespaced ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const p = `${r.prefix}${scope}/${r.plural}/${encodeURIComponent(name)}`;
  return sub ? `${p}/${sub}` : p;
}

/** Minimal shape every object has. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    deletionTimestamp?: string;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  data?: Record<string, string>;
}

export function keyOf(obj: { metadata: { namespace?: string; name: string } }): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
