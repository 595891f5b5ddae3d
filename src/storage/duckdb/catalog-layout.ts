/**
 * The catalog's shape in the database file: ONE table, `catalog (kind, key, value)`, and
 * temporary views on each connection that present it as the tables the store reads (`partitions`, `source_offsets`,
 * `segment_files`, `retired_files`, `store_meta`), so readers, `store --check` and raw SQL see
 * the same names and columns as before.
 *
 * Why one table: DuckDB gives every table holding rows at least one block of its own, and more
 * per group of columns and per index. With 16 KB blocks the earlier six tables (four with
 * primary keys) took 258,048 bytes after importing one file; one three-column table takes
 * 45,056 (an empty file is 12,288), less than that file's sealed partition.
 *
 * A store made before this layout is moved to it when its owner opens it: its rows are copied
 * into `catalog` and the old tables dropped, in one transaction. A read-only open of such a
 * store reads the old tables, which have the names and columns the views have.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  ACTIVE_TABLE,
  catalogSchemaSql,
  createSchemaSql,
  META_TABLE,
  OFFSETS_TABLE,
  PARTITIONS_TABLE,
  quoteIdent,
  RETIRED_TABLE,
  SEGMENT_FILES_TABLE,
  tableColumnsSql,
} from './schema.js';

/** The one table of today's catalog. */
export const CATALOG_TABLE = 'catalog';

/** What a catalog row is: its `kind`. */
export const KIND = {
  partition: 'partition',
  offset: 'offset',
  segment: 'segment',
  retired: 'retired',
  meta: 'meta',
} as const;

/** A JSON member of `value` as text (null when absent or JSON null). */
const member = (name: string) => `nullif(json_extract(value, '$.${name}')::VARCHAR, 'null')`;
const bigint = (name: string) => `(value->>'${name}')::BIGINT`;

/** The views that present the one table as the store's tables (temporary: one set per connection). */
function viewsSql(): string[] {
  const from = (kind: string) => `FROM ${CATALOG_TABLE} WHERE kind = '${kind}'`;
  return [
    `CREATE OR REPLACE TEMP VIEW ${PARTITIONS_TABLE} AS SELECT key AS file, make_timestamp(${bigint('min_us')}) AS min_ts, make_timestamp(${bigint('max_us')}) AS max_ts, ${bigint('rows')} AS rows, ${bigint('bytes')} AS bytes, ${bigint('raw_bytes')} AS raw_bytes, ${member('levels')}::JSON AS levels, ${member('services')}::JSON AS services, make_timestamp(${bigint('sealed_at')}) AS sealed_at, ${member('segments')} AS segments, ${member('offsets')} AS offsets ${from(KIND.partition)}`,
    // One row per source and generation, the highest offset (an offset never goes down).
    `CREATE OR REPLACE TEMP VIEW ${OFFSETS_TABLE} AS SELECT key->>0 AS source, key->>1 AS generation, max(value::BIGINT) AS next_offset, NULL::TIMESTAMP AS updated_at ${from(KIND.offset)} GROUP BY ALL`,
    `CREATE OR REPLACE TEMP VIEW ${SEGMENT_FILES_TABLE} AS SELECT key AS file, ${bigint('rows')} AS rows, ${bigint('min_us')} AS min_us, ${bigint('max_us')} AS max_us, ${member('offsets')} AS offsets ${from(KIND.segment)}`,
    `CREATE OR REPLACE TEMP VIEW ${RETIRED_TABLE} AS SELECT key AS file ${from(KIND.retired)}`,
    `CREATE OR REPLACE TEMP VIEW ${META_TABLE} AS SELECT key, value ${from(KIND.meta)}`,
  ];
}

/** Whether `name` is a table (not a view) of the database. */
async function isTable(conn: DuckDBConnection, name: string): Promise<boolean> {
  const r = await conn.runAndReadAll(
    `SELECT count(*) FROM duckdb_tables() WHERE table_name = '${name}' AND NOT temporary`,
  );
  return Number(r.getRowsJson()[0][0]) > 0;
}

/**
 * Makes the catalog's schema, or moves an older store's tables into it. `activeTable`: the store
 * keeps rows in a table (in memory); a file store has only an empty view of that name, unless
 * an older layout left a table there, which stays (its rows are sealed from it).
 */
export async function ensureCatalogSchema(conn: DuckDBConnection, activeTable: boolean): Promise<void> {
  const legacy = await isTable(conn, PARTITIONS_TABLE);
  const hasActive = await isTable(conn, ACTIVE_TABLE);
  await conn.run('BEGIN TRANSACTION');
  try {
    if (legacy) {
      // The older layout brought up to its last shape, then moved.
      for (const sql of [...createSchemaSql(), ...catalogSchemaSql()]) await conn.run(sql);
    } else if (activeTable && !hasActive) {
      await conn.run(`CREATE TABLE ${ACTIVE_TABLE} (${tableColumnsSql()})`);
    }
    await conn.run(
      `CREATE TABLE IF NOT EXISTS ${CATALOG_TABLE} (kind VARCHAR NOT NULL, key VARCHAR NOT NULL, value VARCHAR)`,
    );
    if (legacy) await moveLegacy(conn);
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => {});
    throw err;
  }
}

/**
 * Makes the catalog's views on `conn` when the database has today's one table (a store of the
 * older layout opened read-only has real tables of those names instead). Temporary, so they
 * cost the file nothing: persistent, their definitions took a block of their own (16 KB).
 */
export async function catalogViews(conn: DuckDBConnection): Promise<void> {
  if (!(await isTable(conn, CATALOG_TABLE))) return;
  for (const sql of viewsSql()) await conn.run(sql);
  if (!(await isTable(conn, ACTIVE_TABLE))) {
    // A file store keeps no rows in a table: readers see an empty one.
    await conn.run(`CREATE OR REPLACE TEMP VIEW ${ACTIVE_TABLE} AS SELECT ${tableColumnsSql(true)} LIMIT 0`);
  }
}

/** Whether the store keeps rows in an active table (in memory, or an older layout's). */
export function activeTableKept(conn: DuckDBConnection): Promise<boolean> {
  return isTable(conn, ACTIVE_TABLE);
}

/** Copies the older layout's rows into `catalog` and drops its tables (inside the caller's transaction). */
async function moveLegacy(conn: DuckDBConnection): Promise<void> {
  await conn.run(
    `INSERT INTO ${CATALOG_TABLE} SELECT '${KIND.partition}', file, json_object('min_us', epoch_us(min_ts), 'max_us', epoch_us(max_ts), 'rows', rows, 'bytes', bytes, 'raw_bytes', raw_bytes, 'levels', levels::JSON, 'services', services::JSON, 'sealed_at', epoch_us(sealed_at), 'segments', segments::JSON, 'offsets', offsets::JSON)::VARCHAR FROM ${PARTITIONS_TABLE}`,
  );
  // Offsets keyed as the code keys them (JSON.stringify), so an upsert finds them.
  const offsets = (
    await conn.runAndReadAll(`SELECT source, generation, next_offset FROM ${OFFSETS_TABLE}`)
  ).getRowsJson();
  for (let i = 0; i < offsets.length; i += 500) {
    const chunk = offsets.slice(i, i + 500);
    await conn.run(
      `INSERT INTO ${CATALOG_TABLE} VALUES ${chunk.map(() => `('${KIND.offset}', ?, ?)`).join(', ')}`,
      chunk.flatMap(([source, generation, next]) => [
        offsetKey(String(source), String(generation)),
        String(next),
      ]),
    );
  }
  await conn.run(
    `INSERT INTO ${CATALOG_TABLE} SELECT '${KIND.segment}', file, json_object('rows', rows, 'min_us', min_us, 'max_us', max_us, 'offsets', offsets::JSON)::VARCHAR FROM ${SEGMENT_FILES_TABLE}`,
  );
  await conn.run(`INSERT INTO ${CATALOG_TABLE} SELECT '${KIND.retired}', file, NULL FROM ${RETIRED_TABLE}`);
  await conn.run(`INSERT INTO ${CATALOG_TABLE} SELECT '${KIND.meta}', key, value FROM ${META_TABLE}`);
  for (const t of [PARTITIONS_TABLE, OFFSETS_TABLE, SEGMENT_FILES_TABLE, RETIRED_TABLE, META_TABLE])
    await conn.run(`DROP TABLE ${quoteIdent(t)}`);
}

/** The key of a source's offset row. */
export function offsetKey(source: string, generation: string): string {
  return JSON.stringify([source, generation]);
}
