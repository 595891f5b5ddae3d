/**
 * Columns filled a value at a time, in the byte form a Parquet page needs: strings as their UTF-8
 * bytes back to back with a length each, numbers in a Float64Array. Strings are encoded the moment
 * they arrive, so the JavaScript strings (and the events holding them) can be dropped at once:
 * rows waiting to be written live outside the heap instead of being copied by every scavenge.
 */

/** A string column: value i is `data[start_i, start_i + lengths[i])`; a length of -1 is a null. */
export interface StringColumn {
  kind: 'string';
  data: Buffer;
  /** Bytes of `data` in use. */
  used: number;
  lengths: Int32Array;
  /** The last value written, and where: runs of one value (a batch's source, level) copy bytes. */
  prev: string | null;
  prevAt: number;
  prevLen: number;
}

/** A numeric column: `present[i]` is 0 for a null. Integers stay exact up to 2^53. */
export interface NumberColumn {
  kind: 'number';
  values: Float64Array;
  present: Uint8Array;
}

/**
 * A column of few distinct values (a file's source and format, a level, a user agent): each row
 * holds the index of its value in the column's own dictionary, whose values' bytes are kept once.
 * Segments store it as a Parquet dictionary page, so such a value takes a few bits a row instead
 * of its text, in memory, between threads and on disk.
 */
export interface DictColumn {
  kind: 'dict';
  /** Per row, the index of its value in the dictionary; -1 for a null. */
  ids: Int32Array;
  /** The dictionary's values as UTF-8, back to back: entry k is `data[at[k], at[k] + lengths[k])`. */
  data: Buffer;
  used: number;
  entries: number;
  at: Int32Array;
  lengths: Int32Array;
  /** Entry by value, and each entry's value as put. */
  index: Map<string, number>;
  values: string[];
  /** The last entry put, + 1 (0: none), by the value's length modulo BY_LENGTH. */
  byLength: Int32Array;
  /** The last value put, and its entry: a batch's lines share their source, format, level. */
  prev: string | null;
  prevId: number;
}

export type ColumnKind = 'string' | 'number' | 'dict';

export type BufferedColumn = StringColumn | NumberColumn | DictColumn;

/** Columns of equal length; `rows` values are set in each. */
export interface ColumnBuffers {
  rows: number;
  capacity: number;
  columns: BufferedColumn[];
}

/** Empty columns, one per entry of `kinds`, with room for `capacity` rows before they grow. */
export function columnBuffers(kinds: readonly ColumnKind[], capacity = 1024): ColumnBuffers {
  const cap = Math.max(16, capacity);
  return {
    rows: 0,
    capacity: cap,
    columns: kinds.map((k): BufferedColumn => {
      if (k === 'string') {
        return {
          kind: 'string',
          data: Buffer.allocUnsafe(cap * 32),
          used: 0,
          lengths: new Int32Array(cap),
          prev: null,
          prevAt: 0,
          prevLen: 0,
        };
      }
      if (k === 'dict') return dictColumn(cap);
      return { kind: 'number', values: new Float64Array(cap), present: new Uint8Array(cap) };
    }),
  };
}

/** An empty dictionary column with room for `rows` rows. */
function dictColumn(rows: number): DictColumn {
  return {
    kind: 'dict',
    ids: new Int32Array(rows),
    data: Buffer.allocUnsafe(1024),
    used: 0,
    entries: 0,
    at: new Int32Array(16),
    lengths: new Int32Array(16),
    index: new Map(),
    values: [],
    byLength: new Int32Array(BY_LENGTH),
    prev: null,
    prevId: -1,
  };
}

/** Empties the columns for reuse, keeping their memory. */
export function resetColumns(b: ColumnBuffers): void {
  b.rows = 0;
  for (const c of b.columns) {
    if (c.kind === 'string') {
      c.used = 0;
      c.prev = null;
    } else if (c.kind === 'dict') {
      c.used = 0;
      c.entries = 0;
      c.index.clear();
      c.values.length = 0;
      c.byLength.fill(0);
      c.prev = null;
      c.prevId = -1;
    }
  }
}

/** Makes room for `more` rows beyond `rows`. */
export function reserveRows(b: ColumnBuffers, more: number): void {
  const need = b.rows + more;
  if (need <= b.capacity) return;
  let cap = b.capacity * 2;
  while (cap < need) cap *= 2;
  for (const c of b.columns) {
    if (c.kind === 'string') {
      const lengths = new Int32Array(cap);
      lengths.set(c.lengths.subarray(0, b.rows));
      c.lengths = lengths;
    } else if (c.kind === 'dict') {
      const ids = new Int32Array(cap);
      ids.set(c.ids.subarray(0, b.rows));
      c.ids = ids;
    } else {
      const values = new Float64Array(cap);
      values.set(c.values.subarray(0, b.rows));
      c.values = values;
      const present = new Uint8Array(cap);
      present.set(c.present.subarray(0, b.rows));
      c.present = present;
    }
  }
  b.capacity = cap;
}

/** Sets row `i` of a string column (rows are written in order; `null` for none). */
export function putString(c: StringColumn, i: number, v: string | null): void {
  if (v === null) {
    c.lengths[i] = -1;
    return;
  }
  if (v === c.prev) {
    // The same string object or text as the last value: copy its bytes, no UTF-8 encoding.
    const len = c.prevLen;
    reserveBytes(c, len);
    const d = c.data;
    const at = c.used;
    if (len < SHORT) {
      const from = c.prevAt;
      for (let k = 0; k < len; k++) d[at + k] = d[from + k];
    } else d.copyWithin(at, c.prevAt, c.prevAt + len);
    c.lengths[i] = len;
    c.used = at + len;
    return;
  }
  // A UTF-16 code unit never takes more than 3 bytes of UTF-8.
  reserveBytes(c, v.length * 3);
  const at = c.used;
  const w = writeText(c.data, at, v);
  c.lengths[i] = w;
  c.prev = v;
  c.prevAt = at;
  c.prevLen = w;
  c.used = at + w;
}

/**
 * Sets row `i` of a string column to `s.slice(from, to)` without making that string: a short
 * ASCII part is copied a char at a time, anything else sliced and encoded.
 */
export function putPart(c: StringColumn, i: number, s: string, from: number, to: number): void {
  reserveBytes(c, (to - from) * 3);
  const w = writePart(c.data, c.used, s, from, to);
  c.lengths[i] = w;
  c.used += w;
  c.prev = null;
}

/**
 * Sets row `i` of a string column to `s` with its code units `[at, at + length)` replaced by one
 * `0`, without making that string (a line without its time text, rows/time-span.ts): the parts
 * are written where they lie. The units around the cut are never half of a surrogate pair.
 */
export function putCut(c: StringColumn, i: number, s: string, at: number, length: number): void {
  reserveBytes(c, (s.length - length + 1) * 3);
  const d = c.data;
  const start = c.used;
  let w = start + writePart(d, start, s, 0, at);
  d[w++] = 0x30;
  w += writePart(d, w, s, at + length, s.length);
  c.lengths[i] = w - start;
  c.used = w;
  c.prev = null;
}

/** Writes `s.slice(from, to)` as UTF-8 at `at`, making no string for a short ASCII part. */
function writePart(d: Buffer, at: number, s: string, from: number, to: number): number {
  const len = to - from;
  if (len < SHORT) {
    let k = 0;
    for (; k < len; k++) {
      const ch = s.charCodeAt(from + k);
      if (ch >= 0x80) break;
      d[at + k] = ch;
    }
    if (k === len) return len;
  }
  return len === 0 ? 0 : utf8At(d, at, s.slice(from, to));
}

/** Below this many chars a string is copied a char at a time: the native writer's call costs more. */
const SHORT = 24;

/** Writes `v` as UTF-8 at `at` (room for 3 bytes a char is the caller's); returns the bytes written. */
export function writeText(d: Buffer, at: number, v: string): number {
  const n = v.length;
  if (n < SHORT) {
    let k = 0;
    for (; k < n; k++) {
      const ch = v.charCodeAt(k);
      if (ch >= 0x80) break;
      d[at + k] = ch;
    }
    // Anything beyond ASCII: the native writer starts over.
    if (k === n) return n;
  }
  return utf8At(d, at, v);
}

/** Buffer's own UTF-8 writer, which `Buffer.prototype.write` calls after checking its arguments. */
interface Utf8Writer {
  utf8Write(s: string, offset: number, length: number): number;
}

/**
 * Writes `v` as UTF-8 at `at` (the room is the caller's); returns the bytes written. Calls the
 * writer `write` ends in: `write`'s argument checks cost as much as the copy of a 150-char line
 * (141 against 74 ns a call; they were 188 ms of the real-shaped import's 4.7 s parse worker).
 */
export function utf8At(d: Buffer, at: number, v: string): number {
  return (d as unknown as Utf8Writer).utf8Write(v, at, d.length - at);
}

/** Sets row `i` of a dictionary column (`null` for none). */
export function putDict(c: DictColumn, i: number, v: string | null): void {
  if (v === null) {
    c.ids[i] = -1;
    return;
  }
  if (v === c.prev) {
    c.ids[i] = c.prevId;
    return;
  }
  const id = c.index.get(v) ?? addEntry(c, v);
  c.ids[i] = id;
  c.prev = v;
  c.prevId = id;
}

/** Slots of `DictColumn.byLength`. */
const BY_LENGTH = 256;

/**
 * Sets row `i` of a dictionary column to `s.slice(from, to)`. Distinct values of a column mostly
 * differ in length (user agents do), so the last entry of that length is tried first: a plain
 * comparison. Only when it differs is the part looked up by V8's own string hashing, which beats
 * hashing the chars in JavaScript by far but, for a slice of a line, is still the dearer step
 * (with it alone, 8 % of `logpipe run`'s CPU went to hashing; `startsWith` in place of the slice
 * took 1.2-1.5 times as long).
 */
export function putDictPart(c: DictColumn, i: number, s: string, from: number, to: number): void {
  const v = s.slice(from, to);
  const slot = (to - from) & (BY_LENGTH - 1);
  const last = c.byLength[slot] - 1;
  if (last >= 0 && c.values[last] === v) {
    c.ids[i] = last;
    return;
  }
  const id = c.index.get(v) ?? addEntry(c, v);
  c.byLength[slot] = id + 1;
  c.ids[i] = id;
}

/** Adds `v` to the dictionary (once per distinct value); returns its entry. */
function addEntry(c: DictColumn, v: string): number {
  // Not reserveBytes: string columns' hot path would see two shapes there.
  if (c.used + v.length * 3 > c.data.length) c.data = grown(c.data, c.used, v.length * 3);
  const at = c.used;
  const w = writeText(c.data, at, v);
  if (w !== v.length) {
    // Strings that differ only in lone surrogates write the same bytes (U+FFFD): one entry.
    const text = c.data.toString('utf8', at, at + w);
    const known = text === v ? undefined : c.index.get(text);
    if (known !== undefined) {
      c.index.set(v, known);
      return known;
    }
    if (text !== v) c.index.set(text, c.entries);
  }
  const e = newEntry(c, w);
  // A key cut from a line keeps that line alive, but only until the column is reset: once per
  // distinct value of one batch.
  c.index.set(v, e);
  c.values[e] = v;
  return e;
}

/** The entry of the UTF-8 bytes `b[from, from + len)`, added when new. */
function dictIdOfBytes(c: DictColumn, b: Uint8Array, from: number, len: number): number {
  const v = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8', from, from + len);
  return c.index.get(v) ?? addEntry(c, v);
}

/** Claims the next entry: `len` bytes at the end of the data (written there by the caller). */
function newEntry(c: DictColumn, len: number): number {
  const e = c.entries;
  if (e === c.at.length) {
    const at = new Int32Array(e * 2);
    at.set(c.at);
    c.at = at;
    const lengths = new Int32Array(e * 2);
    lengths.set(c.lengths);
    c.lengths = lengths;
  }
  c.at[e] = c.used;
  c.lengths[e] = len;
  c.used += len;
  c.entries = e + 1;
  return e;
}

/**
 * A dictionary column over entries read from elsewhere (a request body): `data` holds the
 * entries' bytes back to back with `lengths` each, `ids` the rows. Its index is built again, so
 * rows can be appended to it too.
 */
export function dictFromParts(
  ids: Int32Array,
  data: Buffer,
  lengths: Int32Array,
  entries: number,
): DictColumn {
  const c = dictColumn(0);
  c.ids = ids;
  for (let e = 0, pos = 0; e < entries; e++) {
    const id = dictIdOfBytes(c, data, pos, lengths[e]);
    // Our writers never repeat an entry; a sender's repeats would make ids ambiguous.
    if (id !== e) throw new Error(`dictionary entry ${e} repeats entry ${id}`);
    pos += lengths[e];
  }
  return c;
}

/** Sets row `i` of a numeric column (`null` for none). */
export function putNumber(c: NumberColumn, i: number, v: number | null): void {
  if (v === null) {
    c.present[i] = 0;
    c.values[i] = 0;
    return;
  }
  c.values[i] = v;
  c.present[i] = 1;
}

/** Makes room for `more` bytes at the end of a string column's data. */
export function reserveBytes(c: StringColumn, more: number): void {
  if (c.used + more > c.data.length) c.data = grown(c.data, c.used, more);
}

/** Copies bytes onto the end of a string column's data (their lengths are set by the caller). */
export function appendBytes(c: StringColumn, bytes: Uint8Array): void {
  reserveBytes(c, bytes.length);
  c.data.set(bytes, c.used);
  c.used += bytes.length;
}

/** A larger copy of `data` (its first `used` bytes kept) with room for `more` after them. */
function grown(data: Buffer, used: number, more: number): Buffer {
  const next = Buffer.allocUnsafe(Math.max(data.length * 2, used + more));
  data.copy(next, 0, 0, used);
  return next;
}

/** A copy of the rows whose `keep` flag is set, in order. */
export function keepRows(b: ColumnBuffers, keep: Uint8Array): ColumnBuffers {
  let n = 0;
  for (let i = 0; i < b.rows; i++) if (keep[i]) n++;
  const out = columnBuffers(
    b.columns.map((c) => c.kind),
    n,
  );
  appendColumns(out, b, keep);
  return out;
}

/**
 * Copies rows of `from` onto the end of `to` (same column kinds): all of them, or those whose
 * `pick` flag is set, in order.
 */
export function appendColumns(to: ColumnBuffers, from: ColumnBuffers, pick: Uint8Array | null = null): void {
  let n = from.rows;
  if (pick !== null) {
    n = 0;
    for (let i = 0; i < from.rows; i++) if (pick[i]) n++;
  }
  reserveRows(to, n);
  const at = to.rows;
  for (let c = 0; c < from.columns.length; c++) {
    const src = from.columns[c];
    const dst = to.columns[c];
    if (src.kind === 'string' && dst.kind === 'string') {
      dst.prev = null; // the next value put must not copy bytes from before these
      if (pick === null) {
        appendBytes(dst, src.data.subarray(0, src.used));
        dst.lengths.set(src.lengths.subarray(0, from.rows), at);
        continue;
      }
      let pos = 0;
      let j = at;
      for (let i = 0; i < from.rows; i++) {
        const len = src.lengths[i];
        if (pick[i]) {
          dst.lengths[j++] = len;
          if (len > 0) {
            reserveBytes(dst, len);
            src.data.copy(dst.data, dst.used, pos, pos + len);
            dst.used += len;
          }
        }
        if (len > 0) pos += len;
      }
    } else if (src.kind === 'dict' && dst.kind === 'dict') {
      // Entries are looked up in `dst`'s dictionary as rows first use them.
      const remap = new Int32Array(src.entries).fill(-1);
      let j = at;
      for (let i = 0; i < from.rows; i++) {
        if (pick !== null && !pick[i]) continue;
        const id = src.ids[i];
        if (id < 0) dst.ids[j++] = -1;
        else {
          let m = remap[id];
          if (m < 0) m = remap[id] = dictIdOfBytes(dst, src.data, src.at[id], src.lengths[id]);
          dst.ids[j++] = m;
        }
      }
      dst.prev = null;
    } else if (src.kind === 'number' && dst.kind === 'number') {
      if (pick === null) {
        dst.values.set(src.values.subarray(0, from.rows), at);
        dst.present.set(src.present.subarray(0, from.rows), at);
        continue;
      }
      let j = at;
      for (let i = 0; i < from.rows; i++) {
        if (!pick[i]) continue;
        dst.values[j] = src.values[i];
        dst.present[j++] = src.present[i];
      }
    } else {
      throw new Error(`column ${c} holds ${src.kind}s where ${dst.kind}s are expected`);
    }
  }
  to.rows = at + n;
}

/** Bytes a set of columns holds: string bytes plus 8 a number. */
export function columnBytes(b: ColumnBuffers): number {
  let n = 0;
  for (const c of b.columns) {
    if (c.kind === 'string') n += c.used + 4 * b.rows;
    else if (c.kind === 'dict') n += c.used + 8 * c.entries + 4 * b.rows;
    else n += 9 * b.rows;
  }
  return n;
}

/** Bytes a set of columns has allocated. */
export function columnCapacity(b: ColumnBuffers): number {
  let n = 0;
  for (const c of b.columns) {
    if (c.kind === 'string') n += c.data.length + 4 * b.capacity;
    else if (c.kind === 'dict') n += c.data.length + 8 * c.at.length + 4 * b.capacity;
    else n += 9 * b.capacity;
  }
  return n;
}

/** The first `rows` values of a string or dictionary column, null for a null. */
export function columnStrings(c: StringColumn | DictColumn, rows: number): (string | null)[] {
  const out: (string | null)[] = [];
  if (c.kind === 'dict') {
    const values: string[] = [];
    for (let e = 0; e < c.entries; e++) values.push(c.data.toString('utf8', c.at[e], c.at[e] + c.lengths[e]));
    for (let i = 0; i < rows; i++) out.push(c.ids[i] < 0 ? null : values[c.ids[i]]);
    return out;
  }
  let pos = 0;
  for (let i = 0; i < rows; i++) {
    const len = c.lengths[i];
    if (len < 0) out.push(null);
    else {
      out.push(c.data.toString('utf8', pos, pos + len));
      pos += len;
    }
  }
  return out;
}
