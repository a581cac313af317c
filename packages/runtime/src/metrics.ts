// The metrics both binaries expose the same way: Node's process metrics, and client-go's rest_client_*
// for their hand-written Kubernetes clients (names, labels and buckets as in k8s.io/component-base), so
// that the standard controller-runtime dashboards read either binary unchanged.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { REST_CLIENT_LATENCY_BUCKETS, restClientUrlTemplate } from '@dynamodb-operator/api';
import type { RestClientObserver } from '@dynamodb-operator/api';

/** A registry with prom-client's process metrics (`withDefaults`), or an empty one. */
export function processRegistry(withDefaults = true): Registry {
  const registry = new Registry();
  if (!withDefaults) return registry;
  collectDefaultMetrics({ register: registry });
  // prom-client's active handles/requests/resources gauges end in _total, which Prometheus keeps for
  // counters (promtool check metrics refuses them); the unsuffixed gauges carry the same figures.
  for (const kind of ['handles', 'requests', 'resources']) registry.removeSingleMetric(`nodejs_active_${kind}_total`);
  return registry;
}

export interface RestClientMetrics {
  restRequests: Counter<'code' | 'method' | 'host'>;
  restLatency: Histogram<'verb' | 'url'>;
  /** Feeds restRequests/restLatency; handed to the Kubernetes clients. */
  restClient: RestClientObserver;
}

export function restClientMetrics(registry: Registry): RestClientMetrics {
  const restRequests = new Counter({
    name: 'rest_client_requests_total',
    help: 'Number of HTTP requests, partitioned by status code, method, and host.',
    labelNames: ['code', 'method', 'host'],
    registers: [registry],
  });
  const restLatency = new Histogram({
    name: 'rest_client_request_duration_seconds',
    help: 'Request latency in seconds. Broken down by verb, and URL.',
    labelNames: ['verb', 'url'],
    buckets: REST_CLIENT_LATENCY_BUCKETS,
    registers: [registry],
  });
  const restClient: RestClientObserver = (method, host, path, code, seconds) => {
    restRequests.inc({ code, method, host });
    if (seconds !== undefined) restLatency.observe({ verb: method, url: restClientUrlTemplate(path) }, seconds);
  };
  return { restRequests, restLatency, restClient };
}
