/**
 * Picks the storage engine and opens it: the one place above storage that knows which engines
 * exist. The pipeline opens the owner's store here, and the CLI opens a read-only store here
 * when no storage process answers. The engine's module loads only when a store is opened, so a
 * command that never opens one never loads it.
 */
import { resolve } from 'node:path';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/log.js';
import type { StorageEngine } from '../core/storage.js';
import { storePath } from '../storage/index.js';
import { storeOptions } from './store-options.js';

/** Opens the store a config describes, as its owner: appends, maintenance, retention. */
export async function openStore(config: Config, log?: Logger): Promise<StorageEngine> {
  const { openDuckDbStore } = await import('../storage/duckdb/index.js');
  return openDuckDbStore(storeOptions(config, log));
}

/** Opens a data dir's store to read it while no process owns it. */
export async function openStoreReadOnly(dataDir: string): Promise<StorageEngine> {
  const { openDuckDbStore } = await import('../storage/duckdb/index.js');
  return openDuckDbStore({ path: storePath(resolve(dataDir)), readOnly: true });
}
