/**
 * The sandbox every query runs in: raw SQL (`logpipe query --sql`, `/api/query?sql=`) and the SQL
 * the query language compiles to alike. It has two parts, both DuckDB's own (issue #27).
 *
 * Settings, fixed for the whole instance before any query runs (`lockDown`, called by open.ts):
 * nothing but the extensions linked in (parquet, json, loaded first) can be loaded or installed;
 * `enable_external_access = false` with `allowed_directories` set to the store's `segments/` and
 * `parts/`, so no SQL reads or writes any other file (DuckDB itself still opens the database file,
 * its WAL and its temp directory); and `lock_configuration = true`, so no SQL changes a setting.
 *
 * Statements, checked per query (`prepareRead`) with DuckDB's parser, never by scanning text:
 * the text must be exactly one statement, a SELECT (or `EXPLAIN [ANALYZE]` of one). Of raw SQL,
 * the table functions must also be ones that only read (TABLE_FUNCTIONS): DuckDB's locked
 * configuration does not cover the few that change the instance from inside a SELECT
 * (`enable_logging(storage = 'file', …)` moves the engine's log, and one call made every later
 * query of every connection fail; `checkpoint()`; `query()` runs SQL text). The query connection
 * runs it in a READ ONLY transaction (queries.ts), so the engine refuses any write to the database.
 *
 * Why on the store's own instance rather than on a second one opened read-only: DuckDB does not
 * coordinate two instances on one database file (a read-only one would read a file the owner
 * rewrites under it), a query's snapshot of the catalog and active table must be taken together
 * with its file lists (queries.ts), and an in-memory store's rows exist in its instance only. So
 * these settings hold for the owner too, which needs nothing more: it reads and writes only its
 * database, `segments/` (compaction's COPY) and `parts/` (sealing's COPY). A query cannot write
 * there: it is one SELECT, in a read-only transaction.
 */
import { join, sep } from 'node:path';
import type { DuckDBConnection, DuckDBPreparedStatement, StatementType } from '@duckdb/node-api';
import { QueryError } from '../../core/errors.js';
import { duckdb } from './duckdb-api.js';
import { partsDir } from './partitions.js';
import { sqlString } from './schema.js';
import { SEGMENTS_DIR } from './segments.js';

/** Settings given when the instance is created: no extension is fetched, loaded by itself, or from outside. */
export const INSTANCE_SETTINGS: Readonly<Record<string, string>> = {
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
  allow_community_extensions: 'false',
  allow_unsigned_extensions: 'false',
  // No secrets are read from or written to ~/.duckdb.
  allow_persistent_secrets: 'false',
};

/**
 * Loads the extensions the store uses, then closes the instance to files outside `storeDir`'s
 * segments and partitions (to every file, for an in-memory store) and locks its settings. Runs
 * on the first connection, before anything else; the order matters, as DuckDB refuses to change
 * `allowed_directories` once external access is off, and anything once the settings are locked.
 */
export async function lockDown(conn: DuckDBConnection, storeDir: string | null): Promise<void> {
  await conn.run('LOAD parquet');
  await conn.run('LOAD json');
  // A trailing separator, so `parts/` does not also allow `parts-other/`.
  const dirs =
    storeDir === null ? [] : [join(storeDir, SEGMENTS_DIR), partsDir(storeDir)].map((d) => d + sep);
  await conn.run(`SET GLOBAL allowed_directories = [${dirs.map(sqlString).join(', ')}]`);
  await conn.run('SET GLOBAL enable_external_access = false');
  await conn.run('SET GLOBAL lock_configuration = true');
}

/**
 * Table functions a query may call: they read the store's files (others fail on the settings),
 * generate rows or describe the catalog. Any other (a new DuckDB's too) is refused: among them
 * `enable_logging`/`disable_logging`/`truncate_duckdb_logs`, `enable_profiling`/`disable_profiling`,
 * `enable_peg_parser`/`disable_peg_parser`/`check_peg_parser` and `checkpoint`/`force_checkpoint`
 * change the instance; `query` and `json_execute_serialized_sql` run SQL this check cannot see;
 * `arrow_scan` reads raw memory addresses; `read_duckdb` attaches a database; `duckdb_secrets`
 * lists credentials.
 */
const TABLE_FUNCTIONS = new Set([
  // Files: allowed only under the store's segments/ and parts/ by the settings.
  'read_parquet',
  'parquet_scan',
  'parquet_metadata',
  'parquet_schema',
  'parquet_file_metadata',
  'parquet_kv_metadata',
  'parquet_full_metadata',
  'parquet_bloom_probe',
  'read_text',
  'read_blob',
  'read_csv',
  'read_csv_auto',
  'sniff_csv',
  'read_json',
  'read_json_auto',
  'read_json_objects',
  'read_json_objects_auto',
  'read_ndjson',
  'read_ndjson_auto',
  'read_ndjson_objects',
  'glob',
  // Names a table (or a file) to read, quoted as a name: no SQL text (DuckDB's histogram macros use it).
  'query_table',
  // Rows from values.
  'range',
  'generate_series',
  'unnest',
  'repeat',
  'repeat_row',
  'json_each',
  'json_tree',
  'summary',
  'histogram',
  'histogram_values',
  'test_all_types',
  'test_vector_types',
  // The catalog and the instance, read.
  'duckdb_columns',
  'duckdb_constraints',
  'duckdb_databases',
  'duckdb_dependencies',
  'duckdb_extensions',
  'duckdb_functions',
  'duckdb_indexes',
  'duckdb_keywords',
  'duckdb_schemas',
  'duckdb_sequences',
  'duckdb_settings',
  'duckdb_tables',
  'duckdb_types',
  'duckdb_views',
  'duckdb_variables',
  'duckdb_memory',
  'duckdb_temporary_files',
  'duckdb_optimizers',
  'duckdb_approx_database_count',
  'duckdb_connection_count',
  'duckdb_coordinate_systems',
  'duckdb_external_file_cache',
  'duckdb_prepared_statements',
  'duckdb_profiling_settings',
  'duckdb_secret_types',
  'duckdb_table_sample',
  'duckdb_log_contexts',
  'duckdb_logs',
  'duckdb_logs_parsed',
  'which_secret',
  'pragma_collations',
  'pragma_database_size',
  'pragma_metadata_info',
  'pragma_platform',
  'pragma_show',
  'pragma_storage_info',
  'pragma_table_info',
  'pragma_user_agent',
  'pragma_version',
  'pg_timezone_names',
  'icu_calendar_names',
  'sql_auto_complete',
]);

/** Scalar functions refused wherever they appear: they write to the instance's log. */
const REFUSED_FUNCTIONS = new Set(['write_log']);

/** `EXPLAIN` or `EXPLAIN ANALYZE` opening the text: what follows is checked as a query of its own. */
const EXPLAIN_PREFIX = /^\s*EXPLAIN\s+(ANALY[SZ]E\s+)?/i;

/**
 * Prepares `sql` on `conn` if DuckDB reads it as one SELECT (or `EXPLAIN [ANALYZE]` of one) and,
 * with `checkCalls`, one that calls only functions that read; throws QueryError naming what was
 * refused otherwise. The caller binds, runs and destroys the statement.
 *
 * `checkCalls` is for a client's own SQL text. The query language's SQL calls a fixed set of
 * functions (its values are bound parameters), and the check would cost it a second parse and
 * the tree as JSON: 2.4 ms for a 150-character query, 30 ms for a 17 kB one, where preparing
 * takes 0.15 and 4 ms.
 */
export async function prepareRead(
  conn: DuckDBConnection,
  sql: string,
  opts: { checkCalls: boolean },
): Promise<DuckDBPreparedStatement> {
  const explain = EXPLAIN_PREFIX.exec(sql);
  const offset = explain ? explain[0].length : 0;
  const body = sql.slice(offset);
  if (opts.checkCalls) await checkSelect(conn, body, sql, offset);
  // What runs is exactly the SELECT just checked, behind the EXPLAIN keywords when asked for.
  const text = explain ? `EXPLAIN ${explain[1] ? 'ANALYZE ' : ''}${body}` : body;
  const extracted = await conn.extractStatements(text);
  if (extracted.count !== 1) throw refusal(sql, 'only one SQL statement can run at a time', 0);
  const prepared = await extracted.prepare(0);
  const want = explain ? duckdb.StatementType.EXPLAIN : duckdb.StatementType.SELECT;
  if (prepared.statementType !== want) {
    const kind = statementName(prepared.statementType);
    prepared.destroySync();
    throw refusal(sql, `${kind} statements cannot run: ${NOT_SELECT}`, 0);
  }
  return prepared;
}

/**
 * Throws unless DuckDB's parser reads `text` as one SELECT calling only allowed functions. The
 * parser's tree comes from `json_serialize_sql`, which parses without binding or running anything
 * (extracting statements may run a PRAGMA's rewriting, and preparing binds).
 */
async function checkSelect(conn: DuckDBConnection, text: string, sql: string, offset: number): Promise<void> {
  const r = await conn.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [text]);
  const tree = JSON.parse(String(r.getRowsJson()[0][0])) as ParsedSql;
  if (tree.error) {
    if (tree.error_type === 'parser') {
      throw refusal(sql, `SQL syntax: ${tree.error_message}`, offset + Number(tree.position ?? 0));
    }
    // Not a SELECT. Nothing else is prepared, not even to name it: DuckDB's binder acts on some
    // statements (preparing `EXPORT DATABASE '<dir>'` makes the directory).
    throw refusal(sql, NOT_SELECT, 0);
  }
  const n = tree.statements?.length ?? 0;
  if (n === 0) throw refusal(sql, 'expected a SELECT statement', 0);
  if (n > 1) throw refusal(sql, `only one SQL statement can run at a time, found ${n}`, 0);
  const bad = refusedCall(tree.statements![0]);
  if (bad) {
    const where = bad.at >= 0 && bad.at < text.length ? offset + bad.at : 0;
    throw refusal(sql, `${bad.name}() is not available to queries: they may only read the store`, where);
  }
}

interface ParsedSql {
  error: boolean;
  error_type?: string;
  error_message?: string;
  position?: string;
  statements?: unknown[];
}

/** The first call in a parsed statement to a table function not allowed, or to a refused function. */
function refusedCall(tree: unknown): { name: string; at: number } | null {
  const stack: unknown[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const x of node) stack.push(x);
      continue;
    }
    const o = node as Record<string, unknown>;
    const fn = o.function as Record<string, unknown> | undefined;
    if (o.type === 'TABLE_FUNCTION' && fn && typeof fn.function_name === 'string') {
      const name = asciiLower(fn.function_name);
      if (!TABLE_FUNCTIONS.has(name)) return { name, at: Number(fn.query_location) };
    }
    if (o.class === 'FUNCTION' && typeof o.function_name === 'string') {
      const name = asciiLower(o.function_name);
      if (REFUSED_FUNCTIONS.has(name)) return { name, at: Number(o.query_location) };
    }
    for (const v of Object.values(o)) if (v !== null && typeof v === 'object') stack.push(v);
  }
  return null;
}

/** DuckDB matches function names case-insensitively in ASCII only; so does this. */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** The refusal of a text DuckDB reads as something other than one SELECT. */
const NOT_SELECT = 'only one SELECT statement can run (or EXPLAIN [ANALYZE] of one), and this is not one';

/** A statement type's name for a message: `COPY`, `SET VARIABLE`, …. */
function statementName(type: StatementType): string {
  const name = duckdb.StatementType[type] ?? 'unknown';
  return name === 'VARIABLE_SET' ? 'SET VARIABLE' : name.replaceAll('_', ' ');
}

function refusal(sql: string, detail: string, position: number): QueryError {
  return new QueryError(detail, sql, position);
}

/**
 * The refusal a failure of the engine's settings stands for ("Permission Error: Cannot access
 * file …"), as a QueryError on `sql`; null for any other failure.
 */
export function sandboxRefusal(err: unknown, sql: string): QueryError | null {
  const msg = (err as Error)?.message ?? '';
  if (!msg.startsWith('Permission Error')) return null;
  const file = /Cannot access (?:file|directory) "([^"]*)"/.exec(msg);
  const what = file ? `cannot open "${file[1]}"` : msg.split('\n')[0];
  return refusal(sql, `${what}: queries may only read the store's own files`, 0);
}
