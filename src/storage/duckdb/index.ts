/**
 * The DuckDB engine's door: the embedded store behind core's StorageEngine, and its SQL dialect.
 * Importing it loads `@duckdb/node-api`; only the pipeline's `open-store.ts` does.
 */

export { type CheckReport, checkDuckDbStore } from './check.js';
export { duckdbDialect } from './dialect.js';
export {
  type DuckDbStore,
  type DuckDbStoreOptions,
  openDuckDbStore,
  type RetentionOptions,
} from './engine.js';
