/**
 * The storage contract. DuckDB implements it today, ClickHouse later; the pipeline and the
 * server only ever see this interface.
 */
import type { Dialect } from './dialect.js';
import type { LogEvent, RawEvent } from './events.js';

/** A parameterised SQL statement; user text only ever travels in `params`. */
export interface SqlQuery {
  sql: string;
  params: (string | number | boolean | null)[];
}

/** What a query touched: how many sealed partitions it read and how many it could skip. */
export interface ScanStats {
  partitions_scanned: number;
  partitions_skipped: number;
  /** Rows in the partitions read, from the catalog's counts (engines that keep them). */
  partition_rows?: number;
  /** Unsealed segment files read (every query reads them all), and the rows they hold. */
  segments_scanned?: number;
  segment_rows?: number;
}

/** Rows as plain objects with JSON-safe values (timestamps as ISO strings, big integers as numbers). */
export interface QueryRows {
  columns: string[];
  rows: Record<string, unknown>[];
  /** Milliseconds spent in the engine. */
  elapsed_ms: number;
  scan?: ScanStats;
}

export interface AppendResult {
  /** Rows written. */
  stored: number;
  /** Events skipped because that (source, generation, offset) was already stored. */
  duplicates: number;
}

export interface StoreStats {
  rows: number;
  /** Rows not yet sealed into partitions: in segment files (or an in-memory store's table). */
  active_rows: number;
  partitions: number;
  /** Unsealed segment files: appended batches, and compacted files of many. */
  segments: number;
  bytes_on_disk: number;
  /** Bytes of the original lines (with their newlines) the store holds. */
  raw_bytes: number;
  oldest: string | null;
  newest: string | null;
  /** Files set aside (engines that keep files; see StoreFileHealth). */
  quarantined_files?: number;
  missing_files?: number;
}

/** What an engine that keeps files found wrong with them (DuckDB: its `quarantine/` folder). */
export interface StoreFileHealth {
  /**
   * Files moved aside because the store could not place them (damaged, no usable metadata, not
   * its own), or that a read-only open left out for that reason.
   */
  quarantined_files: number;
  /** Data files the catalog expected and that were gone. */
  missing_files: number;
}

/** What one maintenance pass did. */
export interface MaintainOptions {
  /**
   * Nothing else is written meanwhile (the end of an import): the pass may use every core,
   * where beside ingest it leaves the other cores to the parser.
   */
  alone?: boolean;
}

export interface MaintenanceReport {
  sealed: number;
  sealed_rows: number;
  removed: number;
  removed_rows: number;
  freed_bytes: number;
}

export interface QueryOptions {
  /** Rows beyond this are not returned. */
  maxRows?: number;
  /** The query is interrupted after this many milliseconds. */
  timeoutMs?: number;
  /** The query's time range (epoch µs), so partitions outside it are not read. */
  range?: { fromUs?: number; toUs?: number };
  /** Only rows committed in (afterUs, upToUs] of the store's ingest clock (see `watermark`): live tail. */
  ingested?: { afterUs: number; upToUs: number };
  /** The SQL is a client's own text (raw SQL), not the query language's: the engine checks it whole. */
  rawSql?: boolean;
}

/**
 * Events gathered for one append, held in the engine's own write form (for DuckDB stores: the
 * segment's columns as bytes), so the caller can drop the events as soon as they are added.
 */
export interface WriteBatch {
  /** Adds events (or events already encoded for this engine) after those already added. */
  add(events: readonly LogEvent[] | EncodedEvents): void;
  /**
   * Adds raw events as `add(parse(events))` would; an engine may turn the lines the parser
   * reads as access lines into rows itself (faster: no LogEvent between).
   */
  addRaw(events: readonly RawEvent[], parse: RawParser): void;
  /** Events added so far. */
  readonly size: number;
}

/** How a parser reads a source's access lines: what a store that reads them itself must report. */
export interface AccessPlan {
  /** Format ids the parser reports for a line with referrer and user agent, and for one without. */
  combined: string;
  common: string;
  /** Service and host of an event whose RawEvent names none. */
  service: string | null;
  host: string | null;
}

/** A batch parser (one event per line, in order) that says which lines it reads as access lines. */
export interface RawParser {
  (events: RawEvent[]): LogEvent[];
  /** The plan by which the parser reads `e` first when that is as an access line; null otherwise. */
  accessPlan(e: RawEvent): AccessPlan | null;
  /** Counts `e` as read by its access plan (its source's format detection sees a hit). */
  tookAccess(e: RawEvent): void;
}

/**
 * Events already turned into an engine's write form, ahead of their append and often in another
 * process (under `logpipe up` the parser encodes segment rows for the store). Opaque outside
 * that engine, which refuses an `encoding` it does not know.
 */
export interface EncodedEvents {
  readonly encoding: string;
  /** Events encoded. */
  readonly count: number;
}

/** One storage engine instance; `append` resolves only once the rows are durable. */
export interface StorageEngine {
  /** The SQL this engine speaks: queries are planned in it (`planQuery(ast, store.dialect)`). */
  readonly dialect: Dialect;
  /** An empty batch of this engine's, to fill with `add` and hand to `append`. */
  batch(): WriteBatch;
  /**
   * Appends events, or a batch from `batch()`, skipping events already stored; resolves once the
   * rows are durable. A batch whose append failed may be appended again; once one succeeded the
   * batch is spent.
   */
  append(events: LogEvent[] | WriteBatch): Promise<AppendResult>;
  /** Runs a read-only query. */
  query(q: SqlQuery, opts?: QueryOptions): Promise<QueryRows>;
  stats(): Promise<StoreStats>;
  /** The ingest stamp of the last committed append: rows committed later get a larger one. */
  watermark(): number;
  /**
   * The next offset not yet stored of each (source, generation) whose generation is `generation`
   * or starts with `generation-`: what a collector may resume after.
   */
  committedOffsets(generation: string): { source: string; generation: string; next: number }[];
  /** Files set aside or found missing, for `/status` (engines that keep files). */
  fileHealth?(): StoreFileHealth;
  /** Time ranges (epoch µs) of the sealed partitions, oldest first; empty when there are none. */
  sealedRanges(): { minUs: number; maxUs: number }[];
  /** Seals finished partitions and applies retention; the owner also runs it on a schedule. */
  maintain(opts?: MaintainOptions): Promise<MaintenanceReport>;
  close(): Promise<void>;
}
