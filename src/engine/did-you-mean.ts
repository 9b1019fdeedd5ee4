/**
 * "Did you mean …?" for a misspelt name: the closest candidate by edit distance (case-insensitive),
 * when it is close enough to be a plausible typo.
 */

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The candidate closest to `word`, or undefined when none is within a typo's reach. */
export function closestName(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const limit = Math.max(2, Math.floor(word.length / 4));
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(w, c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return bestD <= limit && best !== word ? best : undefined;
}

/** `; did you mean X?` when there is a plausible X, else ''. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closestName(word, candidates);
  return c === undefined ? '' : `; did you mean ${c}?`;
}
