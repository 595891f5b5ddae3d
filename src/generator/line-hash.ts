/**
 * The manifest's line checksum: each line's UTF-8 bytes (without the newline) hashed to 64 bits —
 * MurmurHash3 x86_32 with seed 0 as the high word, with seed 0x9747b28c as the low word — and the
 * hashes summed mod 2^64. A sum does not depend on order, so lines read back from a store in any
 * order, or from several files, give the same checksum; and sums of parts add up to the whole.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const SEED_HI = 0;
const SEED_LO = 0x9747b28c;
const TWO32 = 4294967296;

/** A running order-independent sum of line hashes: 64 bits as two 32-bit words. */
export interface HashSum {
  hi: number;
  lo: number;
}

/** A zero sum. */
export function newHashSum(): HashSum {
  return { hi: 0, lo: 0 };
}

/** Adds the hash of bytes [start, end) of `b` to `sum`. */
export function addLineHash(sum: HashSum, b: Uint8Array, start: number, end: number): void {
  let h1 = SEED_HI;
  let h2 = SEED_LO;
  const len = end - start;
  const blocksEnd = start + (len & ~3);
  let i = start;
  for (; i < blocksEnd; i += 4) {
    let k = b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h1 ^= k;
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    h2 ^= k;
    h2 = (h2 << 13) | (h2 >>> 19);
    h2 = (Math.imul(h2, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  const rest = len & 3;
  if (rest === 3) k ^= b[i + 2] << 16;
  if (rest >= 2) k ^= b[i + 1] << 8;
  if (rest >= 1) {
    k ^= b[i];
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h1 ^= k;
    h2 ^= k;
  }
  const hi = fmix(h1 ^ len);
  const lo = fmix(h2 ^ len);
  const l = sum.lo + lo;
  const carry = l >= TWO32 ? 1 : 0;
  sum.lo = l - carry * TWO32;
  sum.hi = (sum.hi + hi + carry) >>> 0;
}

/** Adds `b` into `a` (sums of parts make the sum of the whole). */
export function addSums(a: HashSum, b: HashSum): void {
  const l = a.lo + b.lo;
  const carry = l >= TWO32 ? 1 : 0;
  a.lo = l - carry * TWO32;
  a.hi = (a.hi + b.hi + carry) >>> 0;
}

/** The sum as 16 lowercase hex digits, as the manifest stores it. */
export function hashSumHex(s: HashSum): string {
  return s.hi.toString(16).padStart(8, '0') + s.lo.toString(16).padStart(8, '0');
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
