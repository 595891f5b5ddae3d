/**
 * Weighted choice in O(1) per draw (Vose's alias method), so skewed distributions — Zipf path
 * popularity, status mixes, level mixes — cost one random number per line however many items.
 */
import { nextU32, type Rng } from './prng.js';

/** A prepared weighted distribution over indices 0..n-1. */
export interface Weighted {
  readonly n: number;
  readonly prob: Float64Array;
  readonly alias: Uint32Array;
}

/** Prepares a distribution from non-negative weights (at least one positive). */
export function weighted(weights: readonly number[]): Weighted {
  const n = weights.length;
  let total = 0;
  for (const w of weights) {
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weight must be a finite number >= 0: ${w}`);
    total += w;
  }
  if (n === 0 || total <= 0) throw new RangeError('weights must contain at least one positive value');
  const prob = new Float64Array(n);
  const alias = new Uint32Array(n);
  const scaled = weights.map((w) => (w * n) / total);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < n; i++) (scaled[i] < 1 ? small : large).push(i);
  while (small.length > 0 && large.length > 0) {
    const s = small.pop()!;
    const l = large.pop()!;
    prob[s] = scaled[s];
    alias[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    (scaled[l] < 1 ? small : large).push(l);
  }
  // Leftovers are 1 up to rounding error.
  for (const i of large) prob[i] = 1;
  for (const i of small) prob[i] = 1;
  return { n, prob, alias };
}

/** Draws an index; one 32-bit random number covers both the column and the coin. */
export function draw(w: Weighted, r: Rng): number {
  const x = (nextU32(r) / 4294967296) * w.n;
  const i = x | 0;
  return x - i < w.prob[i] ? i : w.alias[i];
}

/** Zipf-like weights 1/(k+1)^s for k = 0..n-1: a few items take most of the traffic. */
export function zipfWeights(n: number, s = 1.1): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(1 / (k + 1) ** s);
  return out;
}
