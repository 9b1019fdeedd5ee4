/**
 * The watcher's health as `/healthz` reports it: the workflow watch must be established, and every
 * pod watch (main cluster and each rest-config target) must have been re-established within a grace
 * period. A pod watch that keeps failing (remote API unreachable, 401/403 from a missing access
 * entry or RBAC) would otherwise leave steps there to the 5-minute resync while /healthz stayed green.
 * `/livez` only reflects the workflow watch: restarting the watcher cannot fix another cluster.
 */

export interface WatchState {
  readonly synced: boolean;
}

export interface HealthReport {
  ok: boolean;
  /** What is failing, for the /healthz body and `argosy doctor` (`workflow watch`, `pod watch other/`). */
  failing: string[];
}

/** Tracks how long each watch has been down; `graceMs` absorbs ordinary re-lists and restarts. */
export function createHealthTracker(graceMs: number, now: () => number = Date.now) {
  const downSince = new Map<string, number>();
  return (workflows: WatchState, pods: ReadonlyMap<string, WatchState>): HealthReport => {
    const failing: string[] = [];
    if (!workflows.synced) failing.push('workflow watch not established');
    const t = now();
    for (const key of downSince.keys()) if (!pods.has(key)) downSince.delete(key);
    for (const [key, w] of pods) {
      if (w.synced) {
        downSince.delete(key);
        continue;
      }
      const since = downSince.get(key) ?? t;
      downSince.set(key, since);
      if (t - since >= graceMs) failing.push(`pod watch ${key} failing for ${Math.round((t - since) / 1000)} s`);
    }
    return { ok: failing.length === 0, failing };
  };
}
