/**
 * The snappy block decoder Loki pushes are read with: what a snappy compressor writes comes back
 * byte for byte, and a hostile block ends, quickly, in an error naming what is wrong.
 */
import fc from 'fast-check';
import snappy from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { SnappyTooBig, unsnappyBlock } from '../../src/server/loki/snappy-block.js';

const MAX = 1 << 20;

describe('unsnappyBlock', () => {
  it('gives back what a snappy compressor wrote: text, repeats, random bytes, empty', () => {
    const words = Buffer.from('level=info msg="GET /api/v1/users 200" '.repeat(500));
    for (const input of [Buffer.alloc(0), Buffer.from('a'), words, Buffer.alloc(70_000, 7)]) {
      expect(Buffer.from(unsnappyBlock(snappy.compress(input), MAX))).toEqual(input);
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.nat(40), (bytes, repeat) => {
        // Repeats make the compressor write copies (1-, 2- and 4-byte offsets), not only literals.
        const input = Buffer.concat([Buffer.from(bytes), Buffer.from(bytes.slice(0, repeat * 10))]);
        expect(Buffer.from(unsnappyBlock(snappy.compress(input), MAX))).toEqual(input);
      }),
      { numRuns: 300 },
    );
  });

  it('reads a literal of 61 bytes and more, and a copy that overlaps what it writes', () => {
    // Preamble 70; a literal of 61 bytes (tag 60 << 2, then its length - 1 in one byte); a 1-byte
    // literal 'x'; a copy of 8 bytes from 1 back (kind 2, offset 1): 'x' eight more times.
    const lit = Buffer.alloc(61, 0x61);
    const block = Buffer.concat([
      Buffer.from([70, 60 << 2, 60]),
      lit,
      Buffer.from([0 << 2, 0x78, ((8 - 1) << 2) | 2, 1, 0]),
    ]);
    expect(Buffer.from(unsnappyBlock(block, MAX)).toString()).toBe(`${'a'.repeat(61)}${'x'.repeat(9)}`);
  });

  it('ends a block whose 4-byte literal length has its top bit set (a loop forever in snappyjs 0.7.0)', () => {
    // Claimed length 10; a literal whose 4-byte length, 0xfffffffa + 1, read as a signed number
    // is -5: back to its own tag, read again and again.
    const block = Buffer.from([10, 63 << 2, 0xfa, 0xff, 0xff, 0xff]);
    expect(() => unsnappyBlock(block, MAX)).toThrow(
      /literal of 4294967291 bytes runs past the body at byte 1/,
    );
  });

  it('names what is wrong with a hostile block', () => {
    const cases: [number[], RegExp][] = [
      [[], /length preamble ends early at byte 0/],
      [[0x80, 0x80, 0x80, 0x80, 0x80, 0x01], /preamble is longer than 5 bytes/],
      [[0xff, 0xff, 0xff, 0xff, 0x7f], /preamble is over 32 bits/],
      [[4, 3 << 2, 1, 2], /literal of 4 bytes runs past the body at byte 1/],
      [[2, 3 << 2, 1, 2, 3, 4], /literal runs past the claimed length/],
      [[4, 0, 0x61, 1 | (0 << 2), 0], /copy reaches 0 bytes back of 1/],
      [[4, 0, 0x61, 1 | (0 << 2), 2], /copy reaches 2 bytes back of 1/],
      [[8, 0, 0x61, 1 | (7 << 2), 1], /copy runs past the claimed length/],
      [[9, 0, 0x61, 3 | (3 << 2), 1, 0, 0], /copy ends early/],
      [[5, 0, 0x61], /holds 1 bytes of the 5 it claims/],
    ];
    for (const [bytes, why] of cases) {
      const run = () => unsnappyBlock(Uint8Array.from(bytes), MAX);
      expect(run, JSON.stringify(bytes)).toThrow(UserError);
      expect(run, JSON.stringify(bytes)).toThrow(why);
    }
  });

  it('refuses a claimed length over the limit before allocating it', () => {
    const block = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]); // 2^32 - 1
    expect(() => unsnappyBlock(block, MAX)).toThrow(SnappyTooBig);
  });

  it('ends every random or mutated block with bytes or a UserError (fuzz)', () => {
    const seed = snappy.compress(Buffer.from('ts=1 level=warn msg="disk almost full" '.repeat(40)));
    const mutated = fc
      .array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 })
      .map((edits) => {
        const b = Buffer.from(seed);
        for (const [at, v] of edits) b[at] = v;
        return b;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 512 }), mutated), (block) => {
        try {
          expect(unsnappyBlock(block, 64 * 1024).length).toBeLessThanOrEqual(64 * 1024);
        } catch (err) {
          expect(err instanceof UserError || err instanceof SnappyTooBig, String(err)).toBe(true);
        }
      }),
      { numRuns: 5000 },
    );
  });
});
