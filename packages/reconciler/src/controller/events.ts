// Kubernetes Events (core/v1, which `kubectl describe` shows). Repeats of the same reason and message
// for the same object within the dedup window are dropped, so a retry loop cannot flood etcd.
// Emitting is fire-and-forget: an Event that fails to post is logged, never fails a reconcile.
import { hostname } from 'node:os';
import { EVENTS, collectionPath, k8sNow } from '@dynamodb-operator/kube';
import type { KubeHttp, KubeObject } from '@dynamodb-operator/kube';
import type { Logger } from '../observability/log.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventSink {
  emit(obj: KubeObject, type: EventType, reason: string, message: string): void;
}

const COMPONENT = 'dynamodb-operator-reconciler';

export class EventRecorder implements EventSink {
  private readonly recent = new Map<string, number>();
  private readonly http: KubeHttp;
  private readonly log: Logger;
  private readonly dedupMs: number;

  constructor(http: KubeHttp, log: Logger, dedupMs = 10 * 60_000) {
    this.http = http;
    this.log = log;
    this.dedupMs = dedupMs;
  }

  emit(obj: KubeObject, type: EventType, reason: string, message: string): void {
    // A cluster-scoped object (ClusterAWSProvider): the Event lives in `default` and names no namespace,
    // as the API server expects (and `kubectl describe` looks it up).
    const ns = obj.metadata.namespace || 'default';
    const dedupKey = `${obj.metadata.uid}|${reason}|${message}`;
    const now = Date.now();
    const last = this.recent.get(dedupKey);
    if (last !== undefined && now - last < this.dedupMs) return;
    this.recent.set(dedupKey, now);
    if (this.recent.size > 20_000) this.prune(now);
    const ts = k8sNow(now);
    const body = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${obj.metadata.name}.`, namespace: ns },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata.name,
        namespace: obj.metadata.namespace ?? '',
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
      },
      reason,
      message: message.slice(0, 1024),
      type,
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
      source: { component: COMPONENT, host: hostname() },
      reportingComponent: COMPONENT,
      reportingInstance: hostname(),
    };
    this.http.post(collectionPath(EVENTS, ns), body).catch((err: unknown) => {
      this.log.warn({ err, reason, namespace: ns, name: obj.metadata.name }, 'posting an Event failed');
    });
  }

  private prune(now: number): void {
    for (const [k, t] of this.recent) if (now - t >= this.dedupMs) this.recent.delete(k);
  }
}
