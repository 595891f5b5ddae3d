/**
 * The seeded pseudo-random generator behind every generated value: sfc32 (Chris Doty-Humphrey's
 * small fast counting generator), 32-bit state words so V8 keeps everything in small integers.
 * The same seed gives the same sequence on every platform, which is what makes `--seed` output
 * byte-identical.
 */

/** Generator state: four 32-bit words, advanced in place. Plain data so it can be cloned. */
export interface Rng {
  a: number;
  b: number;
  c: number;
  d: number;
}

/** Creates a generator from a seed (any finite number; the fractional part is ignored). */
export function createRng(seed: number): Rng {
  // splitmix32 spreads the seed over the state so nearby seeds give unrelated sequences.
  let s = Math.trunc(seed) >>> 0;
  const hi = Math.trunc(seed / 4294967296) >>> 0;
  const next = (): number => {
    s = (s + 0x9e3779b9) | 0;
    let z = s ^ hi;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  const r: Rng = { a: next(), b: next(), c: next(), d: 1 };
  for (let i = 0; i < 12; i++) nextU32(r); // warm up past the seeding correlation
  return r;
}

/** Next 32-bit unsigned integer. */
export function nextU32(r: Rng): number {
  const t = (((r.a + r.b) | 0) + r.d) | 0;
  r.d = (r.d + 1) | 0;
  r.a = r.b ^ (r.b >>> 9);
  r.b = (r.c + (r.c << 3)) | 0;
  r.c = (r.c << 21) | (r.c >>> 11);
  r.c = (r.c + t) | 0;
  return t >>> 0;
}

/** Uniform float in [0, 1). */
export function nextFloat(r: Rng): number {
  return nextU32(r) / 4294967296;
}

/** Uniform integer in [0, n) for n <= 2^32 (multiply-shift, no modulo bias worth measuring). */
export function nextInt(r: Rng, n: number): number {
  return Math.floor((nextU32(r) / 4294967296) * n);
}

/** A seed from the system's entropy, for runs without `--seed`. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}
