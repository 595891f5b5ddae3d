/**
 * Picks the storage engine and opens it: the one place above storage that knows which engines
 * exist and how the config's `storage` section becomes an engine's options. The pipeline opens
 * the owner's store here, and the CLI opens a read-only store here when no storage process
 * answers. The engine's module loads only when a store is opened, so a command that never opens
 * one never loads it.
 */
import { resolve } from 'node:path';
import type { Config } from '../core/config.js';
import { UNSEALED_HOLD_FACTOR } from '../core/defaults.js';
import { type Logger, stderrLogger } from '../core/log.js';
import type { StorageEngine } from '../core/storage.js';
import { parseDuration } from '../core/time.js';
import { parseSize } from '../core/units.js';
import type { CheckReport, DuckDbStoreOptions } from '../storage/duckdb/index.js';
import { storePath } from '../storage/index.js';

export type { CheckReport };

/** Opens the store a config describes, as its owner: appends, maintenance, retention. */
export async function openStore(
  config: Config,
  log?: Logger,
  use: { bulkImport?: boolean } = {},
): Promise<StorageEngine> {
  const { openDuckDbStore } = await import('../storage/duckdb/index.js');
  return openDuckDbStore({ ...storeOptions(config, log), ...(use.bulkImport ? { sealAsFilled: true } : {}) });
}

/**
 * Opens a data dir's store to read it while no process owns it; what it cannot read (a damaged
 * or missing file) it leaves out with a warning on `log`.
 */
export async function openStoreReadOnly(
  dataDir: string,
  log: Logger = stderrLogger({ quiet: true }),
): Promise<StorageEngine> {
  const { openDuckDbStore } = await import('../storage/duckdb/index.js');
  return openDuckDbStore({ path: storePath(resolve(dataDir)), readOnly: true, log });
}

/** Verifies every file of a data dir's store while no process owns it (`logpipe store --check`). */
export async function checkStoreFiles(dataDir: string): Promise<CheckReport> {
  const { checkDuckDbStore } = await import('../storage/duckdb/index.js');
  return checkDuckDbStore(storePath(resolve(dataDir)));
}

/** The options the owning process opens the store with: partitions, retention, maintenance. */
export function storeOptions(config: Config, log?: Logger): DuckDbStoreOptions {
  const s = config.storage;
  const unsealed = bytes(s.unsealed_max);
  return {
    path: storePath(resolve(config.data_dir)),
    partitionMs: parseDuration(s.partition),
    sealAfterMs: parseDuration(s.seal_after),
    retention: {
      ...(s.retention ? { maxAgeMs: parseDuration(s.retention) } : {}),
      ...(s.max_size !== undefined ? { maxBytes: bytes(s.max_size) } : {}),
    },
    maintenanceIntervalMs: parseDuration(s.maintenance_interval),
    memoryLimitBytes: bytes(s.memory_limit),
    compaction: { sealBytes: unsealed, maxBytes: UNSEALED_HOLD_FACTOR * unsealed },
    log,
  };
}

/** A config size (a number of bytes, or text such as `1GB`) in bytes. */
function bytes(size: number | string): number {
  return typeof size === 'number' ? size : parseSize(size);
}
