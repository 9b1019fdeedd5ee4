/** Request counters for benchmarks: how many reads and writes reached the API server, by what. */

export interface ApiStatsEntry {
  verb: string;
  resource: string;
  namespace: string;
  count: number;
}

export interface ApiStats {
  total: number;
  /** get, list, watch (and discovery). */
  reads: number;
  /** create, update, patch, delete, deletecollection. */
  writes: number;
  byVerb: Record<string, number>;
  byResource: Record<string, { reads: number; writes: number }>;
  byNamespace: Record<string, { reads: number; writes: number }>;
  entries: ApiStatsEntry[];
}

const READ_VERBS = new Set(['get', 'list', 'watch']);

export class ApiStatsCounter {
  private counts = new Map<string, ApiStatsEntry>();

  count(_method: string, verb: string, resource: string, namespace: string): void {
    const key = `${verb}\0${resource}\0${namespace}`;
    const e = this.counts.get(key);
    if (e) e.count++;
    else this.counts.set(key, { verb, resource, namespace, count: 1 });
  }

  reset(): void {
    this.counts = new Map();
  }

  snapshot(): ApiStats {
    const s: ApiStats = { total: 0, reads: 0, writes: 0, byVerb: {}, byResource: {}, byNamespace: {}, entries: [] };
    for (const e of this.counts.values()) {
      const read = READ_VERBS.has(e.verb);
      s.total += e.count;
      if (read) s.reads += e.count;
      else s.writes += e.count;
      s.byVerb[e.verb] = (s.byVerb[e.verb] ?? 0) + e.count;
      const r = (s.byResource[e.resource] ??= { reads: 0, writes: 0 });
      const n = (s.byNamespace[e.namespace] ??= { reads: 0, writes: 0 });
      if (read) {
        r.reads += e.count;
        n.reads += e.count;
      } else {
        r.writes += e.count;
        n.writes += e.count;
      }
      s.entries.push({ ...e });
    }
    return s;
  }
}
