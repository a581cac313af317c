// Typed reconcile errors. A TerminalError needs a human (fix the spec or the provider): no hot
// retry, a Terminal condition. Any other error is retried with per-key backoff.

export class TerminalError extends Error {
  override name = 'TerminalError';
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** Retryable, with a condition reason to show while we wait. */
export class RetryableError extends Error {
  override name = 'RetryableError';
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.reason = reason;
  }
}
