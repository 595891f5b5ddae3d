import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../src/core/events.js';
import { openDuckDbStore } from '../../../src/storage/duckdb/engine.js';
import { queryViews } from '../../../src/storage/duckdb/query-views.js';
import { ACTIVE_TABLE, createSchemaSql } from '../../../src/storage/duckdb/schema.js';
import { tempDir } from '../../helpers/cli.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5) * 1000;

function ev(offset: number, source = '/var/log/a.log'): LogEvent {
  return {
    ts: T0 + offset,
    level: 'info',
    service: 'web',
    host: null,
    source,
    generation: 'g1',
    offset,
    format: 'apache_combined',
    message: `GET /x/${offset}`,
    fields: { status: 200, path: `/x/${offset}` },
    raw: `line ${offset}`,
  };
}

/** An instance with the store's tables and `n` Parquet files of `rows` rows each, in today's layout. */
async function filesOf(dir: string, n: number, rows: number) {
  const instance = await DuckDBInstance.create(':memory:');
  const setup = await instance.connect();
  for (const sql of createSchemaSql()) await setup.run(sql);
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const file = join(dir, `f${i}.parquet`);
    await setup.run(
      `COPY (SELECT * REPLACE (make_timestamp(${T0}::BIGINT + range) AS ts, make_timestamp(${T0}::BIGINT + ${i}) AS ingested_at) FROM (SELECT * FROM ${ACTIVE_TABLE} UNION ALL BY NAME SELECT range, '/a' AS source, range AS "offset", 'x' AS message, 'x' AS raw FROM range(${rows}))) TO '${file}' (FORMAT parquet)`,
    );
    files.push(file);
  }
  setup.closeSync();
  return { instance, files };
}

const countOf = async (conn: Awaited<ReturnType<DuckDBInstance['connect']>>) =>
  Number((await conn.runAndReadAll('SELECT count(*) FROM logs')).getRows()[0][0]);

describe('query views', () => {
  it('keeps a connection per shape and points its view at the lists of each query', async () => {
    const { instance, files } = await filesOf(tempDir(), 3, 10);
    const views = queryViews(instance);
    try {
      const a = await views.acquire({ segments: files.slice(0, 1), partitions: [] });
      expect(await countOf(a)).toBe(10);
      views.release(a, true);
      // Same shape: the same connection, now reading three files.
      const b = await views.acquire({ segments: files, partitions: [] });
      expect(b).toBe(a);
      expect(await countOf(b)).toBe(30);
      // Another shape while it is out: a connection of its own.
      const c = await views.acquire({ segments: files.slice(0, 1), partitions: files.slice(1) });
      expect(c).not.toBe(b);
      expect(await countOf(c)).toBe(30);
      const empty = await views.acquire({ segments: [], partitions: [] });
      expect(await countOf(empty)).toBe(0);
      for (const conn of [b, c, empty]) views.release(conn, true);
    } finally {
      views.close();
      instance.closeSync();
    }
  });

  it('filters by the ingest range each query sets', async () => {
    const { instance, files } = await filesOf(tempDir(), 3, 4);
    const views = queryViews(instance);
    try {
      const range = (afterUs: number, upToUs: number) => ({
        segments: files,
        partitions: [],
        ingested: { afterUs, upToUs },
      });
      const a = await views.acquire(range(T0, T0 + 2));
      expect(await countOf(a)).toBe(8); // files 1 and 2
      views.release(a, true);
      const b = await views.acquire(range(T0 - 1, T0));
      expect(b).toBe(a);
      expect(await countOf(b)).toBe(4); // file 0
      views.release(b, true);
    } finally {
      views.close();
      instance.closeSync();
    }
  });

  it('closes a connection that failed instead of handing it out again', async () => {
    const { instance, files } = await filesOf(tempDir(), 1, 1);
    const views = queryViews(instance);
    try {
      const a = await views.acquire({ segments: files, partitions: [] });
      views.release(a, false);
      const b = await views.acquire({ segments: files, partitions: [] });
      expect(b).not.toBe(a);
      await expect(a.run('SELECT 1')).rejects.toThrow();
      views.release(b, true);
    } finally {
      views.close();
      instance.closeSync();
    }
  });

  it('answers the store’s queries right while appends and compaction change the files', async () => {
    const dir = tempDir();
    const store = await openDuckDbStore({
      path: join(dir, 'logs.duckdb'),
      compaction: { bytes: 64 * 1024, idleMs: 60_000, ageMs: 60_000 },
    });
    try {
      let n = 0;
      for (let batch = 0; batch < 40; batch++) {
        const events = Array.from({ length: 50 }, (_, i) => ev(n + i));
        n += events.length;
        await store.append(events);
        const [counted, followed] = await Promise.all([
          store.query({ sql: 'SELECT count(*) AS n, count(DISTINCT "offset") AS d FROM logs', params: [] }),
          store.query(
            { sql: 'SELECT count(*) AS n FROM logs', params: [] },
            { ingested: { afterUs: 0, upToUs: store.watermark() } },
          ),
        ]);
        expect(counted.rows[0]).toEqual({ n, d: n });
        expect(followed.rows[0].n).toBe(n);
      }
      const bad = store.query({ sql: 'SELECT nope FROM logs', params: [] });
      await expect(bad).rejects.toThrow(/nope/);
      const after = await store.query({ sql: 'SELECT count(*) AS n FROM logs', params: [] });
      expect(after.rows[0].n).toBe(n);
      expect((await store.stats()).segments).toBeLessThan(40);
    } finally {
      await store.close();
    }
  });

  it('keeps Parquet footers cached between queries, in the owner and in a read-only open', async () => {
    const dir = tempDir();
    const path = join(dir, 'logs.duckdb');
    const setting = { sql: "SELECT current_setting('parquet_metadata_cache') AS cached", params: [] };
    const store = await openDuckDbStore({ path });
    await store.append([ev(1)]);
    expect((await store.query(setting)).rows[0].cached).toBe(true);
    await store.close();
    const reader = await openDuckDbStore({ path, readOnly: true });
    try {
      expect((await reader.query(setting)).rows[0].cached).toBe(true);
      expect((await reader.query({ sql: 'SELECT count(*) AS n FROM logs', params: [] })).rows[0].n).toBe(1);
    } finally {
      await reader.close();
    }
  });

  it('cuts a message out of its line, and reads files and a table of the layout before that', async () => {
    const dir = tempDir();
    const instance = await DuckDBInstance.create(':memory:');
    const setup = await instance.connect();
    // An active table as a store made before the message's place was a column had it.
    await setup.run(
      `CREATE TABLE ${ACTIVE_TABLE} (ts TIMESTAMP, message VARCHAR, raw VARCHAR, "offset" BIGINT)`,
    );
    await setup.run(
      `INSERT INTO ${ACTIVE_TABLE} VALUES (make_timestamp(${T0}::BIGINT), 'kept', 'a kept b', 0)`,
    );
    const old = join(dir, 'old.parquet');
    const now = join(dir, 'now.parquet');
    await setup.run(
      `COPY (SELECT make_timestamp(${T0}::BIGINT) AS ts, 'old message' AS message, 'h: old message' AS raw, 1::BIGINT AS "offset") TO '${old}' (FORMAT parquet)`,
    );
    // Places: 'h: ' before, nothing after; 'é😀 ' before and ' }' after; a combining accent and
    // a joined emoji count their code points (7 before 'ok'), not bytes or what is drawn.
    await setup.run(
      `COPY (SELECT * FROM (VALUES (make_timestamp(${T0}::BIGINT), NULL, 'h: new message', 2::BIGINT, 3::BIGINT), (make_timestamp(${T0}::BIGINT), NULL, 'é😀 naïve 😀 }', 3::BIGINT, 3::BIGINT + 2 * ${2 ** 32}::BIGINT), (make_timestamp(${T0}::BIGINT), NULL, 'e\u0301👨\u200d👩: ok', 4::BIGINT, 7::BIGINT)) t(ts, message, raw, "offset", message_place)) TO '${now}' (FORMAT parquet)`,
    );
    setup.closeSync();
    const views = queryViews(instance);
    try {
      const conn = await views.acquire({ segments: [now], partitions: [old] });
      const r = await conn.runAndReadAll('SELECT * FROM logs ORDER BY "offset"');
      expect(r.columnNames()).not.toContain('message_place');
      const rows = r.getRowObjectsJson();
      expect(rows.map((x) => [x.message, x.raw])).toEqual([
        ['kept', 'a kept b'],
        ['old message', 'h: old message'],
        ['new message', 'h: new message'],
        ['naïve 😀', 'é😀 naïve 😀 }'],
        ['ok', 'e\u0301👨\u200d👩: ok'],
      ]);
      views.release(conn, true);
    } finally {
      views.close();
      instance.closeSync();
    }
  });
});
