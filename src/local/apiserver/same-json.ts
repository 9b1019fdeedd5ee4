/**
 * Equality of two JSON documents as their serialisations would compare with object keys sorted: what
 * the API server asks to tell a no-op write (kept at its resourceVersion) and a spec change (bumps
 * generation). Walking both objects once replaces serialising each with sorted keys, which was ~5 %
 * of the local stack's CPU per workflow (docs/performance.md, throughput).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return same(a, b);
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && sameArray(a, b);
  return sameObject(a as Record<string, unknown>, b as Record<string, unknown>);
}

/** Scalars as JSON writes them: undefined, functions and symbols vanish (as null inside arrays). */
function same(a: unknown, b: unknown): boolean {
  return absent(a) && absent(b) ? true : a === b;
}

function absent(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

function sameArray(a: unknown[], b: unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = absent(a[i]) ? null : a[i];
    const y = absent(b[i]) ? null : b[i];
    if (!sameJson(x, y)) return false;
  }
  return true;
}

function sameObject(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  let present = 0;
  for (const k in a) {
    if (!Object.hasOwn(a, k) || absent(a[k])) continue;
    present++;
    if (!Object.hasOwn(b, k) || !sameJson(a[k], b[k])) return false;
  }
  for (const k in b) if (Object.hasOwn(b, k) && !absent(b[k])) present--;
  return present === 0;
}
