/**
 * In-memory stores append through DuckDB's appender, a data chunk at a time, from the columns
 * `eventColumns` computes.
 */
import type { DuckDBAppender, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import type { LogEvent } from '../../core/events.js';
import { TABLE_COLUMNS } from '../rows/columns.js';
import { eventColumns } from '../rows/event-columns.js';
import { duckdb } from './duckdb-api.js';

const { BIGINT, DOUBLE, DuckDBDataChunk, DuckDBTimestampValue, INTEGER, TIMESTAMP, VARCHAR } = duckdb;

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
