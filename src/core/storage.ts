/**
 * The storage contract. DuckDB implements it today, ClickHouse later; the pipeline and the
 * server only ever see this interface.
 */
import type { LogEvent } from './events.js';

/** A parameterised SQL statement; user text only ever travels in `params`. */
export interface SqlQuery {
  sql: string;
  params: (string | number | boolean | null)[];
}

/** Rows as plain objects with JSON-safe values (timestamps as ISO strings, big integers as numbers). */
export interface QueryRows {
  columns: string[];
  rows: Record<string, unknown>[];
  /** Milliseconds spent in the engine. */
  elapsed_ms: number;
}

export interface AppendResult {
  /** Rows written. */
  stored: number;
  /** Events skipped because that (source, generation, offset) was already stored. */
  duplicates: number;
}

export interface StoreStats {
  rows: number;
  bytes_on_disk: number;
  oldest: string | null;
  newest: string | null;
}

export interface QueryOptions {
  /** Rows beyond this are not returned. */
  maxRows?: number;
  /** The query is interrupted after this many milliseconds. */
  timeoutMs?: number;
}

/** One storage engine instance; `append` resolves only once the rows are durable. */
export interface StorageEngine {
  /** Appends a batch in one transaction, skipping events already stored; resolves after COMMIT. */
  append(events: LogEvent[]): Promise<AppendResult>;
  /** Runs a read-only query. */
  query(q: SqlQuery, opts?: QueryOptions): Promise<QueryRows>;
  stats(): Promise<StoreStats>;
  close(): Promise<void>;
}
