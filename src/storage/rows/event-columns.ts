/**
 * Events turned into the table's columns, in TABLE_COLUMNS order. Segment files (Parquet written
 * by logpipe) take them as byte buffers filled as events arrive (`addEvents`); the DuckDB
 * appender that in-memory stores use takes arrays of plain values (`eventColumns`). Nothing here
 * loads DuckDB, so the parser process can encode rows for the store.
 */
import type { Fields, LogEvent } from '../../core/events.js';
import { rebuiltZone } from '../../core/raw-layouts.js';
import {
  EVENT_COLUMNS,
  FIELDS_COLUMN,
  fitsColumn,
  INGESTED_COLUMN,
  PROMOTED_FIELDS,
  RAW_ZONE_COLUMN,
} from '../../core/schema.js';
import { toWellFormed } from '../../core/well-formed.js';
import {
  appendColumns,
  type ColumnBuffers,
  type ColumnKind,
  columnBuffers,
  type DictColumn,
  type NumberColumn,
  putCut,
  putDict,
  putNumber,
  putString,
  reserveRows,
  resetColumns,
  type StringColumn,
} from '../parquet/column-buffers.js';
import type { ColumnValues, ParquetColumn, ParquetType } from '../parquet/writer.js';
import { MESSAGE_PLACE_COLUMN, NOT_NULL_COLUMNS, TABLE_COLUMNS, TIME_PLACE_COLUMN } from './columns.js';
import { beginObject, endObject, writeMember } from './fields-json.js';
import { codePointsBefore, messageIndex, placeOf, TAIL_UNIT } from './message-span.js';
import { TimeFinder, timePlace } from './time-span.js';

const promotedNames = PROMOTED_FIELDS.map((c) => c.name);
const promotedTypes = PROMOTED_FIELDS.map((c) => c.type);
const promotedTypeOf = new Map(PROMOTED_FIELDS.map((c) => [c.name, c.type]));
const FIRST_PROMOTED = EVENT_COLUMNS.length;
const WIDTH = TABLE_COLUMNS.length;
const INGESTED = TABLE_COLUMNS.findIndex((c) => c.name === INGESTED_COLUMN);
const FIELDS = TABLE_COLUMNS.findIndex((c) => c.name === FIELDS_COLUMN);
const RAW_ZONE = TABLE_COLUMNS.findIndex((c) => c.name === RAW_ZONE_COLUMN);
const MESSAGE_PLACE = TABLE_COLUMNS.findIndex((c) => c.name === MESSAGE_PLACE_COLUMN);
const TIME_PLACE = TABLE_COLUMNS.findIndex((c) => c.name === TIME_PLACE_COLUMN);

/**
 * The columns of `events` with their ingest stamp (epoch µs): timestamps and integers as
 * numbers, strings as strings, absent values as null, non-promoted fields as JSON text. The raw
 * line is always kept here (tables of in-memory stores); segments rebuild it where they can.
 */
export function eventColumns(events: readonly LogEvent[], ingestedUs: number): ColumnValues[] {
  const n = events.length;
  const cols: (string | number | null)[][] = [];
  for (let c = 0; c < WIDTH; c++) cols.push(new Array(n));
  const [ts, level, service, host, source, generation, offset, format, message, raw] = cols;
  const fields = cols[FIELDS];
  const ingested = cols[INGESTED];
  const zone = cols[RAW_ZONE];
  const messagePlaces = cols[MESSAGE_PLACE];
  const timePlaces = cols[TIME_PLACE];
  for (let i = 0; i < n; i++) {
    const e = events[i];
    ts[i] = Math.trunc(e.ts);
    level[i] = e.level;
    service[i] = e.service ?? null;
    host[i] = e.host ?? null;
    source[i] = e.source;
    generation[i] = e.generation;
    offset[i] = e.offset;
    format[i] = e.format;
    message[i] = e.message;
    raw[i] = e.raw;
    const f = e.fields;
    for (let p = 0; p < promotedNames.length; p++) {
      const v = f[promotedNames[p]];
      cols[FIRST_PROMOTED + p][i] =
        v === undefined || !fitsColumn(promotedTypes[p], v) ? null : (v as string | number);
    }
    const rest = restOf(f);
    fields[i] = rest === null ? null : JSON.stringify(rest);
    ingested[i] = ingestedUs;
    zone[i] = null;
    messagePlaces[i] = null;
    timePlaces[i] = null;
  }
  return cols as ColumnValues[];
}

/** The fields that did not go into a promoted column, or null when there are none. */
function restOf(f: Fields): Fields | null {
  let out: Fields | null = null;
  for (const k in f) {
    const t = promotedTypeOf.get(k);
    if (t !== undefined && fitsColumn(t, f[k])) continue;
    if (out === null) out = {};
    // As fields-json.ts writes them: lone surrogates as U+FFFD, never as escapes DuckDB refuses.
    const v = f[k];
    out[toWellFormed(k)] = typeof v === 'string' ? toWellFormed(v) : v;
  }
  return out;
}

/**
 * Rows on their way into a segment: the columns in byte form, plus what deduplication needs of
 * each row (its offset is in the `offset` column).
 */
export interface EventRows {
  columns: ColumnBuffers;
  /** Per row, the index in `keys` of its `source \0 generation`; -1 for events without identity. */
  keyOf: Int32Array;
  keys: string[];
  keyIndex: Map<string, number>;
  lastSource: string | null;
  lastGeneration: string | null;
  lastKey: number;
  /**
   * What the rows' time texts were found as, per source (made by the first `addEvents`): the
   * rows' own, so rows encode alike however their events came in, a batch or a line at a time.
   */
  times?: TimeFinder;
}

const OFFSET = 6;

/**
 * String columns whose values repeat row after row (one file's source, generation and format; a
 * handful of levels, methods, protocols, referrers and user agents): kept as dictionaries. In a
 * segment of generated access lines these took 180 of 255 bytes a row as plain text.
 */
const DICT_COLUMNS: ReadonlySet<string> = new Set([
  'level',
  'service',
  'host',
  'source',
  'generation',
  'format',
  'method',
  'protocol',
  'referrer',
  'user_agent',
]);

/** How each column of the table is held in byte form, in TABLE_COLUMNS order. */
export const ROW_KINDS: readonly ColumnKind[] = TABLE_COLUMNS.map((c) =>
  c.type !== 'string' ? 'number' : DICT_COLUMNS.has(c.name) ? 'dict' : 'string',
);
const promotedSlot = new Map(PROMOTED_FIELDS.map((c, p) => [c.name, p]));
/**
 * Per promoted column, the last row (plus one) whose event set it: a row leaves the columns its
 * event did not set null. A row number, not a flag, so nothing is cleared per event (a `fill(0)`
 * per event took 19 of addEvents' 227 samples in a profile over six real-shaped systems).
 */
const seenRow = new Float64Array(PROMOTED_FIELDS.length);
/** Counts every row addEvents encodes, across calls, so `seenRow` never needs clearing. */
let rowStamp = 0;

/**
 * The `encoding` of segment rows encoded ahead of their append (see EncodedEvents); 2: with
 * dictionary columns; 3: with the message's place in the line; 4: with the time text's place.
 */
export const SEGMENT_ENCODING = 'logpipe-segment-rows-4';

/** Rows encoded ahead of their append, as they cross from the parser to the store. */
export interface EncodedRows {
  encoding: typeof SEGMENT_ENCODING;
  count: number;
  rows: EventRows;
}

/**
 * Appends rows encoded elsewhere onto `r`: bytes and numbers are copied as they are, and key
 * indexes renumbered into `r`'s keys. `src` may have been read from a request body (its
 * buffers then are views of that body).
 */
export function appendRows(r: EventRows, src: EventRows): void {
  const b = r.columns;
  const n = src.columns.rows;
  reserveRows(b, n);
  growKeys(r);
  for (let c = 0; c < b.columns.length; c++) {
    if (b.columns[c].kind !== src.columns.columns[c]?.kind) {
      throw new Error(`encoded rows do not match the table at column ${TABLE_COLUMNS[c].name}`);
    }
  }
  const at = b.rows;
  appendColumns(b, src.columns);
  const remap = src.keys.map((key) => {
    let k = r.keyIndex.get(key);
    if (k === undefined) {
      k = r.keys.length;
      r.keys.push(key);
      r.keyIndex.set(key, k);
    }
    return k;
  });
  for (let i = 0; i < n; i++) {
    const k = src.keyOf[i];
    r.keyOf[at + i] = k < 0 ? -1 : remap[k];
  }
  r.lastSource = null;
  r.lastGeneration = null;
}

/** Empty rows, ready for `addEvents`; on `columns` (emptied) when given. */
export function eventRows(capacity = 1024, columns?: ColumnBuffers): EventRows {
  if (columns) resetColumns(columns);
  return {
    columns: columns ?? columnBuffers(ROW_KINDS, capacity),
    keyOf: new Int32Array(Math.max(16, capacity)),
    keys: [],
    keyIndex: new Map(),
    lastSource: null,
    lastGeneration: null,
    lastKey: -1,
  };
}

/** Empties rows for reuse, keeping their buffers. */
export function resetEventRows(r: EventRows): void {
  resetColumns(r.columns);
  r.keys = [];
  r.keyIndex.clear();
  r.lastSource = null;
  r.lastGeneration = null;
  r.lastKey = -1;
  r.times = undefined;
}

/**
 * Encodes events onto the end of `r`: strings become UTF-8 bytes at once, so the events can be
 * dropped while the rows wait for their append. Same values as `eventColumns`, in one pass over
 * each event's fields, except that a line its columns rebuild exactly (core/raw-layouts) keeps
 * neither `raw` nor `message`, only its zone, a line's own time text is cut out of it where `ts`
 * renders it back (rows/time-span.ts), and a message its line holds is kept as its place in the
 * (cut) line (rows/message-span.ts).
 */
export function addEvents(r: EventRows, events: readonly LogEvent[]): void {
  const b = r.columns;
  reserveRows(b, events.length);
  growKeys(r);
  const c = b.columns;
  const ts = c[0] as NumberColumn;
  const level = c[1] as DictColumn;
  const service = c[2] as DictColumn;
  const host = c[3] as DictColumn;
  const source = c[4] as DictColumn;
  const generation = c[5] as DictColumn;
  const offset = c[OFFSET] as NumberColumn;
  const format = c[7] as DictColumn;
  const message = c[8] as StringColumn;
  const raw = c[9] as StringColumn;
  const fields = c[FIELDS] as StringColumn;
  const zoneCol = c[RAW_ZONE] as NumberColumn;
  const placeCol = c[MESSAGE_PLACE] as NumberColumn;
  const timeCol = c[TIME_PLACE] as NumberColumn;
  const np = PROMOTED_FIELDS.length;
  let i = b.rows;
  for (let k = 0; k < events.length; k++, i++) {
    const e = events[k];
    putNumber(ts, i, Math.trunc(e.ts));
    putDict(level, i, e.level);
    putDict(service, i, e.service ?? null);
    putDict(host, i, e.host ?? null);
    putDict(source, i, e.source);
    putDict(generation, i, e.generation);
    putNumber(offset, i, e.offset);
    putDict(format, i, e.format);
    const zone = rebuiltZone(e);
    let place = -1;
    let timed = -1;
    if (zone === null) {
      // The message's place and the time's cut are found in the line as read; the line is
      // written without its time text straight from it, no cut string made (measured below).
      const line = e.raw;
      const msg = e.message;
      const m = messageIndex(line, msg);
      if (e.fields.ts_source === undefined) timed = cutTime((r.times ??= new TimeFinder()), e, m);
      if (m >= 0) place = placeOf(line, m, msg.length);
      if (timed >= 0) {
        const cut = r.times!.cut;
        // One `0` stands for the time text: the message after it starts that much earlier,
        // the message before it has that much less line after it.
        const less = cut.length - 1;
        if (place >= 0) place -= m >= cut.at + cut.length ? less : less * TAIL_UNIT;
        putCut(raw, i, line, cut.at, cut.length);
      } else putString(raw, i, line);
    } else putString(raw, i, null);
    putString(message, i, zone !== null || place >= 0 ? null : e.message);
    putNumber(placeCol, i, place >= 0 ? place : null);
    putNumber(timeCol, i, timed >= 0 ? timed : null);
    putNumber(zoneCol, i, zone);
    r.keyOf[i] = rowKey(r, e.source, e.generation);
    const stamp = ++rowStamp;
    // The fields no column takes go straight into `fields` as JSON text.
    let jsonAt = -1;
    let members = 0;
    const f = e.fields;
    for (const name in f) {
      const v = f[name];
      const p = promotedSlot.get(name);
      if (p !== undefined && fitsColumn(promotedTypes[p], v)) {
        const col = c[FIRST_PROMOTED + p];
        if (col.kind === 'string') putString(col, i, v as string);
        else if (col.kind === 'dict') putDict(col, i, v as string);
        else putNumber(col, i, v as number);
        seenRow[p] = stamp;
        continue;
      }
      if (jsonAt < 0) jsonAt = beginObject(fields);
      // An undefined value is left out, as JSON.stringify leaves it out.
      if (v !== undefined) writeMember(fields, members++ === 0, name, v);
    }
    for (let p = 0; p < np; p++) {
      if (seenRow[p] === stamp) continue;
      const col = c[FIRST_PROMOTED + p];
      if (col.kind === 'string') putString(col, i, null);
      else if (col.kind === 'dict') putDict(col, i, null);
      else putNumber(col, i, null);
    }
    fields.lengths[i] = jsonAt < 0 ? -1 : endObject(fields, jsonAt);
  }
  b.rows = i;
}

/**
 * The time place of an event whose line holds its time text outside its message (at `m`, -1
 * when not in the line), the cut left in the finder's `cut`; or -1 to keep the line whole.
 * Cost (bench/time-cut.ts, 300,000 real-shaped events of 30 systems, 2026-12-08, load 2.7):
 * finding and cutting 291-402 ns a row, within addEvents' 1.8-2.1 µs a row; 256k rows cut.
 * Writing the line's parts where they lie, instead of making the cut line and searching it for
 * the message again: addEvents 1,617 against 1,781 ns a row (same bench, medians of 5
 * alternated runs, 2026-12-08).
 */
function cutTime(timeFinder: TimeFinder, e: LogEvent, m: number): number {
  const raw = e.raw;
  if (!timeFinder.find(raw, Math.trunc(e.ts), e.source)) return -1;
  const cut = timeFinder.cut;
  if (m >= 0 && m < cut.at + cut.length && cut.at < m + e.message.length) return -1;
  return timePlace(codePointsBefore(raw, cut.at), cut.layout, cut.zone);
}

/** Makes `keyOf` as long as the columns' capacity (call after `reserveRows`). */
export function growKeys(r: EventRows): void {
  if (r.keyOf.length >= r.columns.capacity) return;
  const keyOf = new Int32Array(r.columns.capacity);
  keyOf.set(r.keyOf.subarray(0, r.columns.rows));
  r.keyOf = keyOf;
}

/** The index in `r.keys` of a row's `source \0 generation`, added when new; -1 without identity. */
export function rowKey(r: EventRows, source: string, generation: string): number {
  if (generation === '') return -1;
  if (source === r.lastSource && generation === r.lastGeneration) return r.lastKey;
  const key = `${source}\0${generation}`;
  let k = r.keyIndex.get(key);
  if (k === undefined) {
    k = r.keys.length;
    r.keys.push(key);
    r.keyIndex.set(key, k);
  }
  r.lastSource = source;
  r.lastGeneration = generation;
  r.lastKey = k;
  return k;
}

/** Stamps every row with the ingest time (epoch µs). */
export function setIngested(r: EventRows, ingestedUs: number): void {
  const col = r.columns.columns[INGESTED] as NumberColumn;
  col.values.fill(ingestedUs, 0, r.columns.rows);
  col.present.fill(1, 0, r.columns.rows);
}

/**
 * Which rows are new against `committed` (next offset per `source \0 generation`), in order,
 * and the next offsets once they are stored. `keep` is null when every row is new.
 */
export function newRows(
  r: EventRows,
  committed: ReadonlyMap<string, number>,
): { keep: Uint8Array | null; fresh: number; moved: Map<string, number> } {
  const n = r.columns.rows;
  const offsets = (r.columns.columns[OFFSET] as NumberColumn).values;
  const next = r.keys.map((k) => committed.get(k) ?? 0);
  const touched = new Uint8Array(r.keys.length);
  let keep: Uint8Array | null = null;
  let fresh = 0;
  for (let i = 0; i < n; i++) {
    const k = r.keyOf[i];
    if (k >= 0) {
      const off = offsets[i];
      if (off < next[k]) {
        if (keep === null) {
          keep = new Uint8Array(n);
          keep.fill(1, 0, i);
        }
        continue;
      }
      next[k] = off + 1;
      touched[k] = 1;
    }
    fresh++;
    if (keep !== null) keep[i] = 1;
  }
  const moved = new Map<string, number>();
  for (let k = 0; k < r.keys.length; k++) if (touched[k]) moved.set(r.keys[k], next[k]);
  return { keep, fresh, moved };
}

const PARQUET_TYPE: Record<string, ParquetType> = {
  timestamp: 'timestamp_us',
  string: 'string',
  integer: 'int32',
  bigint: 'int64',
  double: 'double',
};

/** The table's columns as a segment file stores them (`fields` as JSON text). */
export const SEGMENT_SCHEMA: readonly ParquetColumn[] = TABLE_COLUMNS.map((c) => ({
  name: c.name,
  type: c.name === FIELDS_COLUMN ? 'json' : PARQUET_TYPE[c.type],
  required: NOT_NULL_COLUMNS.has(c.name),
}));
