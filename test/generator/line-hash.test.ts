import { describe, expect, it } from 'vitest';
import { addLineHash, addSums, hashSumHex, newHashSum } from '../../src/generator/line-hash.js';

/** Reference MurmurHash3 x86_32 over bytes, written plainly from the published algorithm. */
function murmur3(bytes: Uint8Array, seed: number): number {
  let h = seed >>> 0;
  const n = bytes.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    let k = (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) >>> 0;
    k = Math.imul(k, 0xcc9e2d51);
    k = ((k << 15) | (k >>> 17)) >>> 0;
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = ((h << 13) | (h >>> 19)) >>> 0;
    h = (Math.imul(h, 5) + 0xe6546b64) >>> 0;
  }
  let k = 0;
  const rest = n & 3;
  if (rest === 3) k ^= bytes[i + 2] << 16;
  if (rest >= 2) k ^= bytes[i + 1] << 8;
  if (rest >= 1) {
    k ^= bytes[i];
    k = Math.imul(k, 0xcc9e2d51);
    k = ((k << 15) | (k >>> 17)) >>> 0;
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashOf(text: string): string {
  const s = newHashSum();
  const b = Buffer.from(text);
  addLineHash(s, b, 0, b.length);
  return hashSumHex(s);
}

describe('line hash', () => {
  it('matches MurmurHash3 x86_32 with the documented seeds', () => {
    // Published test vectors: "" seed 0 → 0, "hello" seed 0 → 0x248bfa47.
    expect(hashOf('')).toBe(`00000000${murmur3(new Uint8Array(), 0x9747b28c).toString(16).padStart(8, '0')}`);
    expect(hashOf('hello').slice(0, 8)).toBe('248bfa47');
    for (const t of ['a', 'ab', 'abc', 'abcd', 'abcde', 'héllo wörld', '{"ts":"x"}']) {
      const b = Buffer.from(t);
      const want =
        murmur3(b, 0).toString(16).padStart(8, '0') + murmur3(b, 0x9747b28c).toString(16).padStart(8, '0');
      expect(hashOf(t)).toBe(want);
    }
  });

  it('hashes a slice of a buffer the same as the bytes alone', () => {
    const b = Buffer.from('xxhello worldyy');
    const s = newHashSum();
    addLineHash(s, b, 2, 13);
    expect(hashSumHex(s)).toBe(hashOf('hello world'));
  });

  it('sums mod 2^64, carrying from the low word', () => {
    const a = { hi: 0xffffffff, lo: 0xffffffff };
    addSums(a, { hi: 0, lo: 1 });
    expect(hashSumHex(a)).toBe('0000000000000000');
    const b = { hi: 1, lo: 0xfffffffe };
    addSums(b, { hi: 2, lo: 3 });
    expect(hashSumHex(b)).toBe('0000000400000001');
  });
});
