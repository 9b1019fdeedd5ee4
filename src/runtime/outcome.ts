/**
 * What a failed Kubernetes request means for the engine: refused for good (with the API server's status
 * and message — never a credential) or failed for now. Shared by apply (actions) and observe (lists).
 */
import type { ActionOutcome } from '../engine/contract.ts';
import { isExceededQuota, isKubeApiError, isKubeUnreachableError, isTransient } from '../adapters/kube/errors.ts';

/** True when the registry refused the place for good (not configured, invalid entry). */
export function isNotConfigured(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const err = e as { name?: unknown; terminal?: unknown };
  return err.name === 'ClusterNotConfiguredError' || err.name === 'EntryInvalidError' || err.terminal === true;
}

/**
 * The outcome a failed request stands for: the API server's refusal (its status and message — never a
 * credential), or a transient failure; undefined for errors that are not about the request.
 */
export function outcomeOf(e: unknown): Extract<ActionOutcome, { kind: 'rejected' | 'transient' }> | undefined {
  if (isKubeUnreachableError(e)) return { kind: 'transient', message: `unreachable (${e.code}): ${e.diagnosis}` };
  if (isKubeApiError(e)) {
    const text = e.statusMessage || e.reason || `HTTP ${e.statusCode}`;
    // 401: the entry's credential is wrong or revoked; rotating the entry fixes it, so it is waited for.
    if (isExceededQuota(e)) return { kind: 'transient', message: `${e.statusCode} ${text}`, quota: true };
    if (isTransient(e) || e.statusCode === 401) return { kind: 'transient', message: `${e.statusCode} ${text}` };
    return { kind: 'rejected', statusCode: e.statusCode, reason: e.reason, message: text };
  }
  // The registry has no usable entry for the place (the placement check normally refuses it first).
  if (isNotConfigured(e))
    return { kind: 'rejected', statusCode: 0, reason: 'NotConfigured', message: (e as Error).message };
  return undefined;
}
