/**
 * The options a DuckDB store opens with, and the defaults of those its caller leaves out (taken
 * from core/defaults.ts, which the config schema's defaults come from too).
 */

import { COMPACTION_TRIGGERS, STORAGE_DEFAULTS, UNSEALED_HOLD_FACTOR } from '../../core/defaults.js';
import type { Logger } from '../../core/log.js';
import { parseDuration } from '../../core/time.js';
import { parseSize } from '../../core/units.js';

export interface RetentionOptions {
  /** Events older than this are removed. */
  maxAgeMs?: number;
  /** The oldest partitions are removed while the store is larger than this. */
  maxBytes?: number;
}

export interface DuckDbStoreOptions {
  /** Database file, or `:memory:` (no partitions then). */
  path: string;
  /** Open without taking the write lock (fails while another process owns the file). */
  readOnly?: boolean;
  /** DuckDB's memory limit in bytes (caches and query work; beyond it, work spills to disk). */
  memoryLimitBytes?: number;
  /** Width of a time partition; default one hour (`storage.partition`'s default). */
  partitionMs?: number;
  /** A window is sealed once it ended this long ago, leaving late events time to arrive; default 5 min. */
  sealAfterMs?: number;
  retention?: RetentionOptions;
  /** Runs maintenance (sealing, retention) this often; off when absent. */
  maintenanceIntervalMs?: number;
  /** When segments are compacted and sealed early; the defaults suit most stores (see COMPACTION_DEFAULTS). */
  compaction?: Partial<CompactionOptions>;
  /**
   * Seal each partition's worth of finished rows as soon as it is complete, beside the appends
   * (a bulk import: `store --import`), instead of all at the next maintenance pass. Off for live
   * ingest, where a seal beside the appends would take the core parsing runs on. Maintenance
   * then seals every row, hot windows' too (see sealFinished).
   */
  sealAsFilled?: boolean;
  /** The clock, epoch ms (tests move it). */
  now?: () => number;
  log?: Logger;
}

/**
 * When appended segments are compacted, and when unsealed rows are sealed before their window
 * ends. Compacting keeps the number of files queries open small (one per window every few
 * seconds under load, instead of one per append); it copies bytes already encoded, so it costs
 * little. Sealing is where DuckDB pays its per-row cost (sorting and zstd), once per row.
 */
export interface CompactionOptions {
  /** Compact once the rows waiting in memory take this many bytes. */
  bytes: number;
  /** Compact once the oldest row waiting is this old. */
  ageMs: number;
  /** Compact once no append came for this long. */
  idleMs: number;
  /** Seal the oldest window's compacted rows early once unsealed segments take this many bytes. */
  sealBytes: number;
  /** Appends wait for that seal while unsealed segments take this many bytes. */
  maxBytes: number;
  /** Rows of at most this many bytes (as segments) go into one partition file. */
  partitionBytes: number;
  /** Partitions of fewer rows are small: runs of them are merged into files of up to this many rows. */
  mergeRows: number;
  /** A run of small partitions is merged once it has this many files. */
  mergeFiles: number;
}

const UNSEALED_MAX_BYTES = parseSize(STORAGE_DEFAULTS.unsealed_max);

/** Compaction and early sealing for a store that is not told otherwise. */
export const COMPACTION_DEFAULTS: CompactionOptions = {
  ...COMPACTION_TRIGGERS,
  sealBytes: UNSEALED_MAX_BYTES,
  maxBytes: UNSEALED_HOLD_FACTOR * UNSEALED_MAX_BYTES,
};

/** Width of a time partition when the options name none (ms). */
export const DEFAULT_PARTITION_MS = parseDuration(STORAGE_DEFAULTS.partition);
/** How long after its end a window is sealed when the options do not say (ms). */
export const DEFAULT_SEAL_AFTER_MS = parseDuration(STORAGE_DEFAULTS.seal_after);
