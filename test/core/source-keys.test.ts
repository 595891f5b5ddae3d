import { describe, expect, it } from 'vitest';
import { inSubmissionOrder, sourceKeys } from '../../src/core/source-keys.js';

describe('sourceKeys', () => {
  it('numbers pairs in order of first sight, runs and returns alike', () => {
    const k = sourceKeys();
    const seen = [
      ['a', 'g1'],
      ['a', 'g1'],
      ['b', 'g1'],
      ['a', 'g2'],
      ['a', 'g1'],
      ['b', 'g1'],
    ].map(([s, g]) => k.keyOf(s, g));
    expect(seen).toEqual([0, 0, 1, 2, 0, 1]);
    expect(k.sources).toEqual(['a', 'b', 'a']);
    expect(k.generations).toEqual(['g1', 'g1', 'g2']);
  });
});

describe('inSubmissionOrder', () => {
  it('resolves in submission order whatever order the work ends in, failures included', async () => {
    const inOrder = inSubmissionOrder();
    const order: string[] = [];
    const later = (v: string, ms: number, fail = false) =>
      new Promise<string>((res, rej) => setTimeout(() => (fail ? rej(new Error(v)) : res(v)), ms));
    const a = inOrder(later('a', 30)).then((v) => order.push(v));
    const b = inOrder(later('b', 1, true)).catch((e: Error) => order.push(`!${e.message}`));
    const c = inOrder(later('c', 5)).then((v) => order.push(v));
    await Promise.all([a, b, c]);
    expect(order).toEqual(['a', '!b', 'c']);
  });
});
