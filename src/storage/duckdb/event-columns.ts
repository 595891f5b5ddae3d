/**
 * Events turned into the table's columns: one array of plain values per column, in
 * TABLE_COLUMNS order. Both write paths start here: segment files (Parquet written by logpipe)
 * and the DuckDB appender that in-memory stores use.
 */
import {
  BIGINT,
  DOUBLE,
  type DuckDBAppender,
  DuckDBDataChunk,
  DuckDBTimestampValue,
  type DuckDBType,
  type DuckDBValue,
  INTEGER,
  TIMESTAMP,
  VARCHAR,
} from '@duckdb/node-api';
import type { Fields, LogEvent } from '../../core/events.js';
import { EVENT_COLUMNS, FIELDS_COLUMN, fitsColumn, PROMOTED_FIELDS } from '../../core/schema.js';
import type { ColumnValues, ParquetColumn, ParquetType } from '../parquet/writer.js';
import { NOT_NULL_COLUMNS, TABLE_COLUMNS } from './schema.js';

const promotedNames = PROMOTED_FIELDS.map((c) => c.name);
const promotedTypes = PROMOTED_FIELDS.map((c) => c.type);
const promotedTypeOf = new Map(PROMOTED_FIELDS.map((c) => [c.name, c.type]));
const FIRST_PROMOTED = EVENT_COLUMNS.length;
const WIDTH = TABLE_COLUMNS.length;

/**
 * The columns of `events` with their ingest stamp (epoch µs): timestamps and integers as
 * numbers, strings as strings, absent values as null, non-promoted fields as JSON text.
 */
export function eventColumns(events: readonly LogEvent[], ingestedUs: number): ColumnValues[] {
  const n = events.length;
  const cols: (string | number | null)[][] = [];
  for (let c = 0; c < WIDTH; c++) cols.push(new Array(n));
  const [ts, level, service, host, source, generation, offset, format, message, raw] = cols;
  const fields = cols[WIDTH - 2];
  const ingested = cols[WIDTH - 1];
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
    out[k] = f[k];
  }
  return out;
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

/** Column types of a data chunk, in TABLE_COLUMNS order (JSON travels as text). */
const CHUNK_TYPES: DuckDBType[] = TABLE_COLUMNS.map((c) => {
  switch (c.type) {
    case 'timestamp':
      return TIMESTAMP;
    case 'integer':
      return INTEGER;
    case 'bigint':
      return BIGINT;
    case 'double':
      return DOUBLE;
    default:
      return VARCHAR;
  }
});
const CHUNK_ROWS = 2048;

/**
 * Appends events through a DuckDB appender, a data chunk (2,048 rows) at a time: one native call
 * per column per chunk instead of one per value (110k against 78k events/s row by row). Stores
 * without a directory (`:memory:`) write this way; the others write segment files.
 */
export function appendEvents(a: DuckDBAppender, events: readonly LogEvent[], ingestedUs: number): void {
  for (let off = 0; off < events.length; off += CHUNK_ROWS) {
    const part = events.slice(off, off + CHUNK_ROWS);
    const cols = eventColumns(part, ingestedUs) as (string | number | null)[][];
    const values: DuckDBValue[][] = cols.map((col, c) => {
      const t = CHUNK_TYPES[c];
      if (t === TIMESTAMP) return col.map((v) => new DuckDBTimestampValue(BigInt(v as number)));
      if (t === BIGINT) return col.map((v) => (v === null ? null : BigInt(v as number)));
      return col;
    });
    const chunk = DuckDBDataChunk.create(CHUNK_TYPES, part.length);
    chunk.setColumns(values);
    a.appendDataChunk(chunk);
  }
}
