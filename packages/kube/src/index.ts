// One Kubernetes runtime for both deployables: cluster access (kubeconfig, in-cluster, the client-node
// fallback), a thin JSON/watch client, and the list+watch informer.
export { clientNodeAccess, inClusterAccess, kubeconfigAccess, loadAccess, tokenFileHeaders } from './access.ts';
export type { ClusterAccess } from './access.ts';
export { DEFAULT_MAX_CONNECTIONS, KubeApiError, KubeHttp } from './http.ts';
export type { KubeHttpOptions } from './http.ts';
export type { PatchType, RequestOptions } from './http.ts';
export { Informer, SHORT_WATCH_MS } from './informer.ts';
export type { InformerHandlers, InformerOptions } from './informer.ts';
export type { Logger } from './log.ts';
export {
  EVENTS,
  LEASES,
  NAMESPACES,
  RESOURCES,
  SECRETS,
  collectionPath,
  keyOf,
  objectPath,
  splitKey,
} from './resources.ts';
export type { KubeObject, Resource } from './resources.ts';
export { k8sNow, microTime } from './time.ts';
