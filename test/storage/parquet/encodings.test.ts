/**
 * Parquet's value encodings, read back by small reference decoders written here from the spec
 * (https://github.com/apache/parquet-format/blob/master/Encodings.md): the RLE/bit-packed hybrid
 * at bit widths 1 to 24 and any shape of runs, dictionary indexes, definition levels,
 * DELTA_BINARY_PACKED (including deltas wider than 24 bits), and PLAIN numbers. A few small
 * cases are also checked byte for byte against encodings worked out by hand.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  definitionLevels,
  deltaBinaryPacked,
  dictionaryIndices,
  hybrid,
  packBits,
  plainNumbers,
  plainValue,
} from '../../../src/storage/parquet/encodings.js';
import { type ThriftOut, thriftBytes, thriftOut } from '../../../src/storage/parquet/thrift.js';

/** A cursor over encoded bytes. */
class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}
  get done(): boolean {
    return this.pos >= this.bytes.length;
  }
  byte(): number {
    if (this.pos >= this.bytes.length) throw new Error('read past the end');
    return this.bytes[this.pos++];
  }
  varint(): number {
    let v = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 128;
    }
  }
  zigzag(): number {
    const z = this.varint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
  /** `count` values of `width` bits each, least significant bit first (exact to 2^53). */
  bitPacked(count: number, width: number): number[] {
    const out: number[] = [];
    let acc = 0;
    let bits = 0;
    for (let k = 0; k < count; k++) {
      while (bits < width) {
        acc += this.byte() * 2 ** bits;
        bits += 8;
      }
      const v = acc % 2 ** width;
      out.push(v);
      acc = (acc - v) / 2 ** width;
      bits -= width;
    }
    return out;
  }
}

interface Run {
  kind: 'rle' | 'packed';
  count: number;
}

/**
 * The RLE/bit-packed hybrid decoded to the end of `bytes`: every value, the padding of a last
 * bit-packed group included, and the runs it was made of.
 */
function decodeHybrid(bytes: Uint8Array, width: number): { values: number[]; runs: Run[] } {
  const r = new Reader(bytes);
  const values: number[] = [];
  const runs: Run[] = [];
  while (!r.done) {
    const header = r.varint();
    if (header & 1) {
      const count = (header >>> 1) * 8;
      values.push(...r.bitPacked(count, width));
      runs.push({ kind: 'packed', count });
    } else {
      const count = header >>> 1;
      let v = 0;
      for (let b = 0; b < (width + 7) >> 3; b++) v += r.byte() * 2 ** (8 * b);
      for (let k = 0; k < count; k++) values.push(v);
      runs.push({ kind: 'rle', count });
    }
  }
  return { values, runs };
}

/** DELTA_BINARY_PACKED decoded: the values, and the position just after them. */
function decodeDelta(bytes: Uint8Array): { values: number[]; end: number } {
  const r = new Reader(bytes);
  const blockSize = r.varint();
  const miniblocks = r.varint();
  const total = r.varint();
  const perMini = blockSize / miniblocks;
  const values: number[] = [];
  if (total === 0) {
    r.zigzag();
    return { values, end: r.pos };
  }
  values.push(r.zigzag());
  while (values.length < total) {
    const min = r.zigzag();
    const widths = Array.from({ length: miniblocks }, () => r.byte());
    for (let m = 0; m < miniblocks && values.length < total; m++) {
      // A miniblock is whole (padded) even when fewer values remain.
      const deltas = r.bitPacked(perMini, widths[m]);
      for (const d of deltas) {
        if (values.length === total) break;
        values.push(values[values.length - 1] + min + d);
      }
    }
  }
  return { values, end: r.pos };
}

function encodeHybrid(values: readonly number[], width: number): Uint8Array {
  const o = thriftOut(16);
  hybrid(o, Int32Array.from(values), width);
  return thriftBytes(o);
}

/** Checks `values` come back from the hybrid, padding only at the end and only with zeros. */
function expectHybridRoundTrip(values: readonly number[], width: number): Run[] {
  const { values: got, runs } = decodeHybrid(encodeHybrid(values, width), width);
  expect(got.slice(0, values.length)).toEqual(values);
  expect(got.length - values.length).toBeLessThan(8);
  expect(got.slice(values.length).every((v) => v === 0)).toBe(true);
  // Only the last run may reach past the values (a reader stops after the last one it needs).
  let at = 0;
  for (const run of runs.slice(0, -1)) {
    at += run.count;
    expect(at).toBeLessThanOrEqual(values.length);
  }
  return runs;
}

describe('RLE/bit-packed hybrid', () => {
  it('packs 8 values of width 3 as the spec shows', () => {
    // Encodings.md: 0..7 at bit width 3 are 10001000 11000110 11111010.
    expect([...encodeHybrid([0, 1, 2, 3, 4, 5, 6, 7], 3)]).toEqual([0x03, 0x88, 0xc6, 0xfa]);
  });

  it('writes a long run as one RLE run, its value in whole bytes', () => {
    // 20 × 1 at width 1: header 20 << 1 = 0x28, value 0x01.
    expect([...encodeHybrid(new Array(20).fill(1), 1)]).toEqual([0x28, 0x01]);
    // 16 × 513 at width 10: header 0x20, value in 2 bytes little-endian.
    expect([...encodeHybrid(new Array(16).fill(513), 10)]).toEqual([0x20, 0x01, 0x02]);
    // 1000 × 0x123456 at width 24: header 2000 = varint D0 0F, value in 3 bytes.
    expect([...encodeHybrid(new Array(1000).fill(0x123456), 24)]).toEqual([0xd0, 0x0f, 0x56, 0x34, 0x12]);
  });

  it('bit-packs short runs in groups of 8 until a long run starts at a group edge', () => {
    // 1 2 3 4 5 then 20 × 7 at width 3: one group [1 2 3 4 5 7 7 7], then an RLE run of 17 × 7.
    // The group's bits, value 0 lowest: 001 010 011 100 101 111 111 111 → D1 D8 FF.
    expect([...encodeHybrid([1, 2, 3, 4, 5, ...new Array(20).fill(7)], 3)]).toEqual([
      0x03, 0xd1, 0xd8, 0xff, 0x22, 0x07,
    ]);
  });

  it('pads the last group with zeros', () => {
    // 3 values at width 2: one group of 8, 1 | 2 << 2 | 3 << 4 = 0x39, then zeros.
    expect([...encodeHybrid([1, 2, 3], 2)]).toEqual([0x03, 0x39, 0x00]);
    expect([...encodeHybrid([], 5)]).toEqual([]);
  });

  it('round-trips run shapes at widths 1 to 24', () => {
    for (const width of [1, 2, 3, 5, 7, 8, 9, 12, 16, 17, 23, 24]) {
      const max = 2 ** width - 1;
      const shapes: number[][] = [
        [max],
        new Array(15).fill(max), // one short of an RLE run
        new Array(16).fill(max), // just an RLE run
        Array.from({ length: 37 }, (_, i) => (i * 2654435761) % (max + 1)),
        [...new Array(9).fill(1 % (max + 1)), ...new Array(40).fill(max), 0, 1 % (max + 1)],
        [...Array.from({ length: 8 }, (_, i) => i % (max + 1)), ...new Array(16).fill(0), max],
        Array.from({ length: 300 }, (_, i) => (Math.floor(i / 50) * 977) % (max + 1)),
      ];
      for (const values of shapes) expectHybridRoundTrip(values, width);
    }
  });

  it('round-trips any values at any width (property)', () => {
    const input = fc
      .integer({ min: 1, max: 24 })
      .chain((width) =>
        fc.tuple(
          fc.constant(width),
          fc.array(
            fc.tuple(fc.integer({ min: 0, max: 2 ** width - 1 }), fc.oneof(fc.constant(1), fc.nat(40))),
            { maxLength: 60 },
          ),
        ),
      );
    fc.assert(
      fc.property(input, ([width, runs]) => {
        const values = runs.flatMap(([v, n]) => new Array<number>(n).fill(v));
        const shape = expectHybridRoundTrip(values, width);
        // Repeats go into RLE runs only from 16 on; shorter ones are cheaper bit-packed.
        for (const run of shape) if (run.kind === 'rle') expect(run.count).toBeGreaterThanOrEqual(16);
      }),
      { numRuns: 300 },
    );
  });
});

describe('bit-packing', () => {
  it('subtracts `sub` from each value and pads past `limit` with zeros', () => {
    const o = thriftOut(1);
    packBits(o, [10, 11, 12, 13, 99], 0, 8, 4, 10, 3);
    // 0 1 2 3 then four zeros (the 99 is past the limit) at width 3: 0x88 0x06 0x00.
    expect([...thriftBytes(o)]).toEqual([0x88, 0x06, 0x00]);
  });
});

describe('dictionary indexes', () => {
  it('open with the bit width the entries need', () => {
    for (const [entries, width] of [
      [0, 1],
      [1, 1],
      [2, 1],
      [3, 2],
      [4, 2],
      [5, 3],
      [256, 8],
      [257, 9],
      [1 << 24, 24],
    ]) {
      expect(dictionaryIndices(Int32Array.of(0), entries)[0]).toBe(width);
    }
  });

  it('hold the ids in the hybrid at that width', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 100_000 })
          .chain((entries) =>
            fc.tuple(fc.constant(entries), fc.array(fc.nat(entries - 1), { maxLength: 500 })),
          ),
        ([entries, ids]) => {
          const out = dictionaryIndices(Int32Array.from(ids), entries);
          const { values } = decodeHybrid(out.subarray(1), out[0]);
          expect(values.slice(0, ids.length)).toEqual(ids);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('definition levels', () => {
  it('write a column of all values or all nulls as one RLE run, after its length', () => {
    // 10 rows: RLE run header 20 = 0x14, level 1 (or 0); the prefix is 2, little-endian.
    expect([...definitionLevels(null, 10, 0)]).toEqual([2, 0, 0, 0, 0x14, 0x01]);
    expect([...definitionLevels(null, 10, 10)]).toEqual([2, 0, 0, 0, 0x14, 0x00]);
  });

  it('write a mix as one bit-packed run at width 1', () => {
    // Rows 0, 2, 3 and 8 present of 9: two groups (header 0x05), bits 0x0D then 0x01.
    const present = Uint8Array.of(1, 0, 1, 1, 0, 0, 0, 0, 1);
    expect([...definitionLevels(present, 9, 5)]).toEqual([3, 0, 0, 0, 0x05, 0x0d, 0x01]);
  });

  it('read back as the rows present (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 2000 }), (flags) => {
        const present = Uint8Array.from(flags, (f) => (f ? 1 : 0));
        const nulls = flags.filter((f) => !f).length;
        const out = definitionLevels(present, flags.length, nulls);
        const len = new DataView(out.buffer, out.byteOffset).getUint32(0, true);
        expect(len).toBe(out.length - 4);
        const { values } = decodeHybrid(out.subarray(4), 1);
        expect(values.slice(0, flags.length)).toEqual([...present]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('DELTA_BINARY_PACKED', () => {
  function encodeDelta(values: readonly number[]): Uint8Array {
    const o: ThriftOut = thriftOut(16);
    deltaBinaryPacked(o, Int32Array.from(values));
    return thriftBytes(o);
  }

  it('writes the header, then a block of one padded miniblock', () => {
    // Block 128 (80 01), 4 miniblocks, 3 values, first 5 (zigzag 0A); deltas 2, -1: min -1
    // (zigzag 01), widths 2 0 0 0, then 32 values of 2 bits: 3, 0, … → 8 bytes.
    expect([...encodeDelta([5, 7, 6])]).toEqual([
      0x80, 0x01, 0x04, 0x03, 0x0a, 0x01, 0x02, 0x00, 0x00, 0x00, 0x03, 0, 0, 0, 0, 0, 0, 0,
    ]);
    expect([...encodeDelta([])]).toEqual([0x80, 0x01, 0x04, 0x00, 0x00]);
    expect([...encodeDelta([42])]).toEqual([0x80, 0x01, 0x04, 0x01, 0x54]);
  });

  it('writes equal values as blocks of zero-width miniblocks', () => {
    // 129 × 7: one block, min delta 0, all widths 0, no miniblock bytes.
    expect([...encodeDelta(new Array(129).fill(7))]).toEqual([
      0x80, 0x01, 0x04, 0x81, 0x01, 0x0e, 0, 0, 0, 0, 0,
    ]);
  });

  it('reads back byte lengths of any size, deltas wider than 24 bits included (property)', () => {
    const length = fc.oneof(fc.nat(200), fc.integer({ min: 0, max: 2 ** 31 - 1 }));
    fc.assert(
      fc.property(fc.array(length, { maxLength: 700 }), (values) => {
        const out = encodeDelta(values);
        const { values: got, end } = decodeDelta(out);
        expect(got).toEqual(values);
        expect(end).toBe(out.length);
      }),
      { numRuns: 200 },
    );
    // The widest case: 0 and 2^31 - 1 in turn, deltas of ±(2^31 - 1), 32 bits after the min.
    const wide = Array.from({ length: 300 }, (_, i) => (i % 2 ? 2 ** 31 - 1 : 0));
    expect(decodeDelta(encodeDelta(wide)).values).toEqual(wide);
  });
});

describe('PLAIN numbers', () => {
  it('write the present values of a column, little-endian in its physical type', () => {
    const values = Float64Array.of(1, 99, -2);
    const present = Uint8Array.of(1, 0, 1);
    expect([...plainNumbers('int32', values, present, 3, 1)]).toEqual([1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff]);
    expect([...plainNumbers('int64', values, present, 3, 1)]).toEqual([
      1, 0, 0, 0, 0, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    ]);
    const doubles = plainNumbers('double', Float64Array.of(0.25, 7, -1e300), Uint8Array.of(1, 0, 1), 3, 1);
    const dv = new DataView(doubles.buffer, doubles.byteOffset, doubles.byteLength);
    expect([doubles.length, dv.getFloat64(0, true), dv.getFloat64(8, true)]).toEqual([16, 0.25, -1e300]);
  });

  it('write int64 and timestamps exactly to ±2^53 (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.maxSafeInteger(), { minLength: 1, maxLength: 100 }), (ints) => {
        const out = plainNumbers(
          'int64',
          Float64Array.from(ints),
          new Uint8Array(ints.length).fill(1),
          ints.length,
          0,
        );
        const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
        expect(ints.map((_, i) => dv.getBigInt64(8 * i, true))).toEqual(ints.map((v) => BigInt(v)));
        for (const type of ['int64', 'timestamp_us'] as const) {
          const one = plainValue(type, ints[0]);
          expect(new DataView(one.buffer).getBigInt64(0, true)).toBe(BigInt(ints[0]));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('write one statistics value as its plain bytes', () => {
    expect([...plainValue('int32', -2)]).toEqual([0xfe, 0xff, 0xff, 0xff]);
    expect([...plainValue('int32', 2147483647)]).toEqual([0xff, 0xff, 0xff, 0x7f]);
    expect([...plainValue('int64', 2 ** 32)]).toEqual([0, 0, 0, 0, 1, 0, 0, 0]);
    expect([...plainValue('timestamp_us', -1)]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  });
});
