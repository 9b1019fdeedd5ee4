/**
 * Per resource and label key, the keys (`namespace\0name`, sorted) of the objects carrying each value:
 * a LIST whose label selector requires `key=value` visits only those objects instead of every object
 * of the namespace. The reconcile lists a workflow's own pods on every round; without it each list
 * walked every pod kept from earlier workflows, so a busy namespace made every workflow slower
 * (docs/performance.md, throughput). Built on first use per label key, kept current on every write.
 */
import type { KubeObject } from './resources.ts';

export class LabelIndex {
  /** rk → label key → value → sorted object keys. */
  private readonly byRk = new Map<string, Map<string, Map<string, string[]>>>();

  /** `entries(rk)`: every object of a resource with its key, to build an index from. */
  constructor(private readonly entries: (rk: string) => Iterable<[string, KubeObject]>) {}

  /** The sorted keys of `rk`'s objects labelled `label=value` (read only). */
  keys(rk: string, label: string, value: string): readonly string[] {
    return this.indexOf(rk, label).get(value) ?? [];
  }

  /** An object's labels may have changed: `prev` → `next` (undefined: created / removed). */
  update(rk: string, key: string, prev: KubeObject | undefined, next: KubeObject | undefined): void {
    const labels = this.byRk.get(rk);
    if (!labels) return;
    for (const [label, index] of labels) {
      const was = prev?.metadata.labels?.[label];
      const is = next?.metadata.labels?.[label];
      if (was === is) continue;
      if (was !== undefined) remove(index, was, key);
      if (is !== undefined) add(index, is, key);
    }
  }

  clear(): void {
    this.byRk.clear();
  }

  private indexOf(rk: string, label: string): Map<string, string[]> {
    let labels = this.byRk.get(rk);
    if (!labels) this.byRk.set(rk, (labels = new Map()));
    let index = labels.get(label);
    if (index) return index;
    index = new Map();
    for (const [key, object] of this.entries(rk)) {
      const value = object.metadata.labels?.[label];
      if (value !== undefined) (index.get(value) ?? index.set(value, []).get(value)!).push(key);
    }
    for (const keys of index.values()) keys.sort();
    labels.set(label, index);
    return index;
  }
}

function add(index: Map<string, string[]>, value: string, key: string): void {
  let keys = index.get(value);
  if (!keys) index.set(value, (keys = []));
  const at = lowerBound(keys, key);
  if (keys[at] !== key) keys.splice(at, 0, key);
}

function remove(index: Map<string, string[]>, value: string, key: string): void {
  const keys = index.get(value);
  if (!keys) return;
  const at = lowerBound(keys, key);
  if (keys[at] === key) keys.splice(at, 1);
  if (keys.length === 0) index.delete(value);
}

/** The first index whose key is ≥ `key` (`keys` sorted). */
export function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
