/**
 * Pod start changes are held for a moment. A pod that is created, bound, waits for its image and
 * runs before it ends reports four changes before the one that matters most (it ended), and each
 * used to cost a reconcile and, when it caught the pod running, a status write for node Running.
 * Argo's controller does not react to pod changes at once either: every pod event requeues the
 * workflow rate-limited by DEFAULT_REQUEUE_TIME, 10 s by default (workflow/controller/controller.go
 * enqueueWfFromPodLabel → wfQueue.AddRateLimited; rate_limiters.go), so a pod that ends within that
 * window goes Pending → Succeeded in Argo's status too. Here a start change (pod neither ended nor
 * being deleted) waits `holdMs`; a later start change of the same pod replaces it (keeping the first
 * deadline, so a busy pod is still reported), and a change that ends the pod (or deletes it) drops
 * the held one and goes at once — the step latency is untouched. Pods with a readiness probe are not
 * held: their readiness decides when a daemon's dependants start. 0 disables holding.
 */
import type { Nudge } from '../nudge.ts';

type Send = (n: Nudge | undefined, reason: string | undefined) => void;

interface Held {
  nudge: Nudge;
  reason: string;
  timer: ReturnType<typeof setTimeout>;
}

export interface StartHold {
  /** A pod watch event's nudge: held, sent at once, or dropping a held one. */
  pod(
    type: 'ADDED' | 'MODIFIED' | 'DELETED',
    pod: Record<string, unknown>,
    n: Nudge | undefined,
    reason?: string,
  ): void;
  /** Pods whose start change is held now. */
  size(): number;
  /** Sends every held nudge now (watcher stop). */
  flush(): void;
}

export function startHold(send: Send, holdMs: number): StartHold {
  const held = new Map<string, Held>();
  const release = (key: string) => {
    const h = held.get(key);
    if (!h) return;
    held.delete(key);
    send(h.nudge, h.reason);
  };
  return {
    pod(type, pod, n, reason) {
      const key = n?.object?.uid ?? '';
      const before = key ? held.get(key) : undefined;
      if (!n || !reason || !key || holdMs <= 0) return send(n, reason);
      if (isStarting(type, pod)) {
        if (!before) {
          const timer = setTimeout(() => release(key), holdMs);
          timer.unref?.();
          held.set(key, { nudge: n, reason, timer });
          return;
        }
        send(before.nudge, undefined); // replaced: counted as dropped
        before.nudge = n;
        before.reason = reason;
        return;
      }
      if (before) {
        clearTimeout(before.timer);
        held.delete(key);
        send(before.nudge, undefined); // the ending says more; the held change is dropped
      }
      send(n, reason);
    },
    size: () => held.size,
    flush() {
      for (const [key, h] of held) {
        clearTimeout(h.timer);
        release(key);
      }
    },
  };
}

/** A pod that has not ended, is not being deleted, and has no readiness probe. */
function isStarting(type: string, pod: Record<string, unknown>): boolean {
  if (type === 'DELETED') return false;
  const meta = (pod.metadata ?? {}) as { deletionTimestamp?: string };
  if (meta.deletionTimestamp) return false;
  const phase = (pod.status as { phase?: string } | undefined)?.phase ?? 'Pending';
  if (phase !== 'Pending' && phase !== 'Running') return false;
  const spec = (pod.spec ?? {}) as { containers?: { readinessProbe?: unknown }[] };
  return !(spec.containers ?? []).some((c) => c.readinessProbe);
}
