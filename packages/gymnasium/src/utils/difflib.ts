/**
 * The similarity of Python's `difflib.SequenceMatcher.ratio` (Ratcliff/Obershelp: twice the number of
 * matched characters over the total length) and `difflib.get_close_matches`, used by the registry to
 * suggest ids. No junk heuristics: they only apply to sequences of 200+ elements.
 */
export function sequenceRatio(a: string, b: string): number {
  const total = a.length + b.length;
  if (total === 0) return 1;
  return (2 * matchedCount(a, b, 0, a.length, 0, b.length)) / total;
}

function matchedCount(a: string, b: string, alo: number, ahi: number, blo: number, bhi: number): number {
  if (alo >= ahi || blo >= bhi) return 0;
  // Longest common block; ties go to the earliest start in a, then in b (as difflib).
  let bestI = alo;
  let bestJ = blo;
  let bestSize = 0;
  // run[j - blo + 1] = length of the common run ending at (i, j); the previous row gives (i - 1, j - 1).
  let prev = new Int32Array(bhi - blo + 1);
  let cur = new Int32Array(bhi - blo + 1);
  for (let i = alo; i < ahi; i++) {
    for (let j = blo; j < bhi; j++) {
      const k = a[i] === b[j] ? (prev[j - blo] as number) + 1 : 0;
      cur[j - blo + 1] = k;
      if (k > bestSize) {
        bestSize = k;
        bestI = i - k + 1;
        bestJ = j - k + 1;
      }
    }
    [prev, cur] = [cur, prev];
  }
  if (bestSize === 0) return 0;
  return (
    bestSize +
    matchedCount(a, b, alo, bestI, blo, bestJ) +
    matchedCount(a, b, bestI + bestSize, ahi, bestJ + bestSize, bhi)
  );
}

/** Up to `n` of `possibilities` whose similarity to `word` is at least `cutoff`, best first. */
export function closeMatches(word: string, possibilities: Iterable<string>, n = 3, cutoff = 0.6): string[] {
  if (!(n > 0)) throw new RangeError(`closeMatches: n must be > 0 (got ${n})`);
  if (!(cutoff >= 0 && cutoff <= 1))
    throw new RangeError(`closeMatches: cutoff must be in [0, 1] (got ${cutoff})`);
  const scored: [number, string][] = [];
  for (const p of possibilities) {
    const r = sequenceRatio(p, word);
    if (r >= cutoff) scored.push([r, p]);
  }
  // Python sorts (score, string) tuples in descending order.
  scored.sort((x, y) => (y[0] !== x[0] ? y[0] - x[0] : y[1] < x[1] ? -1 : y[1] > x[1] ? 1 : 0));
  return scored.slice(0, n).map(([, p]) => p);
}
