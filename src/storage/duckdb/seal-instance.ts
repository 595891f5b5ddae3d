/**
 * The DuckDB instance partitions are written on (seals, merges, retention trims): an in-memory
 * one of its own beside the store's, with one thread, made at the first write and closed with
 * the store. It touches no database file: it reads segments and partitions and writes `parts/`,
 * under the same sandbox as the store's instance (sandbox.ts).
 *
 * Why one thread, on an instance of its own: DuckDB's threads are an instance-wide setting, and
 * the store's instance keeps two for queries. A seal's `COPY` of 444,000 access rows already in
 * order (1M-line import, 2026-12-07, load 12–15): two threads 387 MB peak RSS, 1.86 s CPU; one
 * thread 204 MB, 1.22 s CPU, and faster in wall time too on the loaded 2-core machine (keeping
 * the insertion order across threads buffers rows and costs CPU). Sorting them: two threads
 * 575 MB and 1.98 s CPU, one thread 487 MB and 1.64 s. And a seal running beside ingest (an
 * import seals each full partition while it reads on) leaves the other core to ingest.
 */
import { availableParallelism } from 'node:os';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { duckdb } from './duckdb-api.js';
import { memoryLimitSetting } from './memory-limit.js';
import { INSTANCE_SETTINGS, lockDown } from './sandbox.js';
import type { StoreState } from './state.js';

/** Per store, its one-thread instance and, once a pass ran alone, its instance of every core. */
const instances = new WeakMap<StoreState, Map<number, Promise<DuckDBInstance>>>();

/**
 * A connection to the instance partitions are written on; the caller closes it. While a pass
 * runs alone (`s.sealAlone`: the end of an import, nothing else written), an instance with a
 * thread per core: the last seal of 1M real-shaped lines (390,000 rows) took 1.1–1.4 s on two
 * threads against 1.73–1.79 s on one (2026-12-07, load 4). The setting cannot change on an
 * instance (the sandbox locks its configuration), hence a second one.
 */
export async function sealConnection(s: StoreState): Promise<DuckDBConnection> {
  const threads = s.sealAlone ? Math.max(1, availableParallelism()) : 1;
  let byThreads = instances.get(s);
  if (byThreads === undefined) {
    byThreads = new Map();
    instances.set(s, byThreads);
  }
  let made = byThreads.get(threads);
  if (made === undefined) {
    made = makeInstance(s, threads);
    byThreads.set(threads, made);
    // A failed start is tried again at the next write.
    made.catch(() => byThreads.delete(threads));
  }
  return (await made).connect();
}

async function makeInstance(s: StoreState, threads: number): Promise<DuckDBInstance> {
  const instance = await duckdb.DuckDBInstance.create(':memory:', {
    ...INSTANCE_SETTINGS,
    ...memoryLimitSetting(s.opts),
    threads: String(threads),
  });
  const conn = await instance.connect();
  try {
    await lockDown(conn, s.dir);
  } catch (err) {
    conn.closeSync();
    instance.closeSync();
    throw err;
  }
  conn.closeSync();
  return instance;
}

/** Closes the instances (with the store, once no write runs). */
export async function closeSealInstance(s: StoreState): Promise<void> {
  const byThreads = instances.get(s);
  if (byThreads === undefined) return;
  instances.delete(s);
  for (const made of byThreads.values()) {
    const instance = await made.catch(() => null);
    instance?.closeSync();
  }
}
