/**
 * Defaults, each written once: the config schema (config.ts) and the code that runs without a
 * config (the collector's options, its stdin and syslog inputs, the line reader, the DuckDB
 * engine) take them from here. This module imports nothing, so the CLI's start-up, the collector
 * and the engine do not load zod or YAML to learn a number.
 */

// Collecting and line reading.

/** Lines longer than this are cut and flagged. */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/** How often a file source looks for new data and new files. */
export const DEFAULT_POLL_INTERVAL_MS = 250;

/** Where a file seen for the first time, with no checkpoint, is read from. */
export const DEFAULT_START_AT = 'beginning';

/**
 * Files a file source holds open at once, at most; others are closed while idle and opened again
 * when they have new data. Well under common descriptor limits (1024).
 */
export const DEFAULT_MAX_OPEN_FILES = 256;

/** Events per batch an input hands out, at most. */
export const DEFAULT_BATCH_LINES = 5000;

/** Unacknowledged batches an input keeps out, at most; reading pauses at the bound. */
export const DEFAULT_BATCHES_IN_FLIGHT = 8;

/** Multi-line joining: a pending event is emitted after this long without a new line. */
export const DEFAULT_MULTILINE_TIMEOUT_MS = 1000;

/** Multi-line joining: lines per joined event, at most. */
export const DEFAULT_MULTILINE_MAX_LINES = 500;

/**
 * Lines longer than this are cut on a syslog source of the config: a UDP datagram holds at most
 * 64 KiB. `logpipe collect --syslog` without a config keeps DEFAULT_MAX_LINE_BYTES, as documented.
 */
export const DEFAULT_SYSLOG_MAX_LINE_BYTES = 64 * 1024;

/** Address a syslog input binds to: loopback unless told otherwise. */
export const DEFAULT_SYSLOG_HOST = '127.0.0.1';

// Storage. Durations and sizes are written as a config file writes them (`1h`, `1GB`); the
// engine reads them with parseDuration and parseSize.

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
  /**
   * Compact once the rows appended since the last compaction take this many bytes in their
   * files (and in memory, for the small appends held there). Compaction copies the appends' row
   * groups from their files, so this no longer sets memory; it bounds the files queries open
   * until their window is sealed (at most `unsealed_max` / this under sustained ingest).
   */
  bytes: 16 * 1024 * 1024,
  /** Compact once the oldest row waiting is this old. */
  ageMs: 30_000,
  /** Compact once no append came for this long. */
  idleMs: 1_000,
  /** Rows of at most this many bytes (as segments) go into one partition file. */
  partitionBytes: 512 * 1024 * 1024,
  /**
   * Partitions of fewer rows are merged with their neighbours into files of up to this many:
   * a zstd partition of access lines compresses to within a few percent of its best from about
   * a hundred thousand rows on.
   */
  mergeRows: 500_000,
  /**
   * A run of small partitions is merged once it has this many files: each merge rewrites the
   * run, so merging every pair would rewrite a quiet store's rows at every seal.
   */
  mergeFiles: 4,
} as const;

/** A query returns at most this many rows unless told otherwise. */
export const QUERY_MAX_ROWS = 10_000;
/** A query is stopped after this long unless told otherwise (ms). */
export const QUERY_TIMEOUT_MS = 30_000;
