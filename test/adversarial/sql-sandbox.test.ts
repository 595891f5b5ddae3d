/**
 * Issue #27, part 1: raw SQL runs in a sandbox the engine enforces. SQL sent as `--sql` or
 * `/api/query?sql=` reads the store and nothing else: no file outside the store's own, no write
 * anywhere, no setting changed. Before, a text guard stood in for the engine and DuckDB read
 * `SELECT 1 AS x --\r, content FROM read_text('/etc/passwd')` differently from it (a `--` comment
 * ends at `\r` too), so any file could be read or written over the CLI and HTTP.
 *
 * A corpus of hostile statements runs through `runSql` on a real store (sealed partitions and
 * segments), over HTTP through the app, and a few through the CLI; each is refused with a one-line
 * QueryError or is harmless. Files with a unique marker lie outside the data dir, beside the store
 * and in the data dir: the marker never appears in an answer, no file is written, and the store
 * still answers afterwards. A property test assembles random SQL from the same pieces.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryError, StorageError } from '../../src/core/errors.js';
import type { LogEvent } from '../../src/core/events.js';
import { createApp } from '../../src/server/app.js';
import { runQuery, runSql } from '../../src/server/query-service.js';
import { type DuckDbStore, openDuckDbStore } from '../../src/storage/duckdb/engine.js';
import { storePath } from '../../src/storage/layout.js';
import { runCli, tempDir } from '../helpers/cli.js';

const MARKER = `logpipe-secret-${randomUUID()}`;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 2);
const SEALED_HOURS = 3;
const PER_HOUR = 50;
const ROWS = (SEALED_HOURS + 1) * PER_HOUR;

/** Where things are: the planted secrets, the data dir and its store. */
interface Paths {
  root: string;
  outside: string;
  secret: string;
  csv: string;
  json: string;
  parquet: string;
  dataDir: string;
  store: string;
  /** Beside the store's files, inside the data dir: as private as a file outside it. */
  dataPrivate: string;
  storePrivate: string;
}

function plant(): Paths {
  const root = tempDir('logpipe-sql-sandbox-');
  const outside = join(root, 'outside');
  const dataDir = join(root, 'data');
  const store = join(dataDir, 'store');
  mkdirSync(outside, { recursive: true });
  mkdirSync(store, { recursive: true });
  const p: Paths = {
    root,
    outside,
    secret: join(outside, 'secret.txt'),
    csv: join(outside, 'secret.csv'),
    json: join(outside, 'secret.json'),
    parquet: join(outside, 'secret.parquet'),
    dataDir,
    store,
    dataPrivate: join(dataDir, 'private.txt'),
    storePrivate: join(store, 'private.csv'),
  };
  writeFileSync(p.secret, `${MARKER}\n`);
  writeFileSync(p.csv, `a,b\n${MARKER},1\n`);
  writeFileSync(p.json, `{"m":"${MARKER}"}\n`);
  writeFileSync(p.dataPrivate, `${MARKER}\n`);
  writeFileSync(p.storePrivate, `a,b\n${MARKER},1\n`);
  return p;
}

/** A Parquet file with the marker, written by a DuckDB of the test's own (no sandbox). */
async function plantParquet(path: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  await conn.run(`COPY (SELECT '${MARKER}' AS m) TO '${path}' (FORMAT parquet)`);
  conn.closeSync();
  instance.closeSync();
}

function ev(i: number, tsMs: number): LogEvent {
  return {
    ts: tsMs * 1000,
    level: i % 10 === 0 ? 'error' : 'info',
    service: 'api',
    host: 'h1',
    source: '/var/log/app.log',
    generation: 'g',
    offset: i,
    format: 'json',
    message: `event ${i}`,
    fields: {},
    raw: `event ${i}`,
  };
}

/** A store on disk with sealed partitions (three hours) and a live hour in segments. */
async function fill(p: Paths): Promise<DuckDbStore> {
  const clock = { now: T0 + SEALED_HOURS * HOUR + 30 * 60_000 };
  const store = await openDuckDbStore({
    path: storePath(p.dataDir),
    now: () => clock.now,
    sealAfterMs: 60_000,
    // A partition per hour: an hour sealed at a time, small files not merged.
    compaction: { mergeFiles: 100 },
  });
  for (let h = 0; h <= SEALED_HOURS; h++) {
    const events: LogEvent[] = [];
    for (let k = 0; k < PER_HOUR; k++) events.push(ev(h * PER_HOUR + k, T0 + h * HOUR + k * 1000));
    await store.append(events);
    await store.maintain();
  }
  expect(store.sealedRanges().length).toBe(SEALED_HOURS);
  return store;
}

/** Every file under `dir`, relative to it, leaving out the store's own (they change as it works). */
function filesOutsideStore(p: Paths): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const rel = relative(p.root, full);
      if (full === join(p.store, 'segments') || full === join(p.store, 'parts')) continue;
      if (dir === p.store && name.startsWith('logs.duckdb')) continue;
      if (statSync(full).isDirectory()) walk(full);
      else out.push(rel);
    }
  };
  walk(p.root);
  return out.sort();
}

/** A statement of the corpus: refused with a message matching `refused`, or `harmless` (it runs). */
interface Case {
  sql: string;
  refused?: RegExp;
  harmless?: true;
}

/** Refusal messages, as the engine gives them. */
const FILES = /cannot open ".*": queries may only read the store's own files/;
const NOT_SELECT = /only one SELECT statement can run/;
const SYNTAX = /SQL syntax: /;
const UNAVAILABLE = (fn: string) => new RegExp(`^${fn}\\(\\) is not available to queries`);
const SEVERAL = /only one SQL statement can run at a time, found \d+/;
// The catalog miss, without the engine's class name (`Catalog Error: `), which messages leave out.
const NO_SUCH = /^[A-Z][A-Za-z ]* with name .* does not exist/;

/** Files the corpus tries to write: none may exist afterwards. */
function targets(p: Paths): string[] {
  return [
    join(p.outside, 'written.csv'),
    join(p.outside, 'exported'),
    join(p.outside, 'attached.db'),
    join(p.outside, 'logdir'),
    join(p.store, 'segments', '9999999999.parquet'),
    join(p.store, 'parts', 'injected.parquet'),
    join(p.store, 'parts', 'exported'),
  ];
}

function corpus(p: Paths): Case[] {
  const [written, exported, attached, logdir, segment, part, partsExport] = targets(p);
  const s = p.secret;
  return [
    // The attacks: a `--` comment that DuckDB ends at \r, a second statement behind it.
    { sql: `SELECT 1 AS x --\r, content FROM read_text('${s}')`, refused: FILES },
    { sql: `SELECT 1 --\r; COPY (SELECT 42) TO '${written}'`, refused: NOT_SELECT },
    { sql: `SELECT 1 --\r; COPY (SELECT 42) TO '${segment}' (FORMAT parquet)`, refused: NOT_SELECT },
    { sql: `SELECT 1 --\n, content FROM read_text('${s}')`, refused: FILES },
    { sql: `SELECT 1 /*\r*/, content FROM read_text('${s}')`, refused: FILES },
    { sql: `SELECT 1 --\u2028, content FROM read_text('${s}')`, harmless: true },
    { sql: `SELECT 1; SELECT content FROM read_text('${s}')`, refused: SEVERAL },
    { sql: `SELECT ';' ; COPY logs TO '${written}'`, refused: NOT_SELECT },
    { sql: `SELECT 1\uFF1B COPY logs TO '${written}'`, refused: SYNTAX },
    // The text guard's refusals, each still refused or run as the harmless SELECT DuckDB reads.
    { sql: '', refused: /expected a SELECT statement/ },
    { sql: '   -- only a comment', refused: /expected a SELECT statement/ },
    { sql: 'INSERT INTO logs VALUES (1)', refused: NOT_SELECT },
    { sql: "UPDATE logs SET message = 'x'", refused: NOT_SELECT },
    { sql: 'DELETE FROM logs', refused: NOT_SELECT },
    { sql: 'CREATE TABLE x AS SELECT 1', refused: NOT_SELECT },
    { sql: 'DROP TABLE logs', refused: NOT_SELECT },
    { sql: 'ALTER TABLE logs ADD COLUMN x INT', refused: NOT_SELECT },
    { sql: `ATTACH '${attached}' AS o`, refused: NOT_SELECT },
    { sql: "ATTACH ':memory:' AS m", refused: NOT_SELECT },
    { sql: 'DETACH o', refused: NOT_SELECT },
    { sql: `COPY logs TO '${written}'`, refused: NOT_SELECT },
    { sql: `COPY (SELECT * FROM logs) TO '${part}' (FORMAT parquet)`, refused: NOT_SELECT },
    { sql: `COPY source_offsets FROM '${p.csv}'`, refused: NOT_SELECT },
    { sql: 'PRAGMA enable_profiling', refused: NOT_SELECT },
    { sql: 'PRAGMA show_tables', refused: NOT_SELECT },
    { sql: "SET memory_limit = '1GB'", refused: NOT_SELECT },
    { sql: 'SET GLOBAL enable_external_access = false', refused: NOT_SELECT },
    { sql: 'SET enable_external_access = true', refused: NOT_SELECT },
    { sql: `SET GLOBAL allowed_directories = ['/']`, refused: NOT_SELECT },
    { sql: 'SET GLOBAL lock_configuration = false', refused: NOT_SELECT },
    { sql: 'RESET lock_configuration', refused: NOT_SELECT },
    { sql: `SET VARIABLE logpipe_segments = ['${p.parquet}']`, refused: NOT_SELECT },
    { sql: 'USE memory', refused: NOT_SELECT },
    { sql: 'INSTALL httpfs', refused: NOT_SELECT },
    { sql: 'LOAD httpfs', refused: NOT_SELECT },
    { sql: `LOAD '${join(p.outside, 'x.duckdb_extension')}'`, refused: NOT_SELECT },
    { sql: 'UPDATE EXTENSIONS', refused: NOT_SELECT },
    { sql: `EXPORT DATABASE '${exported}'`, refused: NOT_SELECT },
    { sql: `EXPORT DATABASE '${partsExport}'`, refused: NOT_SELECT },
    { sql: `IMPORT DATABASE '${p.outside}'`, refused: NOT_SELECT },
    { sql: 'CALL pragma_version()', refused: NOT_SELECT },
    { sql: 'CALL enable_logging()', refused: NOT_SELECT },
    { sql: 'VACUUM', refused: NOT_SELECT },
    { sql: 'CHECKPOINT', refused: NOT_SELECT },
    { sql: 'BEGIN TRANSACTION', refused: NOT_SELECT },
    { sql: 'COMMIT', refused: NOT_SELECT },
    { sql: 'PREPARE q AS SELECT 1', refused: NOT_SELECT },
    { sql: 'CREATE MACRO m(x) AS x', refused: NOT_SELECT },
    { sql: `CREATE TEMP VIEW v AS SELECT * FROM read_text('${s}')`, refused: NOT_SELECT },
    { sql: "CREATE SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')", refused: NOT_SELECT },
    { sql: 'DROP TABLE partitions', refused: NOT_SELECT },
    { sql: "INSERT INTO source_offsets VALUES ('x', 'g', 1000000000000)", refused: NOT_SELECT },
    { sql: 'UPDATE partitions SET rows = 0', refused: NOT_SELECT },
    { sql: 'DELETE FROM source_offsets', refused: NOT_SELECT },
    { sql: 'FROM logs', harmless: true },
    { sql: 'SUMMARIZE logs', harmless: true },
    { sql: '(SELECT 1)', harmless: true },
    { sql: 'SELECT 1; DROP TABLE logs', refused: NOT_SELECT },
    { sql: 'SELECT 1; SELECT 2', refused: SEVERAL },
    { sql: 'SELECT 1 ; -- x\n DELETE FROM logs', refused: NOT_SELECT },
    { sql: 'WITH x AS (DELETE FROM logs RETURNING *) SELECT * FROM x', refused: SYNTAX },
    { sql: 'WITH x AS (SELECT 1) INSERT INTO logs SELECT * FROM x', refused: NOT_SELECT },
    { sql: 'EXPLAIN ANALYZE DELETE FROM logs', refused: NOT_SELECT },
    { sql: 'EXPLAIN UPDATE logs SET level = 1', refused: NOT_SELECT },
    { sql: `EXPLAIN ANALYZE COPY logs TO '${written}'`, refused: NOT_SELECT },
    { sql: '/* first */ EXPLAIN ANALYZE DELETE FROM logs', refused: NOT_SELECT },
    { sql: 'DESCRIBE INSERT INTO logs VALUES (1)', refused: SYNTAX },
    { sql: 'SELECT * INTO newtable FROM logs', refused: SYNTAX },
    // Every table function that reads files or the environment, and paths in place of tables.
    { sql: `SELECT * FROM read_text('${s}')`, refused: FILES },
    { sql: `SELECT * FROM read_blob('${s}')`, refused: FILES },
    { sql: `SELECT * FROM read_csv('${p.csv}')`, refused: FILES },
    { sql: `SELECT * FROM read_csv_auto('${p.csv}')`, refused: FILES },
    { sql: `SELECT * FROM read_json('${p.json}')`, refused: FILES },
    { sql: `SELECT * FROM read_json_auto('${p.json}')`, refused: FILES },
    { sql: `SELECT * FROM read_ndjson_objects('${p.json}')`, refused: FILES },
    { sql: `SELECT * FROM read_parquet('${p.parquet}')`, refused: FILES },
    { sql: `SELECT * FROM parquet_scan('${p.parquet}')`, refused: FILES },
    { sql: `SELECT * FROM parquet_metadata('${p.parquet}')`, refused: FILES },
    { sql: `SELECT * FROM parquet_schema('${p.parquet}')`, refused: FILES },
    { sql: `SELECT * FROM parquet_kv_metadata('${p.parquet}')`, refused: FILES },
    { sql: `SELECT * FROM glob('${p.outside}/*')`, refused: FILES },
    { sql: `SELECT * FROM glob('${p.root}/**')`, refused: FILES },
    { sql: `SELECT * FROM sniff_csv('${p.csv}')`, refused: FILES },
    { sql: "SELECT * FROM read_csv('/etc/passwd')", refused: FILES },
    { sql: "SELECT content FROM read_text('/proc/self/environ')", refused: FILES },
    { sql: `SELECT * FROM read_text('file://${s}')`, refused: FILES },
    { sql: `SELECT * FROM read_text('${p.store}/parts/../../../outside/secret.txt')`, refused: FILES },
    { sql: `SELECT * FROM read_text('${p.dataPrivate}')`, refused: FILES },
    { sql: `SELECT * FROM read_csv('${p.storePrivate}')`, refused: FILES },
    { sql: `SELECT * FROM read_text(['${p.store}/logs.duckdb.wal', '${s}'])`, refused: FILES },
    { sql: "SELECT * FROM main.read_csv('x.csv')", refused: FILES },
    { sql: 'SELECT * FROM "read_csv"(\'x\')', refused: FILES },
    { sql: 'SELECT * FROM main."READ_TEXT"(\'/etc/hostname\')', refused: FILES },
    { sql: `SELECT * FROM read_csv /* gap */ ('${p.csv}')`, refused: FILES },
    { sql: `SELECT * FROM query('SELECT content FROM read_text(''${s}'')')`, refused: UNAVAILABLE('query') },
    { sql: `SELECT * FROM query_table('${p.csv}')`, refused: FILES },
    { sql: "SELECT * FROM query_table('enable_logging()')", refused: NO_SUCH },
    {
      sql: "SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT 1'))",
      refused: UNAVAILABLE('json_execute_serialized_sql'),
    },
    { sql: `SUMMARIZE '${p.csv}'`, refused: FILES },
    { sql: `PIVOT '${p.csv}' ON a`, refused: NOT_SELECT },
    { sql: `PIVOT '${p.csv}' ON a IN ('x') USING count(*)`, refused: FILES },
    { sql: `FROM '${p.csv}'`, refused: FILES },
    { sql: `SELECT * FROM logs, '${p.csv}'`, refused: FILES },
    { sql: `SELECT * FROM logs JOIN '${p.csv}' ON true`, refused: FILES },
    { sql: `SELECT * FROM "${p.csv}"`, refused: FILES },
    { sql: `SELECT * FROM (FROM '${p.parquet}')`, refused: FILES },
    { sql: `DESCRIBE '${p.csv}'`, refused: FILES },
    { sql: 'FROM secret.csv', refused: FILES },
    { sql: "SELECT * FROM 'data.csv'", refused: FILES },
    { sql: "SELECT * FROM '/etc/passwd'", refused: NO_SUCH },
    { sql: "SELECT * FROM 'https://example.com/x.parquet'", refused: FILES },
    { sql: "SELECT '/etc/passwd' AS path", harmless: true },
    // What changes the instance from inside a SELECT, or runs what no check sees.
    {
      sql: `SELECT * FROM enable_logging(storage = 'file', storage_path = '${logdir}')`,
      refused: UNAVAILABLE('enable_logging'),
    },
    { sql: 'SELECT * FROM system.main.enable_logging()', refused: UNAVAILABLE('enable_logging') },
    { sql: 'SELECT * FROM "ENABLE_LOGGING"()', refused: UNAVAILABLE('enable_logging') },
    {
      sql: 'SELECT * FROM logs, LATERAL (SELECT * FROM disable_logging())',
      refused: UNAVAILABLE('disable_logging'),
    },
    { sql: 'DESCRIBE SELECT * FROM truncate_duckdb_logs()', refused: UNAVAILABLE('truncate_duckdb_logs') },
    { sql: 'SELECT * FROM enable_profiling()', refused: UNAVAILABLE('enable_profiling') },
    { sql: 'SELECT * FROM disable_peg_parser()', refused: UNAVAILABLE('disable_peg_parser') },
    { sql: 'SELECT * FROM checkpoint()', refused: UNAVAILABLE('checkpoint') },
    { sql: 'SELECT * FROM force_checkpoint()', refused: UNAVAILABLE('force_checkpoint') },
    { sql: 'EXPLAIN ANALYZE SELECT * FROM checkpoint()', refused: UNAVAILABLE('checkpoint') },
    { sql: 'SELECT * FROM arrow_scan(1, 2, 3)', refused: UNAVAILABLE('arrow_scan') },
    {
      sql: `SELECT * FROM read_duckdb('${p.store}/logs.duckdb', table_name = 'partitions')`,
      refused: UNAVAILABLE('read_duckdb'),
    },
    { sql: "SELECT * FROM sqlite_scan('x.db', 't')", refused: UNAVAILABLE('sqlite_scan') },
    { sql: 'SELECT * FROM duckdb_secrets()', refused: UNAVAILABLE('duckdb_secrets') },
    { sql: "SELECT * FROM re\u0430d_text('/etc/passwd')", refused: /is not available to queries/ },
    { sql: "SELECT write_log('x')", refused: UNAVAILABLE('write_log') },
    { sql: "SELECT write_csv('x')", refused: NO_SUCH },
    { sql: "SELECT getenv('HOME')", refused: NO_SUCH },
    { sql: "SELECT current_setting('memory_limit') AS m", harmless: true },
    { sql: 'SELECT count(*) AS n FROM duckdb_settings()', harmless: true },
    // Quote and comment tricks DuckDB reads as one harmless SELECT.
    { sql: "SELECT E'\\' ; DROP TABLE logs; --'", harmless: true },
    { sql: "SELECT E'\\''; DROP TABLE logs; SELECT '", refused: SYNTAX },
    { sql: 'SELECT $$ a $$', harmless: true },
    { sql: 'SELECT $tag$ DROP $tag$', harmless: true },
    { sql: 'SELECT /* /* */ DROP TABLE logs; */ 1', harmless: true },
    { sql: 'SELECT /* open', refused: SYNTAX },
    { sql: "SELECT 'open", refused: SYNTAX },
    { sql: 'SELECT "open', refused: SYNTAX },
  ];
}

type Outcome = { ok: true; text: string } | { ok: false; message: string; query: boolean };

async function viaRunSql(store: DuckDbStore, sql: string): Promise<Outcome> {
  try {
    return { ok: true, text: JSON.stringify((await runSql(store, sql)).rows) };
  } catch (err) {
    if (!(err instanceof QueryError) && !(err instanceof StorageError)) throw err;
    return {
      ok: false,
      message: err instanceof QueryError ? err.detail : err.message,
      query: err instanceof QueryError,
    };
  }
}

async function viaHttp(app: Hono, sql: string): Promise<Outcome> {
  const res = await app.request(`/api/query?${new URLSearchParams({ sql })}`);
  const body = (await res.json()) as { rows?: unknown[]; error?: { type: string; message: string } };
  if (res.status === 200) return { ok: true, text: JSON.stringify(body.rows) };
  expect(res.status, sql).toBe(400);
  return { ok: false, message: body.error!.message, query: body.error!.type === 'query' };
}

function expectOutcome(c: Case, o: Outcome): void {
  const shown = JSON.stringify(c.sql);
  if (o.ok) {
    expect(c.harmless, `${shown} ran: ${o.text.slice(0, 200)}`).toBe(true);
    expect(o.text).not.toContain(MARKER);
    return;
  }
  expect(c.refused, `${shown} was refused: ${o.message}`).toBeDefined();
  expect(o.query, `${shown}: ${o.message}`).toBe(true);
  expect(o.message, shown).toMatch(c.refused!);
  expect(o.message, shown).not.toContain('\n');
  expect(o.message).not.toContain(MARKER);
}

/** What must still hold after an attack: nothing written, nothing changed, the store answers. */
async function expectUnharmed(store: DuckDbStore, p: Paths, files: string[]): Promise<void> {
  expect(filesOutsideStore(p)).toEqual(files);
  for (const t of targets(p)) expect(existsSync(t), t).toBe(false);
  const r = await runSql(
    store,
    "SELECT (SELECT count(*) FROM logs) AS n, (SELECT count(*) FROM partitions) AS parts, current_setting('enable_external_access') AS external, current_setting('lock_configuration') AS locked",
  );
  expect(r.rows).toEqual([{ n: ROWS, parts: SEALED_HOURS, external: false, locked: true }]);
  const q = await runQuery(store, { q: 'level:error | count' });
  expect(q.rows).toEqual([{ count: ROWS / 10 }]);
}

describe('raw SQL runs in a sandbox the engine enforces (issue #27)', () => {
  let p: Paths;
  let store: DuckDbStore;
  let app: Hono;
  let files: string[];

  beforeAll(async () => {
    p = plant();
    await plantParquet(p.parquet);
    store = await fill(p);
    app = createApp({ store });
    files = filesOutsideStore(p);
  });

  afterAll(async () => {
    await store?.close();
  });

  it('holds at least 50 hostile statements', () => {
    expect(corpus(p).filter((c) => c.refused).length).toBeGreaterThanOrEqual(50);
  });

  it('refuses each hostile statement through runSql, or runs it harmlessly', async () => {
    for (const c of corpus(p)) expectOutcome(c, await viaRunSql(store, c.sql));
    await expectUnharmed(store, p, files);
  });

  it('refuses each over HTTP (/api/query?sql=), with a 400 and one line', async () => {
    for (const c of corpus(p)) expectOutcome(c, await viaHttp(app, c.sql));
    await expectUnharmed(store, p, files);
  });

  it('never reads a secret nor writes a file, for random SQL from hostile pieces', async () => {
    const paths = [p.secret, p.csv, p.json, p.parquet, p.dataPrivate, p.storePrivate];
    const path = fc.oneof(
      fc.constantFrom(...paths),
      fc.constantFrom(...paths).map((f) => `file://${f}`),
      fc.constantFrom(...paths).map((f) => `${p.store}/parts/../../${relative(p.dataDir, f)}`),
      fc.constantFrom(`${p.outside}/*`, `${p.root}/**/secret*`, `${p.dataDir}/*`, 'secret.csv'),
    );
    const reader = fc.constantFrom(
      'read_text',
      'read_blob',
      'read_csv',
      'read_csv_auto',
      'read_json',
      'read_json_auto',
      'read_ndjson',
      'read_parquet',
      'parquet_metadata',
      'parquet_schema',
      'sniff_csv',
      'glob',
      'query_table',
      'main.read_text',
      '"read_text"',
    );
    const source = fc.oneof(
      fc.tuple(reader, path).map(([fn, f]) => `${fn}('${f}')`),
      fc.tuple(reader, path).map(([fn, f]) => `query('SELECT * FROM ${fn}(''${f}'')')`),
      path.map((f) => `'${f}'`),
      path.map((f) => `"${f}"`),
      fc.constant('secret.csv'),
    );
    const target = fc.constantFrom(...targets(p));
    // A comment or quote trick between what a text scan would see and what DuckDB reads.
    const trick = fc.constantFrom(
      '--\r',
      '--\n',
      '/*\r*/',
      '/* */',
      ' ',
      '\r',
      '\n',
      '\t',
      '\u2028',
      '\u00a0',
      "'",
    );
    // Statements a source of rows fits in, the trick in the middle.
    const form = fc.constantFrom(
      (t: string, s: string) => `SELECT 1 AS x ${t}, content FROM ${s}`,
      (t: string, s: string) => `SELECT *${t} FROM ${s}`,
      (t: string, s: string) => `SELECT * FROM logs${t} UNION ALL BY NAME FROM ${s}`,
      (t: string, s: string) => `SELECT * FROM logs${t}, ${s}`,
      (t: string, s: string) => `WITH q AS (FROM ${s}) SELECT *${t} FROM q`,
      (t: string, s: string) => `SELECT (SELECT count(*) FROM ${s})${t}`,
      (t: string, s: string) => `FROM ${s}${t} SELECT *`,
      (t: string, s: string) => `SUMMARIZE${t} ${s}`,
      (t: string, s: string) => `DESCRIBE${t} ${s}`,
      (t: string, s: string) => `PIVOT${t} ${s} ON a IN ('x') USING count(*)`,
      (t: string, s: string) => `EXPLAIN ANALYZE SELECT *${t} FROM ${s}`,
    );
    const statement = fc.oneof(
      target.map((t) => `COPY (SELECT * FROM logs) TO '${t}'`),
      target.map((t) => `EXPORT DATABASE '${t}'`),
      target.map((t) => `ATTACH '${t}' AS x`),
      path.map((f) => `COPY source_offsets FROM '${f}'`),
      fc.constantFrom(
        'SET GLOBAL enable_external_access = false',
        "SET GLOBAL allowed_directories = ['/']",
        'SET lock_configuration = false',
        'INSTALL httpfs',
        'LOAD httpfs',
        'PRAGMA enable_profiling',
        'CALL enable_logging()',
        'CREATE MACRO m() AS TABLE SELECT 1',
        'DELETE FROM partitions',
      ),
    );
    const tail = fc.constantFrom('', ';', ' LIMIT 5', ' --', ')', "'");
    // Mostly SQL that parses, so most attempts reach the engine's checks; some pieces at random.
    const sql = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.tuple(form, trick, source, tail).map(([f, t, s, e]) => f(t, s) + e),
      },
      { weight: 2, arbitrary: fc.tuple(trick, statement).map(([t, s]) => `SELECT 1 ${t}; ${s}`) },
      {
        weight: 2,
        arbitrary: fc
          .array(fc.oneof(trick, source, statement, tail, fc.constantFrom(';', 'SELECT * FROM ', ', ')), {
            minLength: 1,
            maxLength: 6,
          })
          .map((xs) => xs.join('')),
      },
    );
    // How often the engine's file settings themselves stopped a read: the pieces must reach them.
    let stoppedByFiles = 0;
    await fc.assert(
      fc.asyncProperty(sql, async (text) => {
        const o = await viaRunSql(store, text);
        if (!o.ok && FILES.test(o.message)) stoppedByFiles++;
        expect(o.ok ? o.text : o.message, JSON.stringify(text)).not.toContain(MARKER);
        expect(filesOutsideStore(p), JSON.stringify(text)).toEqual(files);
        for (const t of targets(p)) expect(existsSync(t), JSON.stringify(text)).toBe(false);
      }),
      { numRuns: 400 },
    );
    expect(stoppedByFiles).toBeGreaterThan(40);
    await expectUnharmed(store, p, files);
  });

  it('runs what raw SQL is for: SELECTs over logs, WITH, aggregates, DESCRIBE, SHOW, EXPLAIN', async () => {
    const ok = [
      'SELECT 1',
      'select count(*) from logs',
      "SELECT * FROM logs WHERE message = 'DROP TABLE logs; DELETE' LIMIT 10;",
      'SELECT 1 AS "update", 2 AS "insert" FROM logs',
      'WITH x AS (SELECT level, count(*) AS n FROM logs GROUP BY level) SELECT * FROM x ORDER BY n DESC',
      'DESCRIBE logs',
      'describe SELECT * FROM logs',
      'SHOW TABLES',
      'EXPLAIN SELECT * FROM logs',
      'EXPLAIN ANALYZE SELECT count(*) FROM logs',
      "SELECT json_extract_string(fields, '$.user') FROM logs -- a comment with DROP\n",
      'SELECT /* DELETE */ 1',
      'SELECT extract(year FROM min(ts)) AS y, min(ts) AS start FROM logs, source_offsets',
      "SELECT * FROM logs l JOIN source_offsets o ON l.source = o.source WHERE l.message LIKE '%read_csv(%'",
      'SELECT 1;;',
      'SUMMARIZE logs',
      'SELECT * FROM range(3)',
    ];
    for (const sql of ok) {
      const o = await viaRunSql(store, sql);
      expect(o.ok, `${sql}: ${o.ok ? '' : o.message}`).toBe(true);
    }
    const agg = await runSql(
      store,
      'SELECT level, count(*) AS n, max("offset") AS last FROM logs GROUP BY level ORDER BY level',
    );
    expect(agg.rows).toEqual([
      { level: 'error', n: ROWS / 10, last: ROWS - 10 },
      { level: 'info', n: ROWS - ROWS / 10, last: ROWS - 1 },
    ]);
    // The store's own Parquet files stay readable by name.
    const own = await runSql(
      store,
      `SELECT count(*) AS n FROM read_parquet('${p.store}/parts/**/*.parquet')`,
    );
    expect(own.rows).toEqual([{ n: SEALED_HOURS * PER_HOUR }]);
  });

  it('calls no refused table function from DuckDB’s own views and macros', async () => {
    // A view or table macro of the engine's that called, say, checkpoint() would be a way around
    // the check of calls, which sees only names in the query's text.
    const fns = await runSql(
      store,
      "SELECT DISTINCT function_name AS f FROM duckdb_functions() WHERE function_type = 'table'",
    );
    const refused: string[] = [];
    for (const { f } of fns.rows as { f: string }[]) {
      const o = await viaRunSql(store, `DESCRIBE SELECT * FROM ${f}()`);
      if (!o.ok && /is not available to queries/.test(o.message)) refused.push(f);
    }
    expect(refused).toContain('enable_logging');
    const defs = await runSql(
      store,
      "SELECT sql AS d FROM duckdb_views() WHERE internal UNION ALL SELECT macro_definition FROM duckdb_functions() WHERE function_type IN ('macro', 'table_macro')",
    );
    for (const { d } of defs.rows as { d: string | null }[]) {
      for (const f of refused) expect(d ?? '', f).not.toMatch(new RegExp(`\\b${f}\\s*\\(`, 'i'));
    }
  });
});

describe('raw SQL sandbox over the CLI (issue #27)', () => {
  let p: Paths;
  let files: string[];

  beforeAll(async () => {
    p = plant();
    await plantParquet(p.parquet);
    await (await fill(p)).close();
    files = filesOutsideStore(p);
  });

  /** `logpipe query --sql` with no storage process: the CLI opens the store read-only. */
  const cli = (sql: string) =>
    runCli(['query', '--sql', sql, '--data-dir', p.dataDir, '--format', 'json'], { cwd: p.outside });

  it('refuses hostile SQL with one line and exit code 2, and leaves no file', async () => {
    const hostile: [string, RegExp][] = [
      [`SELECT 1 AS x --\r, content FROM read_text('${p.secret}')`, FILES],
      [`SELECT 1 --\r; COPY (SELECT 42) TO '${join(p.outside, 'written.csv')}'`, NOT_SELECT],
      ['FROM secret.csv', FILES],
      ['SET GLOBAL enable_external_access = false', NOT_SELECT],
      [
        `SELECT * FROM enable_logging(storage = 'file', storage_path = '${p.outside}/logdir')`,
        UNAVAILABLE('enable_logging'),
      ],
    ];
    for (const [sql, msg] of hostile) {
      const r = await cli(sql);
      expect(r.code, `${JSON.stringify(sql)}: ${r.stderr}`).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')[0]).toMatch(/^logpipe: query error: /);
      expect(r.stderr.split('\n')[0].replace('logpipe: query error: ', '')).toMatch(msg);
      expect(r.stderr).not.toContain(MARKER);
    }
    expect(filesOutsideStore(p)).toEqual(files);
    for (const t of targets(p)) expect(existsSync(t), t).toBe(false);
  });

  it('answers normal SQL', async () => {
    const r = await cli('SELECT level, count(*) AS n FROM logs GROUP BY level ORDER BY level');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { level: 'error', n: ROWS / 10 },
      { level: 'info', n: ROWS - ROWS / 10 },
    ]);
  });
});
