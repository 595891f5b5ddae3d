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

export type BufferedColumn = StringColumn | NumberColumn;

/** Columns of equal length; `rows` values are set in each. */
export interface ColumnBuffers {
  rows: number;
  capacity: number;
  columns: BufferedColumn[];
}

/** Empty columns, one per entry of `kinds`, with room for `capacity` rows before they grow. */
export function columnBuffers(kinds: readonly ('string' | 'number')[], capacity = 1024): ColumnBuffers {
  const cap = Math.max(16, capacity);
  return {
    rows: 0,
    capacity: cap,
    columns: kinds.map((k) =>
      k === 'string'
        ? {
            kind: 'string' as const,
            data: Buffer.allocUnsafe(cap * 32),
            used: 0,
            lengths: new Int32Array(cap),
            prev: null,
            prevAt: 0,
            prevLen: 0,
          }
        : { kind: 'number' as const, values: new Float64Array(cap), present: new Uint8Array(cap) },
    ),
  };
}

/** Empties the columns for reuse, keeping their memory. */
export function resetColumns(b: ColumnBuffers): void {
  b.rows = 0;
  for (const c of b.columns) {
    if (c.kind === 'string') {
      c.used = 0;
      c.prev = null;
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
  const len = to - from;
  reserveBytes(c, len * 3);
  const d = c.data;
  const at = c.used;
  let w = -1;
  if (len < SHORT) {
    let k = 0;
    for (; k < len; k++) {
      const ch = s.charCodeAt(from + k);
      if (ch >= 0x80) break;
      d[at + k] = ch;
    }
    if (k === len) w = len;
  }
  if (w < 0) w = d.write(s.slice(from, to), at);
  c.lengths[i] = w;
  c.used = at + w;
  c.prev = null;
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
  return d.write(v, at);
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
  if (c.used + more > c.data.length) growData(c, more);
}

/** Copies bytes onto the end of a string column's data (their lengths are set by the caller). */
export function appendBytes(c: StringColumn, bytes: Uint8Array): void {
  reserveBytes(c, bytes.length);
  c.data.set(bytes, c.used);
  c.used += bytes.length;
}

function growData(c: StringColumn, more: number): void {
  const next = Buffer.allocUnsafe(Math.max(c.data.length * 2, c.used + more));
  c.data.copy(next, 0, 0, c.used);
  c.data = next;
}

/** Where each value of a string column starts in `data`. */
export function stringStarts(c: StringColumn, rows: number): Int32Array {
  const starts = new Int32Array(rows);
  let pos = 0;
  for (let i = 0; i < rows; i++) {
    starts[i] = pos;
    const len = c.lengths[i];
    if (len > 0) pos += len;
  }
  return starts;
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
  for (const c of b.columns) n += c.kind === 'string' ? c.used + 4 * b.rows : 9 * b.rows;
  return n;
}

/** Bytes a set of columns has allocated. */
export function columnCapacity(b: ColumnBuffers): number {
  let n = 0;
  for (const c of b.columns) n += c.kind === 'string' ? c.data.length + 4 * b.capacity : 9 * b.capacity;
  return n;
}
