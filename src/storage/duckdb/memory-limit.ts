/**
 * The memory limit every store runs under, the owner's and a reader's alike: the options', else
 * `storage.memory_limit`'s default. It is DuckDB's global setting, so every connection of the
 * instance (the query connections too) works under it. A read-only open (`logpipe query` with
 * no storage process running) names no limit, and DuckDB's own default is 80 % of the machine.
 */
import { STORAGE_DEFAULTS } from '../../core/defaults.js';
import { parseSize } from '../../core/units.js';
import type { DuckDbStoreOptions } from './options.js';

const DEFAULT_MEMORY_LIMIT_BYTES = parseSize(STORAGE_DEFAULTS.memory_limit);

/** DuckDB's `memory_limit` setting for a store opened with `opts`. */
export function memoryLimitSetting(opts: DuckDbStoreOptions): { memory_limit: string } {
  const bytes = opts.memoryLimitBytes || DEFAULT_MEMORY_LIMIT_BYTES;
  return { memory_limit: `${Math.floor(bytes / 1024 / 1024)}MiB` };
}
