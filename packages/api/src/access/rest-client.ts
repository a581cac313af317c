// client-go's rest_client_* metric conventions, shared by the reconciler's and the webhook's hand-written
// Kubernetes clients so that the standard controller-runtime dashboards read them unchanged.

/** client-go's (k8s.io/component-base/metrics/prometheus/restclient) rest_client_request_duration_seconds buckets. */
export const REST_CLIENT_LATENCY_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];

/** The `code` label when no HTTP response arrived (connection refused, reset, timeout), as client-go. */
export const REST_CLIENT_ERROR_CODE = '<error>';

/** One finished API-server request; `seconds` is absent for watches (client-go times only non-streaming calls). */
export type RestClientObserver = (method: string, host: string, path: string, code: string, seconds?: number) => void;

const SUBRESOURCE_WITHOUT_NAME = new Set(['finalize', 'status']);

/**
 * client-go's Request.finalURLTemplate, path part: namespace and object names become {namespace} and
 * {name} so that the url label has one value per endpoint, not per object (bounded cardinality). The
 * query string is dropped (client-go keeps its keys with {value}; the verb and path are what a dashboard
 * groups by). Anything that is neither /api nor /apis becomes /{prefix}, as in client-go.
 */
export function restClientUrlTemplate(pathWithQuery: string): string {
  const path = pathWithQuery.split('?')[0] ?? '';
  const segments = path.split('/');
  if (segments.length <= 2) return path;
  // segments[0] is the empty string before the leading slash: the group prefix is segments[1].
  let index: number;
  if (segments[1] === 'api') index = 3;
  else if (segments[1] === 'apis') index = 4;
  else return '/{prefix}';
  const rest = segments.length - index;
  if (rest === 2) {
    segments[index + 1] = '{name}';
  } else if (rest === 3) {
    // /$RESOURCE/$NAME/status|finalize (cluster-scoped) or /namespaces/$NAMESPACE/$RESOURCE
    if (SUBRESOURCE_WITHOUT_NAME.has(segments[index + 2] ?? '')) segments[index + 1] = '{name}';
    else segments[index + 1] = '{namespace}';
  } else if (rest >= 4) {
    segments[index + 1] = '{namespace}';
    if (!SUBRESOURCE_WITHOUT_NAME.has(segments[index + 3] ?? '')) segments[index + 3] = '{name}';
  }
  return '/' + segments.filter((s) => s !== '').join('/');
}

/** The `code` label: the HTTP status as a string, or `<error>` when there was no response. */
export function restClientCode(status: number | undefined): string {
  return status === undefined || status === 0 ? REST_CLIENT_ERROR_CODE : String(status);
}
