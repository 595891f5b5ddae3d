/**
 * "Did you mean" for names people type: config keys, format ids, field names. The closest
 * choice by edit distance (Damerau–Levenshtein with adjacent swaps), when it is close enough to
 * be the likely intent; names are short, so the quadratic table costs nothing.
 */

/** Edit distance between `a` and `b`: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  // Three rows of the table: two back (for swaps), one back, and the one being filled.
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n];
}

/**
 * The choice `word` most likely meant, or null when none is close: within a third of the longer
 * name's length (at least 1, at most 3 edits), compared without case; or a choice that starts
 * with `word` or `word` with it (`apache` → `apache_combined`, `paths` for `path`). Ties go to
 * the earlier choice.
 */
export function closest(word: string, choices: readonly string[]): string | null {
  const w = word.toLowerCase();
  let best: string | null = null;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of choices) {
    const lc = c.toLowerCase();
    if (lc === w) return c;
    const d = editDistance(w, lc);
    const limit = Math.min(3, Math.max(1, Math.floor(Math.max(w.length, lc.length) / 3)));
    if (d <= limit && d < bestD) {
      best = c;
      bestD = d;
    }
  }
  if (best !== null) return best;
  if (w.length >= 3) {
    for (const c of choices) {
      const lc = c.toLowerCase();
      if (lc.startsWith(w) || w.startsWith(lc)) return c;
    }
  }
  return null;
}

/** `; did you mean "paths"?`, or nothing when no choice is close. */
export function didYouMean(word: string, choices: readonly string[]): string {
  const c = closest(word, choices);
  return c === null ? '' : `; did you mean "${c}"?`;
}
