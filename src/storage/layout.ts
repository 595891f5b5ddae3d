/** Where the store keeps its files under the data dir. */
import { join } from 'node:path';

/** The DuckDB database file for a data dir. */
export function storePath(dataDir: string): string {
  return join(dataDir, 'store', 'logs.duckdb');
}
