/**
 * Parquet's value encodings, each writing bytes into a ThriftOut buffer or returning them: the
 * RLE/bit-packed hybrid (definition levels, dictionary indexes), DELTA_BINARY_PACKED (the lengths
 * of DELTA_LENGTH_BYTE_ARRAY strings), and PLAIN numbers (values and statistics). These loops run
 * for every value written, so each keeps its helpers in this module.
 * See https://github.com/apache/parquet-format/blob/master/Encodings.md.
 */

import type { ParquetType } from './format.js';
import { reserve, type ThriftOut, thriftOut, writeRaw, writeVarint, writeZigzag } from './thrift.js';

/** Below this many repeats a value goes into a bit-packed run rather than a run of its own. */
const MIN_RLE_RUN = 16;

/**
 * `values` (each below 2^width, width at most 24) in the RLE/bit-packed hybrid: runs of one value
 * as RLE runs, the rest bit-packed in groups of 8 (the last group padded, as only the end may be).
 */
export function hybrid(o: ThriftOut, values: Int32Array, width: number): void {
  const n = values.length;
  const valueBytes = (width + 7) >> 3;
  const runAt = (i: number): number => {
    const v = values[i];
    let r = 1;
    while (i + r < n && values[i + r] === v && r < MIN_RLE_RUN) r++;
    return r;
  };
  let i = 0;
  while (i < n) {
    if (runAt(i) >= MIN_RLE_RUN) {
      const v = values[i];
      let r = MIN_RLE_RUN;
      while (i + r < n && values[i + r] === v) r++;
      writeVarint(o, r * 2);
      reserve(o, valueBytes);
      for (let b = 0; b < valueBytes; b++) o.bytes[o.pos++] = (v >>> (8 * b)) & 255;
      i += r;
      continue;
    }
    // Groups of 8 until a long run starts at a group's edge (or the values end).
    const start = i;
    let groups = 0;
    do {
      groups++;
      i += 8;
    } while (i < n && runAt(i) < MIN_RLE_RUN);
    writeVarint(o, groups * 2 + 1);
    packBits(o, values, start, groups * 8, n, 0, width);
    if (i > n) i = n;
  }
}

/**
 * Dictionary indexes as an RLE_DICTIONARY data page holds them: the bit width as one byte, then
 * `ids` (each below `entries`, at most 2^24 entries) in the RLE/bit-packed hybrid.
 */
export function dictionaryIndices(ids: Int32Array, entries: number): Uint8Array {
  const present = ids.length;
  const width = entries <= 1 ? 1 : 32 - Math.clz32(entries - 1);
  const o = thriftOut(16 + ((present * width) >> 3));
  writeRaw(o, Uint8Array.of(width));
  hybrid(o, ids, width);
  return o.bytes.subarray(0, o.pos);
}

/**
 * Definition levels of a nullable column (1 = present), RLE/bit-packed hybrid at bit width 1,
 * prefixed by their byte length as data page v1 wants. `present` is needed only when some rows
 * are null and some not.
 */
export function definitionLevels(present: Uint8Array | null, rows: number, nulls: number): Uint8Array {
  const o = thriftOut(16 + (rows >> 3));
  o.pos = 4; // the length prefix, filled in below
  if (nulls === 0 || nulls === rows) {
    writeVarint(o, rows * 2); // one RLE run
    writeRaw(o, Uint8Array.of(nulls === 0 ? 1 : 0));
  } else {
    const groups = Math.ceil(rows / 8);
    writeVarint(o, groups * 2 + 1); // one bit-packed run
    const bits = new Uint8Array(groups);
    for (let i = 0; i < rows; i++) if (present![i] !== 0) bits[i >> 3] |= 1 << (i & 7);
    writeRaw(o, bits);
  }
  const out = o.bytes.subarray(0, o.pos);
  new DataView(out.buffer, out.byteOffset).setUint32(0, o.pos - 4, true);
  return out;
}

/** The present values of a numeric column, plain little-endian in the column's physical type. */
export function plainNumbers(
  type: ParquetType,
  values: Float64Array,
  present: Uint8Array,
  rows: number,
  nulls: number,
): Uint8Array {
  const n = rows - nulls;
  if (type === 'double' && nulls === 0 && IS_LE) {
    return new Uint8Array(values.buffer, values.byteOffset, rows * 8);
  }
  if (type === 'int32') {
    const out = new Int32Array(n);
    for (let i = 0, j = 0; i < rows; i++) if (present[i] !== 0) out[j++] = values[i];
    return littleEndian(new Uint8Array(out.buffer), 4);
  }
  if (type === 'double') {
    const out = new Float64Array(n);
    for (let i = 0, j = 0; i < rows; i++) if (present[i] !== 0) out[j++] = values[i];
    return littleEndian(new Uint8Array(out.buffer), 8);
  }
  // int64 and timestamps: JavaScript numbers split into two 32-bit halves, exact to 2^53.
  const out = new Int32Array(n * 2);
  for (let i = 0, j = 0; i < rows; i++) {
    if (present[i] === 0) continue;
    const v = values[i];
    const hi = Math.floor(v / 4294967296);
    out[2 * j] = v - hi * 4294967296;
    out[2 * j + 1] = hi;
    j++;
  }
  if (!IS_LE) {
    for (let i = 0; i < n; i++) {
      const t = out[2 * i];
      out[2 * i] = out[2 * i + 1];
      out[2 * i + 1] = t;
    }
  }
  return littleEndian(new Uint8Array(out.buffer), 4);
}

const IS_LE = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Typed arrays use the platform's byte order; Parquet's is little-endian. */
function littleEndian(bytes: Uint8Array, width: number): Uint8Array {
  if (IS_LE) return bytes;
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
  return bytes;
}

const BLOCK = 128;
const MINIBLOCKS = 4;
const PER_MINI = BLOCK / MINIBLOCKS;

/** DELTA_BINARY_PACKED for non-negative integers below 2^31 (byte lengths). */
export function deltaBinaryPacked(o: ThriftOut, values: ArrayLike<number>): void {
  writeVarint(o, BLOCK);
  writeVarint(o, MINIBLOCKS);
  writeVarint(o, values.length);
  writeZigzag(o, values.length > 0 ? values[0] : 0);
  const deltas = new Float64Array(BLOCK);
  for (let start = 1; start < values.length; start += BLOCK) {
    const n = Math.min(BLOCK, values.length - start);
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const d = values[start + i] - values[start + i - 1];
      deltas[i] = d;
      if (d < min) min = d;
    }
    writeZigzag(o, min);
    const minis = Math.ceil(n / PER_MINI);
    const widths = new Uint8Array(MINIBLOCKS);
    for (let m = 0; m < minis; m++) {
      let max = 0;
      const end = Math.min(n, (m + 1) * PER_MINI);
      for (let i = m * PER_MINI; i < end; i++) if (deltas[i] - min > max) max = deltas[i] - min;
      widths[m] = max === 0 ? 0 : Math.floor(Math.log2(max)) + 1;
    }
    writeRaw(o, widths);
    for (let m = 0; m < minis; m++) {
      const w = widths[m];
      if (w === 0) continue;
      // 32 values of w bits each, least significant bit first; the last miniblock pads with 0.
      const from = m * PER_MINI;
      if (w <= 24) {
        packBits(o, deltas, from, PER_MINI, n, min, w);
        continue;
      }
      reserve(o, w * 4);
      const out = o.bytes;
      let p = o.pos;
      let acc = 0;
      let bits = 0;
      // Wider deltas: the bits wait in a double, exact to 2^53.
      for (let i = from; i < from + PER_MINI; i++) {
        const v = i < n ? deltas[i] - min : 0;
        acc += v * 2 ** bits;
        bits += w;
        while (bits >= 8) {
          out[p++] = acc % 256;
          acc = Math.floor(acc / 256);
          bits -= 8;
        }
      }
      o.pos = p;
    }
  }
}

/**
 * Bit-packs `count` values from `values[from]` on, `width` bits each (at most 24), least
 * significant bit first: value k is `values[k] - sub`, or 0 at and past `limit` (padding).
 * Packing string lengths with these 32-bit shifts removed the 4 % of the profile that
 * `deltaBinaryPacked` had taken (docs/benchmarks.md).
 */
export function packBits(
  o: ThriftOut,
  values: ArrayLike<number>,
  from: number,
  count: number,
  limit: number,
  sub: number,
  width: number,
): void {
  reserve(o, (count * width + 7) >> 3);
  const out = o.bytes;
  let p = o.pos;
  let acc = 0;
  let bits = 0;
  // Fewer than 8 bits wait in `acc` between values, so width + 7 bits fit in 32.
  for (let k = from; k < from + count; k++) {
    const v = k < limit ? values[k] - sub : 0;
    acc = (acc | (v << bits)) >>> 0;
    bits += width;
    while (bits >= 8) {
      out[p++] = acc & 255;
      acc >>>= 8;
      bits -= 8;
    }
  }
  o.pos = p;
}

/** One integer value in its plain encoding, as statistics hold it. */
export function plainValue(type: ParquetType, v: number): Uint8Array {
  if (type === 'int32') {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setInt32(0, v, true);
    return out;
  }
  const out = new Uint8Array(8);
  const dv = new DataView(out.buffer);
  const hi = Math.floor(v / 4294967296);
  dv.setUint32(0, v - hi * 4294967296, true);
  dv.setInt32(4, hi, true);
  return out;
}
