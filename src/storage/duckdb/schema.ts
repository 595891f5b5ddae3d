/** The DuckDB tables of a store: the events table (of the row codec's columns), the catalog, offsets. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { type ColumnType, FIELDS_COLUMN } from '../../core/schema.js';
import { NOT_NULL_COLUMNS, TABLE_COLUMNS } from '../rows/columns.js';

/**
 * The name queries use for all events: a per-query view over the active table and the sealed
 * Parquet partitions that can match.
 */
export const LOGS_TABLE = 'logs';
/**
 * The table that takes the appends of in-memory stores (and held the rows of file stores before
 * segments were sealed directly); rows leave it when their partition is sealed.
 */
export const ACTIVE_TABLE = 'logs_active';
/** One row per sealed partition file, with its summary (time range, counts). */
export const PARTITIONS_TABLE = 'partitions';
/** Per-source committed offsets, updated in the same transaction as the rows (exactly-once). */
export const OFFSETS_TABLE = 'source_offsets';

const SQL_TYPE: Record<ColumnType, string> = {
  timestamp: 'TIMESTAMP',
  string: 'VARCHAR',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE',
};

/**
 * Store-wide values kept with the rows: `merged_segment` (stores of an older layout) names the
 * newest appended segment whose rows were merged into the active table.
 */
export const META_TABLE = 'store_meta';

/** Quotes an identifier for DuckDB (`offset` and friends are keywords). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A SQL string literal (for paths the store made itself; user text always goes in parameters). */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** The segment files the store expects on disk (as of its last start or clean stop). */
export const SEGMENT_FILES_TABLE = 'segment_files';

/**
 * Partition files retention has unlisted and whose unlink may not have happened yet (a query
 * was reading them, or the process died first): the next open deletes them instead of taking
 * them for files the catalog lost.
 */
export const RETIRED_TABLE = 'retired_files';

/**
 * The active table's columns: as a table declares them, or with `asNulls` as a SELECT list of
 * typed nulls (the empty view a file store has in its place).
 */
export function tableColumnsSql(asNulls = false): string {
  return TABLE_COLUMNS.map((c) => {
    const type = c.name === FIELDS_COLUMN ? 'JSON' : SQL_TYPE[c.type];
    if (asNulls) return `CAST(NULL AS ${type}) AS ${quoteIdent(c.name)}`;
    const notNull = NOT_NULL_COLUMNS.has(c.name);
    return `${quoteIdent(c.name)} ${type}${notNull ? ' NOT NULL' : ''}`;
  }).join(', ');
}

/**
 * The tables of the layout before the one-table catalog (catalog-layout.ts): a reader's schema
 * where a file has none, and what an older store is brought up to before it is moved.
 */
export function createSchemaSql(): string[] {
  // Columns added since a store was made: its active table gains them, empty.
  const added = TABLE_COLUMNS.filter((c) => !NOT_NULL_COLUMNS.has(c.name)).map(
    (c) =>
      `ALTER TABLE ${ACTIVE_TABLE} ADD COLUMN IF NOT EXISTS ${quoteIdent(c.name)} ${c.name === FIELDS_COLUMN ? 'JSON' : SQL_TYPE[c.type]}`,
  );
  return [
    `CREATE TABLE IF NOT EXISTS ${ACTIVE_TABLE} (${tableColumnsSql()})`,
    ...added,
    `CREATE TABLE IF NOT EXISTS ${PARTITIONS_TABLE} (file VARCHAR PRIMARY KEY, min_ts TIMESTAMP NOT NULL, max_ts TIMESTAMP NOT NULL, rows BIGINT NOT NULL, bytes BIGINT NOT NULL, raw_bytes BIGINT NOT NULL, levels JSON, services JSON, sealed_at TIMESTAMP NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${OFFSETS_TABLE} (source VARCHAR NOT NULL, generation VARCHAR NOT NULL, next_offset BIGINT NOT NULL, updated_at TIMESTAMP NOT NULL, PRIMARY KEY (source, generation))`,
    `CREATE TABLE IF NOT EXISTS ${META_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
    // The segment files (JSON list of paths) a partition replaced: left on disk by a crash right
    // after the seal committed, they are recognised and deleted at the next open.
    `ALTER TABLE ${PARTITIONS_TABLE} ADD COLUMN IF NOT EXISTS segments VARCHAR`,
  ];
}

/** Catalog tables and columns the older layout added after its first shape; run after createSchemaSql. */
export function catalogSchemaSql(): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${RETIRED_TABLE} (file VARCHAR PRIMARY KEY)`,
    `ALTER TABLE ${PARTITIONS_TABLE} ADD COLUMN IF NOT EXISTS offsets VARCHAR`,
    `CREATE TABLE IF NOT EXISTS ${SEGMENT_FILES_TABLE} (file VARCHAR PRIMARY KEY, rows BIGINT NOT NULL, min_us BIGINT NOT NULL, max_us BIGINT NOT NULL, offsets VARCHAR NOT NULL)`,
  ];
}

/** No rows, with every column of the table as a segment file stores it (`fields` as text). */
export function emptyLayoutSql(): string {
  const cols = TABLE_COLUMNS.map(
    (c) =>
      `CAST(NULL AS ${c.name === FIELDS_COLUMN ? 'VARCHAR' : SQL_TYPE[c.type]}) AS ${quoteIdent(c.name)}`,
  );
  return `SELECT ${cols.join(', ')} LIMIT 0`;
}

/** The catalog's tables as temp tables on `conn`: a read-only open of a file with none answers as empty. */
export async function createTempSchema(conn: DuckDBConnection): Promise<void> {
  for (const sql of createSchemaSql()) await conn.run(sql.replace('CREATE TABLE', 'CREATE TEMP TABLE'));
}

// Files of an older layout lack the newer columns, which `union_by_name` reads as nulls.
const EMPTY_LAYOUT_SQL = emptyLayoutSql();

/** Segment files (a SQL list) read in today's layout: columns an older file lacks are nulls. */
export function inLayout(list: string): string {
  return `(SELECT * FROM (${EMPTY_LAYOUT_SQL}) UNION ALL BY NAME SELECT * FROM read_parquet([${list}], union_by_name = true))`;
}
