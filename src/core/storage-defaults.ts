/**
 * The store's defaults, each written once. The config schema's `storage` section (config.ts) and
 * the DuckDB engine (storage/duckdb) both take them from here; this module loads nothing, so the
 * engine does not pull in the config schema. Durations and sizes are written as a config file
 * writes them (`1h`, `1GB`); the engine reads them with parseDuration and parseSize.
 */

/** Defaults of the `storage` section of the config (config.ts describes each key). */
export const STORAGE_DEFAULTS = {
  batch_size: 10_000,
  flush_interval: '500ms',
  partition: '1h',
  seal_after: '5m',
  memory_limit: '1GB',
  maintenance_interval: '30s',
  unsealed_max: '1GB',
} as const;

/** Appends wait while unsealed segments take this many times `unsealed_max`. */
export const UNSEALED_HOLD_FACTOR = 2;

/**
 * When the engine compacts appended segments, not configurable: compacting copies bytes already
 * encoded, so it costs little; these keep the files queries open few.
 */
export const COMPACTION_TRIGGERS = {
  /** Compact once the rows waiting in memory take this many bytes. */
  bytes: 32 * 1024 * 1024,
  /** Compact once the oldest row waiting is this old. */
  ageMs: 30_000,
  /** Compact once no append came for this long. */
  idleMs: 1_000,
  /** Rows of at most this many bytes (as segments) go into one partition file. */
  partitionBytes: 512 * 1024 * 1024,
} as const;

/** A query returns at most this many rows unless told otherwise. */
export const QUERY_MAX_ROWS = 10_000;
/** A query is stopped after this long unless told otherwise (ms). */
export const QUERY_TIMEOUT_MS = 30_000;
