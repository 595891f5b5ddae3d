/**
 * Segment rows as bytes on the wire, so `logpipe parse` can hand the store rows it has already
 * encoded instead of events as JSON: the store then copies buffers where it would decode JSON
 * and encode every string again (under `logpipe up` those were most of the store's work).
 *
 * Layout (framing in core/binary-body.ts): `LPR1`, a u32 header length, the JSON header, then,
 * each starting at a multiple of 8 bytes, the rows' key indexes (i32) and per column either its
 * string lengths (i32) and bytes; or, for a dictionary column, its rows' entry indexes (i32), the
 * entries' lengths (i32) and bytes; or its values (f64) and presence flags (u8). Numbers are in
 * the sender's byte order, which the header names. The receiver checks everything before a row
 * is kept: the layout, every length and index, UTF-8, each row's `fields` as one JSON object,
 * numbers in their column's range, levels, offsets, the rows' keys against their source and
 * generation, and what a rebuilt line needs. A malformed body is refused with a message, never
 * stored: one bad `fields` value stored would fail every query that reads its segment.
 */
import { isUtf8 } from 'node:buffer';
import { bodyHead, pad8, readBodyHead } from '../../core/binary-body.js';
import { UserError } from '../../core/errors.js';
import { LEVELS } from '../../core/events.js';
import { RAW_LAYOUTS } from '../../core/raw-layouts.js';
import { FIELDS_COLUMN, RAW_ZONE_COLUMN } from '../../core/schema.js';
import {
  type BufferedColumn,
  type ColumnBuffers,
  type DictColumn,
  dictFromParts,
  type NumberColumn,
  type StringColumn,
} from '../parquet/column-buffers.js';
import { MESSAGE_PLACE_COLUMN, NOT_NULL_COLUMNS, TABLE_COLUMNS, TIME_PLACE_COLUMN } from './columns.js';
import { type EncodedRows, type EventRows, ROW_KINDS, SEGMENT_ENCODING } from './event-columns.js';
import { jsonObjectError } from './json-check.js';
import { placeAt, placeTail, utf8CodePoints } from './message-span.js';
import { MAX_TIME_ZONE, timeLayout, timePlaceAt, timePlaceLayout, timePlaceZone } from './time-span.js';

/** The media type of a request body holding encoded rows. */
export const ROWS_MEDIA_TYPE = 'application/vnd.logpipe.segment-rows';

const TAG = 'LPR1';
/** Rows in one body, at most: a bound on what a header can make the receiver allocate. */
const MAX_ROWS = 10_000_000;

const column = (name: string): number => TABLE_COLUMNS.findIndex((c) => c.name === name);
const LEVEL = column('level');
const SOURCE = column('source');
const GENERATION = column('generation');
const OFFSET = column('offset');
const FORMAT = column('format');
const MESSAGE = column('message');
const RAW = column('raw');
const FIELDS = column(FIELDS_COLUMN);
const RAW_ZONE = column(RAW_ZONE_COLUMN);
const MESSAGE_PLACE = column(MESSAGE_PLACE_COLUMN);
const TIME_PLACE = column(TIME_PLACE_COLUMN);
/** A rebuilt line's zone comes from four digits `hhmm` (core/raw-layouts): 99 h 99 min at most. */
const MAX_ZONE_MINUTES = 99 * 60 + 99;
const LEVEL_SET: ReadonlySet<string> = new Set(LEVELS);

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
 * The body for `rows` in shared memory, for a worker thread's answer: in `into` (memory an earlier
 * answer brought back for reuse) when it fits, else in new memory with a quarter to spare, so it
 * is reused the next times.
 */
export function serializeRowsShared(encoded: EncodedRows, into: SharedArrayBuffer | null): Uint8Array {
  const pieces = serializeRows(encoded);
  let size = 0;
  for (const p of pieces) size += p.length;
  const out =
    into !== null && into.byteLength >= size
      ? new Uint8Array(into, 0, size)
      : new Uint8Array(new SharedArrayBuffer(Math.ceil(size * 1.25)), 0, size);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
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
        if (c === FIELDS) checkFieldsJson(data, lengths, n, bad);
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
  if (check) checkRows(columns, keyOf, h.keys, n, bad);
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

/** Each row's `fields` is one JSON object (DuckDB parses the column whenever it is read). */
function checkFieldsJson(data: Buffer, lengths: Int32Array, n: number, bad: (what: string) => never): void {
  for (let i = 0, at = 0; i < n; i++) {
    const len = lengths[i];
    if (len < 0) continue;
    const wrong = jsonObjectError(data, at, at + len);
    if (wrong !== null) bad(`column ${FIELDS_COLUMN}, row ${i}: ${wrong}`);
    at += len;
  }
}

/**
 * What holds across a row's columns: its level is one of LEVELS, its offset not negative, its key
 * the one of its source and generation (the store skips duplicates by key, and keeps the
 * columns), a row whose line is rebuilt (a zone set) has an access format's layout, a zone
 * a date can write, and no stored `raw` or `message`, and a row whose message is cut from its
 * line keeps the line, not the message, and a place for it inside the line.
 */
function checkRows(
  columns: BufferedColumn[],
  keyOf: Int32Array,
  keys: string[],
  n: number,
  bad: (what: string) => never,
): void {
  const level = columns[LEVEL] as DictColumn;
  for (let e = 0; e < level.entries; e++) {
    if (!LEVEL_SET.has(level.values[e])) bad(`column level, entry ${e}: "${level.values[e]}" is not a level`);
  }
  const offsets = columns[OFFSET] as NumberColumn;
  for (let i = 0; i < n; i++) if (offsets.values[i] < 0) bad(`column offset, row ${i}: ${offsets.values[i]}`);
  // The key each (source entry, generation entry) pair must have, found once per pair.
  const source = columns[SOURCE] as DictColumn;
  const generation = columns[GENERATION] as DictColumn;
  const keyFor = new Map<number, number>();
  let lastPair = -1;
  let lastKey = 0;
  for (let i = 0; i < n; i++) {
    const pair = source.ids[i] * generation.entries + generation.ids[i];
    const k = keyOf[i];
    if (pair === lastPair && k === lastKey) continue;
    // -1: no key (no generation); else the index of the key (-2 when the keys lack it).
    let want = keyFor.get(pair);
    if (want === undefined) {
      const gen = generation.values[generation.ids[i]];
      if (gen === '') want = -1;
      else {
        const key = `${source.values[source.ids[i]]}\0${gen}`;
        want = k >= 0 && keys[k] === key ? k : keys.indexOf(key);
        if (want < 0) want = -2;
      }
      keyFor.set(pair, want);
    }
    if (k !== want && (k < 0 || want < 0 || keys[k] !== keys[want])) {
      bad(`row ${i} names key ${k}, not the one of its source and generation`);
    }
    lastPair = pair;
    lastKey = k;
  }
  const zone = columns[RAW_ZONE] as NumberColumn;
  const format = columns[FORMAT] as DictColumn;
  const message = columns[MESSAGE] as StringColumn;
  const raw = columns[RAW] as StringColumn;
  for (let i = 0; i < n; i++) {
    if (zone.present[i] === 0) continue;
    const z = zone.values[i];
    if (z < -MAX_ZONE_MINUTES || z > MAX_ZONE_MINUTES) bad(`column raw_zone, row ${i}: ${z}`);
    if (RAW_LAYOUTS[format.values[format.ids[i]]] === undefined) {
      bad(`row ${i}: a rebuilt line of format "${format.values[format.ids[i]]}", which has no layout`);
    }
    if (message.lengths[i] !== -1 || raw.lengths[i] !== -1)
      bad(`row ${i}: a rebuilt line that keeps its text`);
  }
  checkMessagePlaces(columns, n, bad);
  checkTimePlaces(columns, n, bad);
}

/**
 * Rows whose line is kept without its time text: a place on a code point of a line kept, a
 * layout the store renders, a zone within a day.
 */
function checkTimePlaces(columns: BufferedColumn[], n: number, bad: (what: string) => never): void {
  const place = columns[TIME_PLACE] as NumberColumn;
  const zone = columns[RAW_ZONE] as NumberColumn;
  const raw = columns[RAW] as StringColumn;
  for (let i = 0, from = 0; i < n; i++) {
    const len = raw.lengths[i];
    if (place.present[i] === 1) {
      if (zone.present[i] === 1 || len < 1)
        bad(`row ${i}: a line cut of its time needs the line kept, and no zone`);
      const p = place.values[i];
      if (
        !Number.isSafeInteger(p) ||
        p < 0 ||
        timeLayout(timePlaceLayout(p)) === undefined ||
        Math.abs(timePlaceZone(p)) > MAX_TIME_ZONE ||
        timePlaceAt(p) + 1 > utf8CodePoints(raw.data, from, from + len)
      )
        bad(`row ${i}: ${TIME_PLACE_COLUMN} ${p} is not a time's place inside its line`);
    }
    if (len > 0) from += len;
  }
}

/** Rows whose message is cut from the line: a place inside a line kept, and no message kept. */
function checkMessagePlaces(columns: BufferedColumn[], n: number, bad: (what: string) => never): void {
  const place = columns[MESSAGE_PLACE] as NumberColumn;
  const zone = columns[RAW_ZONE] as NumberColumn;
  const message = columns[MESSAGE] as StringColumn;
  const raw = columns[RAW] as StringColumn;
  for (let i = 0, from = 0; i < n; i++) {
    const len = raw.lengths[i];
    if (place.present[i] === 1) {
      if (zone.present[i] === 1 || len < 0 || message.lengths[i] !== -1)
        bad(`row ${i}: a message cut from its line needs the line kept, and no message or zone`);
      const p = place.values[i];
      if (
        !Number.isSafeInteger(p) ||
        p < 0 ||
        placeAt(p) + placeTail(p) > utf8CodePoints(raw.data, from, from + len)
      )
        bad(`row ${i}: ${MESSAGE_PLACE_COLUMN} ${p} is not a place inside its line`);
    }
    if (len > 0) from += len;
  }
}

function fits(type: string, v: number, whole: boolean): boolean {
  if (!Number.isFinite(v)) return false;
  if (!whole) return true;
  if (type === 'integer') return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
  return Number.isSafeInteger(v);
}
