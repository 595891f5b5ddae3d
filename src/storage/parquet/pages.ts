/**
 * Pages: which rows of which column buffers a row group holds (spans), each column chunk's data
 * page body built from them (definition levels, then the values: DELTA_LENGTH_BYTE_ARRAY strings,
 * RLE_DICTIONARY indexes with their dictionary page, or PLAIN numbers with min/max), and the page
 * headers (data page v1, dictionary page). String bytes and numbers are not copied: a body's
 * pieces are views of the columns.
 */

import type {
  BufferedColumn,
  ColumnBuffers,
  DictColumn,
  NumberColumn,
  StringColumn,
} from './column-buffers.js';
import { definitionLevels, deltaBinaryPacked, dictionaryIndices, plainNumbers } from './encodings.js';
import { DATA_PAGE, DICTIONARY_PAGE, ENCODING, isString, type ParquetColumn } from './format.js';
import { beginStruct, endStruct, i32Field, structField, thriftBytes, thriftOut } from './thrift.js';

/** Rows [from, to) of one set of columns; `bytesAt[c]` is where row `from` starts in column c's bytes. */
export interface Span {
  b: ColumnBuffers;
  from: number;
  to: number;
  bytesAt: number[];
}

/** The rows of `chunks` cut into row groups of `perGroup` rows (the last may be short). */
export function rowGroupSpans(chunks: readonly ColumnBuffers[], perGroup: number): Span[][] {
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
export function encodePage(
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
  return { dict: { entries, bytes }, values: dictionaryIndices(ids, entries) };
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

/** The header of a dictionary page of `entries` PLAIN values, `size` bytes. */
export function dictionaryPageHeader(entries: number, size: number): Uint8Array {
  return pageHeaderOf(DICTIONARY_PAGE, size, 7, [entries, ENCODING.PLAIN]);
}

/** The header of a data page of `rows` values in `encoding`, levels RLE, `size` bytes. */
export function pageHeader(rows: number, size: number, encoding: number): Uint8Array {
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
