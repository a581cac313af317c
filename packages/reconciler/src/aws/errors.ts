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

export function awsErrorName(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as AwsErrorLike;
    return e.name ?? e.code ?? 'Error';
  }
  return 'Error';
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
