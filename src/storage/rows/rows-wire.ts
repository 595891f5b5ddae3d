/**
 * Segment rows as bytes on the wire, so `logpipe parse` can hand the store rows it has already
 * encoded instead of events as JSON: the store then copies buffers where it would decode JSON
 * and encode every string again (under `logpipe up` those were most of the store's work).
 *
 * Layout (framing in core/binary-body.ts): `LPR1`, a u32 header length, the JSON header, then,
 * each starting at a multiple of 8 bytes, the rows' key indexes (i32) and per column either its
 * string lengths (i32) and bytes; or, for a dictionary column, its rows' entry indexes (i32), the
 * entries' lengths (i32) and bytes; or its values (f64) and presence flags (u8). Numbers are in the sender's byte order, which the
 * header names. The receiver checks everything before a row is kept: a malformed body is refused
 * with a message, never stored.
 */
import { isUtf8 } from 'node:buffer';
import { bodyHead, pad8, readBodyHead } from '../../core/binary-body.js';
import { UserError } from '../../core/errors.js';
import { type BufferedColumn, type ColumnBuffers, dictFromParts } from '../parquet/column-buffers.js';
import { NOT_NULL_COLUMNS, TABLE_COLUMNS } from './columns.js';
import { type EncodedRows, type EventRows, ROW_KINDS, SEGMENT_ENCODING } from './event-columns.js';

/** The media type of a request body holding encoded rows. */
export const ROWS_MEDIA_TYPE = 'application/vnd.logpipe.segment-rows';

const TAG = 'LPR1';
/** Rows in one body, at most: a bound on what a header can make the receiver allocate. */
const MAX_ROWS = 10_000_000;

interface Header {
  encoding: string;
  rows: number;
  keys: string[];
  /** Per column: `s<bytes used>` for strings, `d<bytes used>:<entries>` for dictionaries, `n` for numbers. */
  columns: string[];
}

/** The body for `rows`, as pieces to send in order. */
export function serializeRows(encoded: EncodedRows): Buffer[] {
  const r = encoded.rows;
  const n = r.columns.rows;
  const header: Header = {
    encoding: SEGMENT_ENCODING,
    rows: n,
    keys: r.keys,
    columns: r.columns.columns.map((c) =>
      c.kind === 'string' ? `s${c.used}` : c.kind === 'dict' ? `d${c.used}:${c.entries}` : 'n',
    ),
  };
  const out: Buffer[] = [bodyHead(TAG, header)];
  const section = (a: ArrayBufferView, bytes: number): void => {
    out.push(Buffer.from(a.buffer, a.byteOffset, bytes));
    if (pad8(bytes) !== bytes) out.push(Buffer.alloc(pad8(bytes) - bytes));
  };
  section(r.keyOf, n * 4);
  for (const c of r.columns.columns) {
    if (c.kind === 'string') {
      section(c.lengths, n * 4);
      section(c.data, c.used);
    } else if (c.kind === 'dict') {
      section(c.ids, n * 4);
      section(c.lengths, c.entries * 4);
      section(c.data, c.used);
    } else {
      section(c.values, n * 8);
      section(c.present, n);
    }
  }
  return out;
}

/**
 * Reads a body written by `serializeRows`; throws UserError naming what is wrong. `trusted`
 * (rows from this process's own worker threads) skips the checks of every row's values and of
 * the text's UTF-8, keeping those of the layout.
 */
export function deserializeRows(body: Uint8Array, opts: { trusted?: boolean } = {}): EncodedRows {
  const check = opts.trusted !== true;
  const bad = (what: string): never => {
    throw new UserError(`bad segment rows: ${what}`);
  };
  const { header, buf, at } = readBodyHead(body, TAG, 'bad segment rows');
  const h = header as unknown as Header;
  if (h.encoding !== SEGMENT_ENCODING) bad(`encoding ${String(h.encoding)}, expected ${SEGMENT_ENCODING}`);
  const n = h.rows;
  if (!Number.isInteger(n) || n < 0 || n > MAX_ROWS) bad(`row count ${String(n)}`);
  if (!Array.isArray(h.keys) || h.keys.some((k) => typeof k !== 'string' || !k.includes('\0'))) {
    bad('keys must be "source\\0generation" strings');
  }
  if (!Array.isArray(h.columns) || h.columns.length !== TABLE_COLUMNS.length) {
    bad(
      `${Array.isArray(h.columns) ? h.columns.length : 'no'} columns, the table has ${TABLE_COLUMNS.length}`,
    );
  }
  let pos = at;
  const take = (bytes: number, what: string): number => {
    if (pos + bytes > buf.length) bad(`${what} runs past the body`);
    const at = buf.byteOffset + pos;
    pos += pad8(bytes);
    return at;
  };
  const keyOf = new Int32Array(buf.buffer, take(n * 4, 'the key indexes'), n);
  for (let i = 0; check && i < n; i++) {
    if (keyOf[i] < -1 || keyOf[i] >= h.keys.length) bad(`row ${i} names key ${keyOf[i]}`);
  }
  const columns: BufferedColumn[] = [];
  for (let c = 0; c < TABLE_COLUMNS.length; c++) {
    const spec = TABLE_COLUMNS[c];
    const kind = String(h.columns[c]);
    const required = NOT_NULL_COLUMNS.has(spec.name);
    if (ROW_KINDS[c] === 'dict') {
      const m = /^d(\d+):(\d+)$/.exec(kind);
      if (m === null) bad(`column ${spec.name} should hold a dictionary`);
      const used = Number(m![1]);
      const entries = Number(m![2]);
      if (entries > MAX_ROWS) bad(`column ${spec.name}: ${entries} dictionary entries`);
      const ids = new Int32Array(buf.buffer, take(n * 4, `column ${spec.name}`), n);
      const lengths = new Int32Array(buf.buffer, take(entries * 4, `column ${spec.name}`), entries);
      const data = Buffer.from(buf.buffer, take(used, `column ${spec.name}`), used);
      if (check) {
        for (let i = 0; i < n; i++) {
          const id = ids[i];
          if (id < -1 || id >= entries || (id === -1 && required))
            bad(`column ${spec.name}, row ${i}: entry ${id}`);
        }
        let sum = 0;
        for (let e = 0; e < entries; e++) {
          if (lengths[e] < 0) bad(`column ${spec.name}, entry ${e}: length ${lengths[e]}`);
          sum += lengths[e];
        }
        if (sum !== used) bad(`column ${spec.name}: lengths add up to ${sum} of ${used} bytes`);
        if (!isUtf8(data)) bad(`column ${spec.name} is not UTF-8`);
      }
      try {
        columns.push(dictFromParts(ids, data, lengths, entries));
      } catch (err) {
        bad(`column ${spec.name}: ${(err as Error).message}`);
      }
    } else if (spec.type === 'string') {
      const used = Number(kind.slice(1));
      if (kind[0] !== 's' || !Number.isInteger(used) || used < 0)
        bad(`column ${spec.name} should hold strings`);
      const lengths = new Int32Array(buf.buffer, take(n * 4, `column ${spec.name}`), n);
      const data = Buffer.from(buf.buffer, take(used, `column ${spec.name}`), used);
      if (check) {
        let sum = 0;
        for (let i = 0; i < n; i++) {
          const len = lengths[i];
          if (len < -1 || (len === -1 && required)) bad(`column ${spec.name}, row ${i}: length ${len}`);
          if (len > 0) sum += len;
        }
        if (sum !== used) bad(`column ${spec.name}: lengths add up to ${sum} of ${used} bytes`);
        if (!isUtf8(data)) bad(`column ${spec.name} is not UTF-8`);
      }
      columns.push({ kind: 'string', data, used, lengths, prev: null, prevAt: 0, prevLen: 0 });
    } else {
      if (kind !== 'n') bad(`column ${spec.name} should hold numbers`);
      const values = new Float64Array(buf.buffer, take(n * 8, `column ${spec.name}`), n);
      const present = new Uint8Array(buf.buffer, take(n, `column ${spec.name}`), n);
      const whole = spec.type !== 'double';
      for (let i = 0; check && i < n; i++) {
        const p = present[i];
        if (p > 1 || (p === 0 && required)) bad(`column ${spec.name}, row ${i}: missing`);
        if (p === 1 && !fits(spec.type, values[i], whole)) bad(`column ${spec.name}, row ${i}: ${values[i]}`);
      }
      columns.push({ kind: 'number', values, present });
    }
  }
  if (buf.length > pos) bad('bytes left after the last column');
  const cols: ColumnBuffers = { rows: n, capacity: n, columns };
  const rows: EventRows = {
    columns: cols,
    keyOf,
    keys: h.keys,
    keyIndex: new Map(h.keys.map((k, i) => [k, i])),
    lastSource: null,
    lastGeneration: null,
    lastKey: -1,
  };
  return { encoding: SEGMENT_ENCODING, count: n, rows };
}

function fits(type: string, v: number, whole: boolean): boolean {
  if (!Number.isFinite(v)) return false;
  if (!whole) return true;
  if (type === 'integer') return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
  return Number.isSafeInteger(v);
}
