/** From the `storage` section of the config to the engine's options. */
import { resolve } from 'node:path';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/log.js';
import { UNSEALED_HOLD_FACTOR } from '../core/storage-defaults.js';
import { parseDuration } from '../core/time.js';
import { parseSize } from '../core/units.js';
import type { DuckDbStoreOptions } from '../storage/duckdb/index.js';
import { storePath } from '../storage/index.js';

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
