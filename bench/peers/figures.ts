/**
 * Figures from several runs: medians (the middle of what a drifting machine gave) and ratios
 * taken per run, so logpipe and its peer measured minutes apart in the same run are compared,
 * not a fast phase of one with a slow phase of the other.
 */

/** The median of the finite values (NaN marks a failed run and is left out); NaN when none. */
export function median(values: readonly number[]): number {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (xs.length === 0) return Number.NaN;
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

/**
 * How many times better logpipe did than its peer in each run: `ours / theirs` for figures where
 * more is better (lines/s), `theirs / ours` where less is better (seconds, bytes). A run where
 * either failed gives NaN.
 */
export function ratiosPerRun(
  ours: readonly number[],
  theirs: readonly number[],
  better: 'higher' | 'lower',
): number[] {
  const n = Math.min(ours.length, theirs.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = ours[i];
    const b = theirs[i];
    out.push(
      Number.isFinite(a) && Number.isFinite(b) && a > 0 && b > 0
        ? better === 'higher'
          ? a / b
          : b / a
        : Number.NaN,
    );
  }
  return out;
}

/** `1.42–1.61 over 3 runs` (or `1 run`, `2 of 3 runs`); the spread a median hides. */
export function spread(values: readonly number[], digits = 2): string {
  const xs = values.filter(Number.isFinite);
  const runs =
    xs.length === values.length
      ? `${values.length} run${values.length === 1 ? '' : 's'}`
      : `${xs.length} of ${values.length} runs`;
  if (xs.length <= 1) return runs;
  const show = (x: number) => (digits === 0 ? Math.round(x).toLocaleString('en-US') : x.toFixed(digits));
  const lo = show(Math.min(...xs));
  const hi = show(Math.max(...xs));
  return `${lo === hi ? lo : `${lo}–${hi}`} over ${runs}`;
}

/** Whether a ratio meets a goal `>= g` or `<= g`; undefined when the ratio is not a number. */
export function meets(ratio: number, goal: { atLeast?: number; atMost?: number }): boolean | undefined {
  if (!Number.isFinite(ratio)) return undefined;
  if (goal.atLeast !== undefined && ratio < goal.atLeast) return false;
  if (goal.atMost !== undefined && ratio > goal.atMost) return false;
  return true;
}
