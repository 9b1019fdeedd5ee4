/**
 * Errors of the SQS adapter. All of them are transient from the caller's point of view: a nudge
 * that could not be sent is re-sent by the next change, the timer path or the periodic resync.
 */

/** Some entries of a SendMessageBatch were refused after the retries ran out. */
export class NudgeSendError extends Error {
  override name = 'NudgeSendError' as const;
  readonly queueUrl: string;
  /** `code: message` per refused entry. */
  readonly failures: string[];
  readonly transient = true;

  constructor(queueUrl: string, failures: string[], options?: { cause?: unknown }) {
    super(`could not send ${failures.length} message(s) to ${queueUrl}: ${failures.slice(0, 3).join('; ')}`, options);
    this.queueUrl = queueUrl;
    this.failures = failures;
  }
}

/** True for {@link NudgeSendError} (by name, so two module copies agree). */
export function isNudgeSendError(e: unknown): e is NudgeSendError {
  return !!e && typeof e === 'object' && (e as { name?: unknown }).name === 'NudgeSendError';
}

/** SQS/SDK error names that mean "slow down" rather than "wrong". */
const THROTTLING = new Set([
  'ThrottlingException',
  'RequestThrottled',
  'Throttling',
  'TooManyRequestsException',
  'KmsThrottled',
  'ServiceUnavailable',
  'InternalError',
]);

/** True when an SDK error (or a batch entry code) says the request was throttled or the service hiccuped. */
export function isThrottling(e: unknown): boolean {
  if (typeof e === 'string') return THROTTLING.has(e);
  if (!e || typeof e !== 'object') return false;
  const err = e as { name?: unknown; $metadata?: { httpStatusCode?: number } };
  if (typeof err.name === 'string' && THROTTLING.has(err.name)) return true;
  const status = err.$metadata?.httpStatusCode ?? 0;
  return status === 429 || status >= 500;
}
