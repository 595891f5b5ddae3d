import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/generator/prng.js';
import { draw, weighted, zipfWeights } from '../../src/generator/weighted.js';

describe('weighted', () => {
  it('draws each index in proportion to its weight', () => {
    const weights = [70, 20, 5, 5];
    const w = weighted(weights);
    const r = createRng(3);
    const counts = [0, 0, 0, 0];
    const n = 200_000;
    for (let i = 0; i < n; i++) counts[draw(w, r)]++;
    for (let i = 0; i < 4; i++) expect(counts[i] / n).toBeCloseTo(weights[i] / 100, 2);
  });

  it('never draws a zero-weight index', () => {
    const w = weighted([0, 1, 0, 3]);
    const r = createRng(4);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) seen.add(draw(w, r));
    expect([...seen].sort()).toEqual([1, 3]);
  });

  it('rejects empty, all-zero and negative weights', () => {
    expect(() => weighted([])).toThrow(RangeError);
    expect(() => weighted([0, 0])).toThrow(RangeError);
    expect(() => weighted([1, -1])).toThrow(RangeError);
  });

  it('makes Zipf weights decrease with rank', () => {
    const z = zipfWeights(5);
    for (let i = 1; i < z.length; i++) expect(z[i]).toBeLessThan(z[i - 1]);
  });
});
