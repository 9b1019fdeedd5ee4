/**
 * A network model for the benches: every request to the embedded API servers and every SQS call
 * (the watcher's sends, the pollers' receives and deletes, the functions' sends) waits a latency drawn
 * from a distribution before it is served, so the figures show what serial round trips cost when the
 * functions talk to API servers and queues over a real network rather than loopback. The kubelet's
 * own writes stay in-process (a real kubelet is next to its API server).
 */
import type { BenchStack } from './latency.ts';

export interface NetworkModel {
  name: string;
  /** Uniform one-way added latency per request, ms. */
  minMs: number;
  maxMs: number;
}

/** Loopback (no model), same-region (2–5 ms) and cross-region (20–60 ms) per request. */
export const NETWORKS: Record<string, NetworkModel> = {
  'same-region': { name: 'same-region', minMs: 2, maxMs: 5 },
  'cross-region': { name: 'cross-region', minMs: 20, maxMs: 60 },
};

/**
 * How many of the model's mean round trips a figure adds over the same figure on loopback: a step's
 * serial round trips made visible (queue send and receive, the reads, the pod create).
 */
export function serialRoundTrips(ms: number, loopbackMs: number, model: NetworkModel): number {
  const mean = (model.minMs + model.maxMs) / 2;
  return mean > 0 ? Math.round(((ms - loopbackMs) / mean) * 10) / 10 : 0;
}

/** A sampler for the model (deterministic sequence: a fixed-seed LCG, so runs are comparable). */
export function sampler(model: NetworkModel, seed = 42): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return model.minMs + (x / 2 ** 32) * (model.maxMs - model.minMs);
  };
}

/**
 * Applies `model` to a bench stack (every API server and the SQS client); returns how to remove it.
 * Requests delayed are counted, so a figure can say how many round trips it paid.
 */
export function applyNetwork(b: BenchStack, model: NetworkModel): { requests: () => number; remove: () => void } {
  let requests = 0;
  const next = sampler(model);
  const delay = (): number => {
    requests++;
    return next();
  };
  const servers = [...b.stack.clusters.clusters.values()].map((c) => c.server);
  for (const s of servers) s.latency = delay;
  let active = true;
  b.stack.queues.client.middlewareStack.add(
    (nextHandler) => async (args) => {
      if (active) await new Promise((r) => setTimeout(r, delay()));
      return nextHandler(args);
    },
    { step: 'finalizeRequest', name: `benchNetwork-${model.name}-${Date.now()}` },
  );
  return {
    requests: () => requests,
    remove: () => {
      active = false;
      for (const s of servers) s.latency = undefined;
    },
  };
}
