/** The storage component's contract: engines behind core's StorageEngine interface. */

export { type CommittedPosition, committedPositions } from './committed.js';
export {
  type DuckDbStore,
  type DuckDbStoreOptions,
  openDuckDbStore,
  type RetentionOptions,
} from './duckdb/engine.js';
export {
  ACTIVE_TABLE,
  createSchemaSql,
  LOGS_TABLE,
  OFFSETS_TABLE,
  PARTITIONS_TABLE,
  quoteIdent,
  TABLE_COLUMNS,
} from './duckdb/schema.js';
export { storePath } from './layout.js';
