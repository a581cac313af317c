// Who may read /metrics when metrics are secure: the caller's bearer token is checked with the API
// server, as kube-rbac-proxy and controller-runtime's WithAuthenticationAndAuthorization do: TokenReview
// (who is it?) then SubjectAccessReview (may they `get` the non-resource URL /metrics?). Grant it with
// the chart's `<release>-metrics-reader` ClusterRole. Decisions are cached briefly so that a scrape every
// few seconds does not cost two API calls each time. Pure over the injected `post` (no I/O here), so both
// deployables share it from the api package.

export interface MetricsDecision {
  /** 200 allowed, 401 no/invalid token, 403 authenticated but not authorized, 500 the API server failed. */
  status: 200 | 401 | 403 | 500;
  message: string;
}

/** POST a JSON body to an API server path, returning the parsed response (throws on HTTP errors). */
export type KubePost = (path: string, body: unknown) => Promise<unknown>;

export type MetricsAuthorizer = (authorization: string | undefined) => Promise<MetricsDecision>;

interface TokenReviewStatus {
  status?: {
    authenticated?: boolean;
    error?: string;
    user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  };
}
interface AccessReviewStatus {
  status?: { allowed?: boolean; reason?: string };
}

export function metricsAuthorizer(
  post: KubePost,
  options: { cacheMs?: number; maxEntries?: number } = {},
): MetricsAuthorizer {
  const cacheMs = options.cacheMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 256;
  const cache = new Map<string, { until: number; decision: MetricsDecision }>();

  const decide = async (token: string): Promise<MetricsDecision> => {
    const review = (await post('/apis/authentication.k8s.io/v1/tokenreviews', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: { token },
    })) as TokenReviewStatus;
    const user = review.status?.user;
    if (review.status?.authenticated !== true || !user?.username) {
      return { status: 401, message: 'Unauthorized: the bearer token was not accepted by the API server' };
    }
    const access = (await post('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: user.username,
        ...(user.uid ? { uid: user.uid } : {}),
        groups: user.groups ?? [],
        ...(user.extra ? { extra: user.extra } : {}),
        nonResourceAttributes: { path: '/metrics', verb: 'get' },
      },
    })) as AccessReviewStatus;
    if (access.status?.allowed !== true) {
      return {
        status: 403,
        message: `Forbidden: ${user.username} may not get /metrics (bind the metrics-reader ClusterRole)`,
      };
    }
    return { status: 200, message: 'ok' };
  };

  return async (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return { status: 401, message: 'Unauthorized: send a ServiceAccount token as Authorization: Bearer' };
    const token = match[1]!;
    const now = Date.now();
    const hit = cache.get(token);
    if (hit && hit.until > now) return hit.decision;
    let decision: MetricsDecision;
    try {
      decision = await decide(token);
    } catch (error) {
      // Not cached: the next scrape asks again.
      return { status: 500, message: `authorizing the scrape failed: ${(error as Error).message}` };
    }
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
    cache.set(token, { until: now + cacheMs, decision });
    return decision;
  };
}
