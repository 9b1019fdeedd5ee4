/**
 * Errors of the reconcile runtime, classed terminal vs transient. Terminal: retrying cannot help
 * (the workflow is marked Error by the engine and the message acknowledged). Transient: the record is
 * reported failed, SQS redelivers it and, after maxReceiveCount, dead-letters it.
 */
import { isTransient as isTransientKube, isUnauthorized } from '../adapters/kube/errors.ts';

/** Base class: carries the workflow it concerns. */
export class RuntimeError extends Error {
  override name: string = 'RuntimeError';
  readonly namespace: string;
  readonly workflow: string;
  readonly terminal: boolean;

  constructor(message: string, init: { namespace: string; workflow: string; terminal: boolean; cause?: unknown }) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.namespace = init.namespace;
    this.workflow = init.workflow;
    this.terminal = init.terminal;
  }
}

/** The status write kept conflicting (409) after re-reading and re-deciding; retry later. */
export class StatusConflictError extends RuntimeError {
  override name = 'StatusConflictError';
  readonly attempts: number;

  constructor(init: { namespace: string; workflow: string; attempts: number; cause?: unknown }) {
    super(`status of ${init.namespace}/${init.workflow} still conflicting after ${init.attempts} attempts`, {
      ...init,
      terminal: false,
    });
    this.attempts = init.attempts;
  }
}

/** A message body that is not a nudge (poison): reported failed so it reaches the DLQ. */
export class PoisonMessageError extends Error {
  override name = 'PoisonMessageError';
  readonly messageId: string;

  constructor(messageId: string, cause: unknown) {
    // The parser's message may quote the body (JSON.parse does): bounded and escaped, so a poison body
    // cannot flood or forge log lines.
    super(
      `message ${messageId} is not a valid nudge: ${quoteForLog(cause instanceof Error ? cause.message : String(cause))}`,
    );
    this.messageId = messageId;
  }
}

/** Injected crash (tests): simulates the function dying between two steps. */
export class InjectedCrashError extends Error {
  override name = 'InjectedCrashError';
}

/**
 * True when retrying may succeed: Kubernetes 5xx/429/409/410/timeouts/unreachable, SQS throttling,
 * status conflicts, deadlines, injected crashes. Unknown errors count as transient, so a bug leads to
 * retries and the DLQ rather than a silently acknowledged message.
 */
export function isTransientError(e: unknown): boolean {
  if (!e || typeof e !== 'object') return true;
  const named = e as { name?: unknown; terminal?: unknown; transient?: unknown };
  if (typeof named.terminal === 'boolean') return !named.terminal;
  // 401/403 count as transient here: a wrong credential or missing RBAC is fixed by rotating the
  // entry or the Role, and the DLQ (plus its alarm) is where an operator sees it; acknowledging would
  // leave the workflow silently stuck.
  if (isUnauthorized(e)) return true;
  if (named.name === 'KubeApiError' || named.name === 'KubeUnreachableError') return isTransientKube(e);
  return true;
}

/** Text from outside (a message body, a parser's message) made safe for one log line: ≤ 200 chars, escaped. */
export function quoteForLog(text: string, max = 200): string {
  const cut = text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
  return cut.replace(
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
