import { describe, expect, it } from 'vitest';
import { QueryError } from '../../src/core/errors.js';
import { assertReadOnlySql } from '../../src/query/sql-guard.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';

function refusal(sql: string): QueryError | undefined {
  try {
    assertReadOnlySql(sql);
    return undefined;
  } catch (err) {
    if (err instanceof QueryError) return err;
    throw err;
  }
}

describe('assertReadOnlySql accepts reads', () => {
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
  ];
  for (const sql of ok) {
    it(sql, () => {
      expect(refusal(sql)).toBeUndefined();
    });
  }

  it('accepts only SQL the store can run', async () => {
    const store = await openDuckDbStore({ path: ':memory:' });
    try {
      for (const sql of ok) await store.query({ sql, params: [] });
    } finally {
      await store.close();
    }
  });
});

describe('assertReadOnlySql refuses anything else', () => {
  const bad: [string, string][] = [
    ['', 'expected a SELECT'],
    ['   -- only a comment', 'expected a SELECT'],
    ['INSERT INTO logs VALUES (1)', 'only read-only SQL is allowed'],
    ["UPDATE logs SET message = 'x'", 'only read-only SQL'],
    ['DELETE FROM logs', 'only read-only SQL'],
    ['CREATE TABLE x AS SELECT 1', 'only read-only SQL'],
    ['DROP TABLE logs', 'only read-only SQL'],
    ['ALTER TABLE logs ADD COLUMN x INT', 'only read-only SQL'],
    ["ATTACH 'other.db' AS o", 'only read-only SQL'],
    ['DETACH o', 'only read-only SQL'],
    ["COPY logs TO '/tmp/x.csv'", 'only read-only SQL'],
    ['PRAGMA enable_profiling', 'only read-only SQL'],
    ["SET memory_limit = '1GB'", 'only read-only SQL'],
    ['INSTALL httpfs', 'only read-only SQL'],
    ['LOAD httpfs', 'only read-only SQL'],
    ["EXPORT DATABASE '/tmp/x'", 'only read-only SQL'],
    ["IMPORT DATABASE '/tmp/x'", 'only read-only SQL'],
    ['CALL pragma_version()', 'only read-only SQL'],
    ['VACUUM', 'only read-only SQL'],
    ['CHECKPOINT', 'only read-only SQL'],
    ['FROM logs', 'only read-only SQL'],
    ['SUMMARIZE logs', 'only read-only SQL'],
    ['(SELECT 1)', 'only read-only SQL'],
    ['SELECT 1; DROP TABLE logs', 'only one SQL statement'],
    ['SELECT 1; SELECT 2', 'only one SQL statement'],
    ['SELECT 1 ; -- x\n DELETE FROM logs', 'only one SQL statement'],
    ['WITH x AS (DELETE FROM logs RETURNING *) SELECT * FROM x', 'DELETE is not allowed'],
    ['WITH x AS (SELECT 1) INSERT INTO logs SELECT * FROM x', 'INSERT is not allowed'],
    ['EXPLAIN ANALYZE DELETE FROM logs', 'DELETE is not allowed'],
    ['EXPLAIN UPDATE logs SET level = 1', 'UPDATE is not allowed'],
    ['DESCRIBE INSERT INTO logs VALUES (1)', 'INSERT is not allowed'],
    ['SELECT * INTO newtable FROM logs', 'INTO is not allowed'],
    ["SELECT * FROM read_csv('/etc/passwd')", 'read_csv() is not allowed'],
    ["SELECT * FROM read_csv_auto('/etc/passwd')", 'read_csv_auto() is not allowed'],
    ["SELECT * FROM READ_PARQUET('x.parquet')", 'read_parquet() is not allowed'],
    ["SELECT * FROM parquet_scan('x.parquet')", 'parquet_scan() is not allowed'],
    ["SELECT * FROM read_json_auto('x.json')", 'read_json_auto() is not allowed'],
    ["SELECT content FROM read_text('/etc/shadow')", 'read_text() is not allowed'],
    ["SELECT * FROM read_blob('/etc/shadow')", 'read_blob() is not allowed'],
    ["SELECT * FROM glob('/home/*')", 'glob() is not allowed'],
    ["SELECT write_csv('x')", 'write_csv() is not allowed'],
    ["SELECT * FROM main.read_csv('x')", 'read_csv() is not allowed'],
    ["SELECT * FROM read_csv ('x')", 'read_csv() is not allowed'],
    ["SELECT * FROM sqlite_scan('x.db', 't')", 'sqlite_scan() is not allowed'],
    ["SELECT * FROM postgres_scan('dbname=x', 'public', 't')", 'postgres_scan() is not allowed'],
    ["SELECT * FROM query('SELECT 1')", 'query() is not allowed'],
    ["SELECT * FROM query_table('logs')", 'query_table() is not allowed'],
    ['SELECT * FROM duckdb_secrets()', 'duckdb_secrets() is not allowed'],
    ["SELECT * FROM sniff_csv('x.csv')", 'sniff_csv() is not allowed'],
    ['SELECT * FROM "read_csv"(\'x\')', 'read_csv() is not allowed'],
    ['SELECT * FROM main."READ_TEXT"(\'x\')', 'read_text() is not allowed'],
    ['SELECT * FROM arrow_scan(1, 2, 3)', 'arrow_scan() is not allowed'],
    ["SELECT * FROM read_csv /* gap */ ('x')", 'read_csv() is not allowed'],
    ["SELECT * FROM 'data.csv'", 'reading files or URLs'],
    ["SELECT * FROM 'https://example.com/x.parquet'", 'reading files or URLs'],
    ["SELECT * FROM logs, '/etc/passwd'", 'reading files or URLs'],
    ["SELECT * FROM logs JOIN 'x.csv' USING (source)", 'reading files or URLs'],
    ['SELECT * FROM "data.csv"', 'reading files or URLs'],
    ["SELECT * FROM (FROM 'x.parquet')", 'reading files or URLs'],
    ["DESCRIBE 'x.csv'", 'reading files or URLs'],
    ["SELECT E'\\' ; DROP TABLE logs; --'", 'prefixed string literals'],
    ["SELECT E'\\''; DROP TABLE logs; SELECT '", 'prefixed string literals'],
    ['SELECT $$ a $$', 'dollar-quoted'],
    ['SELECT $tag$ DROP $tag$', 'dollar-quoted'],
    ['SELECT /* /* */ DROP TABLE logs; */ 1', 'nested comments'],
    ['SELECT /* open', 'unterminated comment'],
    ["SELECT 'open", 'unterminated string'],
    ['SELECT "open', 'unterminated quoted identifier'],
  ];
  for (const [sql, msg] of bad) {
    it(`refuses ${JSON.stringify(sql)}`, () => {
      const e = refusal(sql);
      expect(e, sql).toBeDefined();
      expect(e!.detail).toContain(msg);
      expect(e!.query).toBe(sql);
    });
  }

  it('reads doubled quotes inside strings as text, not code', () => {
    expect(refusal("SELECT 1 FROM logs WHERE message = 'a'';DROP TABLE logs;--'")).toBeUndefined();
  });

  it('points at the offending token', () => {
    expect(refusal('SELECT 1; DROP TABLE logs')!.position).toBe(8);
    expect(refusal("SELECT * FROM read_csv('x')")!.position).toBe(14);
  });
});
