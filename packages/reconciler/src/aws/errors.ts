// AWS error classification, pure. Only ResourceNotFoundException means "no such table"; anything
// that a retry cannot fix (bad request, no permission, bad credentials) is terminal until the spec
// or the provider changes; throttling, limits, in-use, 5xx and network trouble are retried.

export type AwsErrorClass = 'notFound' | 'terminal' | 'retryable';

const TERMINAL = new Set([
  'ValidationException',
  'AccessDeniedException',
  'AccessDenied',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidParameterValueException',
  'InvalidParameterCombination',
  'SerializationException',
  'UnknownOperationException',
  'NotAuthorized',
  'AuthorizationError',
]);

const RETRYABLE = new Set([
  'ThrottlingException',
  'Throttling',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'ResourceInUseException',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'TransactionInProgressException',
  // Transport failures, normalized by classifyNetworkError (below).
  'EndpointUnreachable',
  'Timeout',
  'ConnectionReset',
  'InvalidResponse',
]);

/** Errors that mean "these credentials do not work" (rebuild the client; say so on the provider). */
const CREDENTIAL = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'ExpiredTokenException',
  'ExpiredToken',
  'MissingAuthenticationToken',
  'CredentialsProviderError',
]);

export interface AwsErrorLike {
  name?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: 'client' | 'server';
  code?: string;
}

/**
 * The error's AWS name, or for a transport failure (no answer, or an answer that is not AWS's) one
 * of the NetworkReason names, so that conditions and metrics say `Timeout` rather than `Error`,
 * `TimeoutError` (which the SDK also uses for a reset connection) or `SyntaxError`.
 */
export function awsErrorName(err: unknown): string {
  const network = classifyNetworkError(err);
  if (network) return network;
  if (err && typeof err === 'object') {
    const e = err as AwsErrorLike;
    return e.name ?? e.code ?? 'Error';
  }
  return 'Error';
}

/** Transport-level failures: retryable, and each says what to check. */
export type NetworkReason = 'EndpointUnreachable' | 'Timeout' | 'ConnectionReset' | 'InvalidResponse';
const NETWORK_REASONS: ReadonlySet<string> = new Set<NetworkReason>([
  'EndpointUnreachable',
  'Timeout',
  'ConnectionReset',
  'InvalidResponse',
]);

// Node's socket error codes (node:net, node:dns). The SDK's node-http-handler renames ECONNRESET,
// EPIPE and ETIMEDOUT errors to `TimeoutError` but keeps `code`, so the code decides first.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
]);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

interface ErrorShape extends AwsErrorLike {
  message?: unknown;
  cause?: unknown;
}

/**
 * Which transport failure an error is, or undefined for an answer from AWS (a service error with
 * its own name, which the caller classifies with classifyAwsError). Pure.
 */
export function classifyNetworkError(err: unknown): NetworkReason | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as ErrorShape;
  const name = typeof e.name === 'string' ? e.name : '';
  if (NETWORK_REASONS.has(name)) return name as NetworkReason;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (UNREACHABLE_CODES.has(code)) return 'EndpointUnreachable';
  if (RESET_CODES.has(code)) return 'ConnectionReset';
  if (name === 'TimeoutError' || code === 'ETIMEDOUT') return 'Timeout';
  // AbortSignal.timeout() aborts with a DOMException named TimeoutError; the handler wraps it.
  if (name === 'AbortError' && (e.cause as { name?: unknown } | undefined)?.name === 'TimeoutError') return 'Timeout';
  // Not HTTP at all (llhttp's HPE_* codes), or HTTP whose body the SDK could not parse as the
  // protocol's JSON/XML: a proxy's HTML page, another service, a half-written answer.
  if (code.startsWith('HPE_')) return 'InvalidResponse';
  if (name === 'SyntaxError' || message.includes('Deserialization error')) return 'InvalidResponse';
  // A status code with no error type in the body (`Unknown` / `UnknownError`): not an AWS error document.
  if ((name === 'Unknown' || name === 'UnknownError') && e.$metadata?.httpStatusCode !== undefined) {
    return 'InvalidResponse';
  }
  return undefined;
}

/** What to check for each transport failure; `where` names the endpoint (never credentials). */
export function networkErrorMessage(reason: NetworkReason, where: string, operation: string, detail: string): string {
  const d = detail ? ` (${detail})` : '';
  switch (reason) {
    case 'EndpointUnreachable':
      return `${operation}: cannot connect to ${where}${d}; check the provider's endpoint/region, DNS, and that the operator's pod may reach it (NetworkPolicy, proxy, firewall)`;
    case 'Timeout':
      return `${operation}: no answer from ${where} within the deadline${d}; the endpoint accepts connections but does not respond — check that it serves DynamoDB and is healthy, or raise --aws-request-timeout / --aws-call-timeout`;
    case 'ConnectionReset':
      return `${operation}: ${where} closed the connection before answering${d}; check that the endpoint speaks HTTP(S) as its URL says (http vs https) and that no proxy cuts the connection`;
    case 'InvalidResponse':
      return `${operation}: ${where} answered something that is not an AWS (DynamoDB/STS) response${d}; check that the endpoint URL points at DynamoDB and not at another service, a proxy page or a load balancer error`;
  }
}

export function classifyAwsError(err: unknown): AwsErrorClass {
  const name = awsErrorName(err);
  if (name === 'ResourceNotFoundException') return 'notFound';
  if (RETRYABLE.has(name)) return 'retryable';
  if (TERMINAL.has(name)) return 'terminal';
  const status = (err as AwsErrorLike | undefined)?.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return 'retryable';
  // Network errors, timeouts, aborted calls, unknown 4xx from emulators: retry with backoff.
  return 'retryable';
}

export function isCredentialError(err: unknown): boolean {
  return CREDENTIAL.has(awsErrorName(err));
}

/**
 * AWS answered and refused the request (a 4xx error document): it was not carried out. A timeout, a
 * reset or a 5xx leaves that open.
 */
export function isRefusal(err: unknown): boolean {
  if (classifyNetworkError(err) || !err || typeof err !== 'object') return false;
  const status = (err as AwsErrorLike).$metadata?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500;
}
