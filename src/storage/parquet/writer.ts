/**
 * A minimal Parquet writer for flat tables: row groups of up to `rowGroupRows` rows, one
 * uncompressed data page per column chunk, min/max statistics on integer and timestamp columns
 * (so DuckDB skips row groups a time filter rules out). It exists so a batch of events reaches
 * DuckDB as one file it reads natively instead of one native call per string value. The columns
 * arrive already in byte form (column-buffers.ts): strings as DELTA_LENGTH_BYTE_ARRAY (lengths,
 * then the bytes back to back), numbers as plain little-endian.
 */

import {
  type BufferedColumn,
  type ColumnBuffers,
  columnBuffers,
  type DictColumn,
  type NumberColumn,
  putNumber,
  putString,
  type StringColumn,
} from './column-buffers.js';
import {
  beginStruct,
  binaryField,
  CT,
  endStruct,
  i32Elem,
  i32Field,
  i64Field,
  listField,
  reserve,
  stringElem,
  stringField,
  structField,
  type ThriftOut,
  thriftBytes,
  thriftOut,
  writeRaw,
  writeVarint,
  writeZigzag,
} from './thrift.js';

/** The value types the writer knows, with how DuckDB reads them back. */
export type ParquetType = 'string' | 'json' | 'int32' | 'int64' | 'timestamp_us' | 'double';

/** One column of the file: nullable unless `required`. */
export interface ParquetColumn {
  name: string;
  type: ParquetType;
  required: boolean;
}

/** A column's values: strings for string/json, numbers (safe integers for int64) otherwise. */
export type ColumnValues = readonly (string | null)[] | readonly (number | null)[];

// Parquet enums (parquet.thrift).
const TYPE = { INT32: 1, INT64: 2, DOUBLE: 5, BYTE_ARRAY: 6 } as const;
const CONVERTED = { UTF8: 0, TIMESTAMP_MICROS: 10, JSON: 19 } as const;
const ENCODING = { PLAIN: 0, RLE: 3, DELTA_LENGTH_BYTE_ARRAY: 6, RLE_DICTIONARY: 8 } as const;
const REQUIRED = 0;
const OPTIONAL = 1;
const DATA_PAGE = 0;
const DICTIONARY_PAGE = 2;
const MAGIC: Uint8Array = Buffer.from('PAR1', 'latin1');

const physical: Record<ParquetType, number> = {
  string: TYPE.BYTE_ARRAY,
  json: TYPE.BYTE_ARRAY,
  int32: TYPE.INT32,
  int64: TYPE.INT64,
  timestamp_us: TYPE.INT64,
  double: TYPE.DOUBLE,
};
const converted: Partial<Record<ParquetType, number>> = {
  string: CONVERTED.UTF8,
  json: CONVERTED.JSON,
  timestamp_us: CONVERTED.TIMESTAMP_MICROS,
};

/**
 * Encodes `rows` rows as a complete Parquet file. `columns[i]` holds the values of `schema[i]`;
 * a null in a required column is a caller bug and throws. `meta` goes into the footer's
 * key/value metadata.
 */
export function encodeParquet(
  schema: readonly ParquetColumn[],
  columns: readonly ColumnValues[],
  rows: number,
  meta: Record<string, string> = {},
  opts: EncodeOptions = {},
): Buffer {
  const b = columnBuffers(
    schema.map((c) => (isString(c.type) ? 'string' : 'number')),
    rows,
  );
  for (let c = 0; c < schema.length; c++) {
    const values = columns[c];
    if (values.length !== rows)
      throw new Error(`column ${schema[c].name}: ${values.length} values for ${rows} rows`);
    const col = b.columns[c];
    for (let i = 0; i < rows; i++) {
      if (col.kind === 'string') putString(col, i, values[i] as string | null);
      else if (col.kind === 'number') putNumber(col, i, values[i] as number | null);
    }
  }
  b.rows = rows;
  return Buffer.concat(parquetFile(schema, [b], meta, opts).pieces);
}

function isString(t: ParquetType): boolean {
  return t === 'string' || t === 'json';
}

export interface EncodeOptions {
  /** Rows per row group (DuckDB scans row groups in parallel); default: all rows in one. */
  rowGroupRows?: number;
}

/**
 * A Parquet file as the pieces to write out in order. Most are views of the column buffers it
 * was laid out from (string bytes and numbers are not copied), valid while those are unchanged.
 */
export interface ParquetPieces {
  pieces: Uint8Array[];
  size: number;
}

/**
 * Where a column chunk lies (from its row group's start), and its statistics (integer and
 * timestamp columns). A dictionary-encoded chunk opens with its dictionary page, `dictSize` bytes.
 */
interface Chunk {
  offset: number;
  size: number;
  dictSize: number;
  encoding: number;
  nulls: number;
  min: number | null;
  max: number | null;
}

/**
 * One row group laid out: its pages as pieces (views of the columns for the values), and what
 * the footer says of each column chunk. Row groups of one schema can be assembled into any
 * file, so rows laid out once can be written again without encoding them again.
 */
export interface EncodedRowGroup {
  rows: number;
  pieces: Uint8Array[];
  size: number;
  chunks: Chunk[];
}

/** Rows [from, to) of one set of columns; `bytesAt[c]` is where row `from` starts in column c's bytes. */
interface Span {
  b: ColumnBuffers;
  from: number;
  to: number;
  bytesAt: number[];
}

/**
 * Lays out the rows of `chunks` (each a set of columns in `schema` order), one after another, as
 * one Parquet file: row groups of `rowGroupRows` rows (all rows in one by default), one page
 * per column chunk.
 */
export function parquetFile(
  schema: readonly ParquetColumn[],
  chunks: readonly ColumnBuffers[],
  meta: Record<string, string> = {},
  opts: EncodeOptions = {},
): ParquetPieces {
  return assembleFile(schema, encodeRowGroups(schema, chunks, opts), meta);
}

/** The rows of `chunks` (each in `schema` order) laid out as row groups of `rowGroupRows` rows. */
export function encodeRowGroups(
  schema: readonly ParquetColumn[],
  chunks: readonly ColumnBuffers[],
  opts: EncodeOptions = {},
): EncodedRowGroup[] {
  for (const b of chunks) {
    if (b.columns.length !== schema.length) {
      throw new Error(`${b.columns.length} columns for a schema of ${schema.length}`);
    }
  }
  let rows = 0;
  for (const b of chunks) rows += b.rows;
  const groups: EncodedRowGroup[] = [];
  for (const spans of rowGroupSpans(chunks, Math.max(1, Math.min(opts.rowGroupRows ?? rows, rows)))) {
    let groupRows = 0;
    for (const sp of spans) groupRows += sp.to - sp.from;
    const g: EncodedRowGroup = { rows: groupRows, pieces: [], size: 0, chunks: [] };
    for (let c = 0; c < schema.length; c++) {
      const page = encodePage(schema[c], spans, c, groupRows);
      let size = 0;
      for (const piece of page.body) size += piece.length;
      const header = pageHeader(groupRows, size, page.encoding);
      let dictSize = 0;
      if (page.dict !== null) {
        const dictHeader = dictionaryPageHeader(page.dict.entries, page.dict.bytes.length);
        dictSize = dictHeader.length + page.dict.bytes.length;
        g.pieces.push(dictHeader, page.dict.bytes);
      }
      g.chunks.push({
        offset: g.size,
        size: dictSize + header.length + size,
        dictSize,
        ...page.stats,
        encoding: page.encoding,
      });
      g.pieces.push(header, ...page.body);
      g.size += dictSize + header.length + size;
    }
    groups.push(g);
  }
  return groups;
}

/** A Parquet file of the given row groups, in order, with `meta` in its footer. */
export function assembleFile(
  schema: readonly ParquetColumn[],
  groups: readonly EncodedRowGroup[],
  meta: Record<string, string> = {},
): ParquetPieces {
  const out: ParquetPieces = { pieces: [MAGIC], size: MAGIC.length };
  const starts: number[] = [];
  let rows = 0;
  for (const g of groups) {
    starts.push(out.size);
    for (const piece of g.pieces) out.pieces.push(piece);
    out.size += g.size;
    rows += g.rows;
  }
  const footer = fileMetaData(schema, groups, starts, rows, meta);
  const tail = Buffer.alloc(4);
  tail.writeUInt32LE(footer.length, 0);
  out.pieces.push(footer, tail, MAGIC);
  out.size += footer.length + tail.length + MAGIC.length;
  return out;
}

/** The rows of `chunks` cut into row groups of `perGroup` rows (the last may be short). */
function rowGroupSpans(chunks: readonly ColumnBuffers[], perGroup: number): Span[][] {
  const groups: Span[][] = [];
  let cur: Span[] = [];
  let curRows = 0;
  for (const b of chunks) {
    const at = new Array<number>(b.columns.length).fill(0);
    for (let row = 0; row < b.rows; ) {
      const k = Math.min(perGroup - curRows, b.rows - row);
      cur.push({ b, from: row, to: row + k, bytesAt: at.slice() });
      if (row + k < b.rows) {
        // The group ends inside this chunk: find where the next one starts in each string column.
        for (let c = 0; c < b.columns.length; c++) {
          const col = b.columns[c];
          if (col.kind !== 'string') continue;
          let pos = at[c];
          for (let i = row; i < row + k; i++) if (col.lengths[i] > 0) pos += col.lengths[i];
          at[c] = pos;
        }
      }
      row += k;
      curRows += k;
      if (curRows === perGroup) {
        groups.push(cur);
        cur = [];
        curRows = 0;
      }
    }
  }
  if (cur.length > 0 || groups.length === 0) groups.push(cur);
  return groups;
}

/**
 * The data page body of column `c` over `spans` (`rows` rows in all), as pieces to write out
 * in order: definition levels, then the values (string bytes are views of the columns).
 */
function encodePage(
  col: ParquetColumn,
  spans: readonly Span[],
  c: number,
  rows: number,
): {
  body: Uint8Array[];
  encoding: number;
  stats: { nulls: number; min: number | null; max: number | null };
  dict: { entries: number; bytes: Uint8Array } | null;
} {
  const body: Uint8Array[] = [];
  let nulls = 0;
  for (const sp of spans) nulls += nullsIn(sp.b.columns[c], sp.from, sp.to);
  // Most columns are all values or all nulls: one RLE run, no per-row flags to gather.
  if (!col.required) {
    body.push(definitionLevels(nulls > 0 && nulls < rows ? presence(spans, c, rows) : null, rows, nulls));
  } else if (nulls > 0) throw new Error(`column ${col.name} is required but holds a null`);
  // An empty row group has no buffers to tell: its strings are written as plain ones.
  const kind = spans.length > 0 ? spans[0].b.columns[c].kind : isString(col.type) ? 'string' : 'number';
  if (kind === 'string') {
    if (!isString(col.type)) throw new Error(`column ${col.name} holds strings`);
    const lengths = new Int32Array(rows - nulls);
    const data: Uint8Array[] = [];
    let j = 0;
    for (const sp of spans) {
      const v = sp.b.columns[c] as StringColumn;
      let bytes = 0;
      for (let i = sp.from; i < sp.to; i++) {
        const len = v.lengths[i];
        if (len < 0) continue;
        lengths[j++] = len;
        bytes += len;
      }
      if (bytes > 0) data.push(v.data.subarray(sp.bytesAt[c], sp.bytesAt[c] + bytes));
    }
    const o = thriftOut(64 + lengths.length * 2);
    deltaBinaryPacked(o, lengths);
    body.push(o.bytes.subarray(0, o.pos), ...data);
    return {
      body,
      encoding: ENCODING.DELTA_LENGTH_BYTE_ARRAY,
      stats: { nulls, min: null, max: null },
      dict: null,
    };
  }
  if (kind === 'dict') {
    if (!isString(col.type)) throw new Error(`column ${col.name} holds strings`);
    const { dict, values } = dictionaryEncoded(spans, c, rows - nulls);
    body.push(values);
    return {
      body,
      encoding: ENCODING.RLE_DICTIONARY,
      stats: { nulls, min: null, max: null },
      dict,
    };
  }
  if (isString(col.type)) throw new Error(`column ${col.name} holds numbers`);
  let min: number | null = null;
  let max: number | null = null;
  for (const sp of spans) {
    const v = sp.b.columns[c] as NumberColumn;
    const values = v.values.subarray(sp.from, sp.to);
    const pres = v.present.subarray(sp.from, sp.to);
    let spanNulls = 0;
    for (let i = 0; i < pres.length; i++) if (pres[i] === 0) spanNulls++;
    body.push(plainNumbers(col.type, values, pres, pres.length, spanNulls));
    if (col.type === 'double') continue;
    for (let i = 0; i < values.length; i++) {
      if (pres[i] === 0) continue;
      const x = values[i];
      if (min === null || x < min) min = x;
      if (max === null || x > max) max = x;
    }
  }
  return { body, encoding: ENCODING.PLAIN, stats: { nulls, min, max }, dict: null };
}

/**
 * A dictionary column over `spans` (`present` non-null rows): the dictionary page's body (each
 * span's entries in turn, PLAIN: a length, then the bytes) and the data page's values (the bit
 * width, then the entry indexes, RLE/bit-packed). Spans from different buffers keep their own
 * entries side by side; a value may then appear twice in the dictionary, which readers allow.
 */
function dictionaryEncoded(
  spans: readonly Span[],
  c: number,
  present: number,
): { dict: { entries: number; bytes: Uint8Array }; values: Uint8Array } {
  let entries = 0;
  let size = 0;
  for (const sp of spans) {
    const v = sp.b.columns[c];
    if (v.kind !== 'dict') throw new Error(`column ${c} mixes dictionary and other chunks`);
    entries += v.entries;
    size += 4 * v.entries + v.used;
  }
  const bytes = new Uint8Array(size);
  const dv = new DataView(bytes.buffer);
  const ids = new Int32Array(present);
  let pos = 0;
  let base = 0;
  let j = 0;
  for (const sp of spans) {
    const v = sp.b.columns[c] as DictColumn;
    for (let e = 0; e < v.entries; e++) {
      const len = v.lengths[e];
      dv.setUint32(pos, len, true);
      bytes.set(v.data.subarray(v.at[e], v.at[e] + len), pos + 4);
      pos += 4 + len;
    }
    for (let i = sp.from; i < sp.to; i++) {
      const id = v.ids[i];
      if (id >= 0) ids[j++] = base + id;
    }
    base += v.entries;
  }
  if (entries > 1 << 24)
    throw new Error(`column ${c}: ${entries} dictionary entries, more than a page takes`);
  const width = entries <= 1 ? 1 : 32 - Math.clz32(entries - 1);
  const o = thriftOut(16 + ((present * width) >> 3));
  writeRaw(o, Uint8Array.of(width));
  hybrid(o, ids, width);
  return { dict: { entries, bytes }, values: o.bytes.subarray(0, o.pos) };
}

/** Below this many repeats a value goes into a bit-packed run rather than a run of its own. */
const MIN_RLE_RUN = 16;

/**
 * `values` (each below 2^width, width at most 24) in the RLE/bit-packed hybrid: runs of one value
 * as RLE runs, the rest bit-packed in groups of 8 (the last group padded, as only the end may be).
 */
function hybrid(o: ThriftOut, values: Int32Array, width: number): void {
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

/** Nulls among rows [from, to) of a column. */
function nullsIn(v: BufferedColumn, from: number, to: number): number {
  let n = 0;
  if (v.kind === 'string') {
    const lengths = v.lengths;
    for (let i = from; i < to; i++) if (lengths[i] < 0) n++;
  } else if (v.kind === 'dict') {
    const ids = v.ids;
    for (let i = from; i < to; i++) if (ids[i] < 0) n++;
  } else {
    const present = v.present;
    for (let i = from; i < to; i++) if (present[i] === 0) n++;
  }
  return n;
}

/** Per row of column `c` over `spans`, 1 where it holds a value. */
function presence(spans: readonly Span[], c: number, rows: number): Uint8Array {
  const present = new Uint8Array(rows);
  let at = 0;
  for (const sp of spans) {
    const v = sp.b.columns[c];
    if (v.kind === 'string') {
      for (let i = sp.from; i < sp.to; i++) present[at++] = v.lengths[i] >= 0 ? 1 : 0;
    } else if (v.kind === 'dict') {
      for (let i = sp.from; i < sp.to; i++) present[at++] = v.ids[i] >= 0 ? 1 : 0;
    } else {
      present.set(v.present.subarray(sp.from, sp.to), at);
      at += sp.to - sp.from;
    }
  }
  return present;
}

/**
 * Definition levels of a nullable column (1 = present), RLE/bit-packed hybrid at bit width 1,
 * prefixed by their byte length as data page v1 wants. `present` is needed only when some rows
 * are null and some not.
 */
function definitionLevels(present: Uint8Array | null, rows: number, nulls: number): Uint8Array {
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
function plainNumbers(
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
function deltaBinaryPacked(o: ThriftOut, values: ArrayLike<number>): void {
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
 */
function packBits(
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

/** The header of a dictionary page of `entries` PLAIN values, `size` bytes. */
function dictionaryPageHeader(entries: number, size: number): Uint8Array {
  return pageHeaderOf(DICTIONARY_PAGE, size, 7, [entries, ENCODING.PLAIN]);
}

/** The header of a data page of `rows` values in `encoding`, levels RLE, `size` bytes. */
function pageHeader(rows: number, size: number, encoding: number): Uint8Array {
  return pageHeaderOf(DATA_PAGE, size, 5, [rows, encoding, ENCODING.RLE, ENCODING.RLE]);
}

/** A page header: its type and size, then the type's own header (`field`) of i32 fields 1, 2, .... */
function pageHeaderOf(type: number, size: number, field: number, values: readonly number[]): Uint8Array {
  const o = thriftOut(64);
  const s = beginStruct(o);
  i32Field(s, 1, type);
  i32Field(s, 2, size);
  i32Field(s, 3, size);
  const d = structField(s, field);
  for (let k = 0; k < values.length; k++) i32Field(d, k + 1, values[k]);
  endStruct(d);
  endStruct(s);
  return thriftBytes(o).slice();
}

function fileMetaData(
  schema: readonly ParquetColumn[],
  groups: readonly EncodedRowGroup[],
  starts: readonly number[],
  rows: number,
  meta: Record<string, string>,
): Uint8Array {
  const o = thriftOut(4096);
  const s = beginStruct(o);
  i32Field(s, 1, 1); // version
  listField(s, 2, CT.STRUCT, schema.length + 1);
  const root = beginStruct(o);
  stringField(root, 4, 'schema');
  i32Field(root, 5, schema.length);
  endStruct(root);
  for (const col of schema) {
    const e = beginStruct(o);
    i32Field(e, 1, physical[col.type]);
    i32Field(e, 3, col.required ? REQUIRED : OPTIONAL);
    stringField(e, 4, col.name);
    const conv = converted[col.type];
    if (conv !== undefined) i32Field(e, 6, conv);
    endStruct(e);
  }
  i64Field(s, 3, rows);
  listField(s, 4, CT.STRUCT, groups.length);
  for (const [k, g] of groups.entries()) {
    const rg = beginStruct(o);
    listField(rg, 1, CT.STRUCT, schema.length);
    let total = 0;
    for (let c = 0; c < schema.length; c++) {
      const col = schema[c];
      const ch = g.chunks[c];
      const offset = starts[k] + ch.offset;
      total += ch.size;
      const cc = beginStruct(o);
      i64Field(cc, 2, offset);
      const md = structField(cc, 3);
      i32Field(md, 1, physical[col.type]);
      if (ch.dictSize > 0) {
        listField(md, 2, CT.I32, 3);
        i32Elem(o, ENCODING.PLAIN);
      } else listField(md, 2, CT.I32, 2);
      i32Elem(o, ch.encoding);
      i32Elem(o, ENCODING.RLE);
      listField(md, 3, CT.BINARY, 1);
      stringElem(o, col.name);
      i32Field(md, 4, 0); // UNCOMPRESSED
      i64Field(md, 5, g.rows);
      i64Field(md, 6, ch.size);
      i64Field(md, 7, ch.size);
      i64Field(md, 9, offset + ch.dictSize);
      if (ch.dictSize > 0) i64Field(md, 11, offset);
      if (ch.min !== null && ch.max !== null) {
        const st = structField(md, 12);
        i64Field(st, 3, ch.nulls);
        binaryField(st, 5, plainValue(col.type, ch.max));
        binaryField(st, 6, plainValue(col.type, ch.min));
        endStruct(st);
      }
      endStruct(md);
      endStruct(cc);
    }
    i64Field(rg, 2, total);
    i64Field(rg, 3, g.rows);
    endStruct(rg);
  }
  const keys = Object.keys(meta);
  if (keys.length > 0) {
    listField(s, 5, CT.STRUCT, keys.length);
    for (const k of keys) {
      const kv = beginStruct(o);
      stringField(kv, 1, k);
      stringField(kv, 2, meta[k]);
      endStruct(kv);
    }
  }
  stringField(s, 6, 'logpipe');
  endStruct(s);
  return thriftBytes(o).slice();
}

/** One integer value in its plain encoding, as statistics hold it. */
function plainValue(type: ParquetType, v: number): Uint8Array {
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
