import { describe, expect, it } from 'vitest';
import { createRng, nextFloat, nextInt, nextU32 } from '../../src/generator/prng.js';

describe('prng', () => {
  it('gives the same sequence for the same seed', () => {
    const a = createRng(42);
    const b = createRng(42);
    for (let i = 0; i < 1000; i++) expect(nextU32(a)).toBe(nextU32(b));
  });

  it('gives different sequences for nearby seeds', () => {
    const a = createRng(1);
    const b = createRng(2);
    const sa = Array.from({ length: 8 }, () => nextU32(a));
    const sb = Array.from({ length: 8 }, () => nextU32(b));
    expect(sa).not.toEqual(sb);
  });

  it('is stable across versions (output pinned for seed 1)', () => {
    // Seeded output is a promise to users: changing these numbers changes every --seed run.
    const r = createRng(1);
    expect([nextU32(r), nextU32(r), nextU32(r)]).toEqual([792534090, 3215351813, 160231488]);
  });

  it('draws floats in [0, 1) and ints in [0, n) roughly uniformly', () => {
    const r = createRng(9);
    const buckets = new Array(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const f = nextFloat(r);
      if (!(f >= 0 && f < 1)) outside++;
      buckets[nextInt(r, 10)]++;
    }
    expect(outside).toBe(0);
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(600);
  });

  it('accepts seeds beyond 32 bits and negative seeds', () => {
    const a = createRng(2 ** 40 + 5);
    const b = createRng(5);
    expect(nextU32(a)).not.toBe(nextU32(b));
    expect(Number.isInteger(nextU32(createRng(-3)))).toBe(true);
  });
});
