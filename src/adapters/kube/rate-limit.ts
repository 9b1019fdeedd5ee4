/**
 * Client-side rate limiting like client-go's `flowcontrol.NewTokenBucketRateLimiter(QPS, Burst)`: a
 * bucket of `burst` tokens refilled at `qps` per second; each request takes one token, waiting when
 * the bucket is empty. One bucket per client (= per cluster entry per process).
 */

/**
 * Defaults when an entry says `QPS: 0` / `Burst: 0`. client-go uses 5/10, which throttles a controller
 * that lists and creates pods for many workflows; Argo's controller runs with 20/30, and so do we.
 */
export const DEFAULT_QPS = 20;
export const DEFAULT_BURST = 30;

export interface TokenBucket {
  /** Resolves when a token is available (immediately while the bucket has tokens). */
  take(signal?: AbortSignal): Promise<void>;
}

/** Creates a token bucket; `qps <= 0` means the defaults, `qps = Infinity` means unlimited. */
export function createTokenBucket(
  qps: number,
  burst: number,
  now: () => number = () => performance.now(),
): TokenBucket {
  const rate = qps > 0 ? qps : DEFAULT_QPS;
  const capacity = Math.max(1, burst > 0 ? burst : qps > 0 ? Math.ceil(rate) : DEFAULT_BURST);
  if (!Number.isFinite(rate)) return { take: async () => undefined };
  let tokens = capacity;
  let last = now();
  // Reservations are handed out in order, so a waiter never starves behind later callers.
  return {
    take(signal) {
      const t = now();
      tokens = Math.min(capacity, tokens + ((t - last) / 1000) * rate);
      last = t;
      tokens -= 1;
      if (tokens >= 0) return Promise.resolve();
      const waitMs = (-tokens / rate) * 1000;
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, waitMs);
        const onAbort = () => {
          clearTimeout(timer);
          tokens += 1;
          reject(signal?.reason ?? new Error('aborted'));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
