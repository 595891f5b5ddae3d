/**
 * The catalog's one-table layout, and stores of the older one (six tables, 256 KB blocks): they
 * open read-only as they are, and their owner moves them to the one table, then queries, seals
 * and merges as in any store.
 */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../src/core/events.js';
import { openDuckDbStore } from '../../../src/storage/duckdb/engine.js';
import { catalogSchemaSql, createSchemaSql } from '../../../src/storage/duckdb/schema.js';
import { tempDir } from '../../helpers/cli.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 2);

function ev(i: number, tsMs: number): LogEvent {
  return {
    ts: tsMs * 1000,
    level: 'info',
    service: 'web',
    host: 'h1',
    source: '/var/log/app.log',
    generation: 'g',
    offset: i,
    format: 'json',
    message: `event ${i}`,
    fields: {},
    raw: `{"i":${i}}`,
  };
}

const hour = (h: number) => Array.from({ length: 10 }, (_, k) => ev(h * 10 + k, T0 + h * HOUR + k * 60_000));

async function rowsOf(path: string, sql: string, readOnly = true): Promise<unknown[][]> {
  const db = await DuckDBInstance.create(path, readOnly ? { access_mode: 'READ_ONLY' } : {});
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowsJson();
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

const COUNT = { sql: 'SELECT count(*) AS n, count(DISTINCT "offset") AS d FROM logs', params: [] };

describe('catalog layout', () => {
  it('keeps a new store catalog in one table of 16 KB blocks', async () => {
    const dir = tempDir();
    const path = join(dir, 'logs.duckdb');
    const store = await openDuckDbStore({ path, now: () => T0 + 3 * HOUR, sealAfterMs: 60_000 });
    await store.append([...hour(0), ...hour(1)]);
    await store.maintain();
    await store.close();
    const tables = await rowsOf(path, 'SELECT table_name FROM duckdb_tables() ORDER BY 1');
    expect(tables).toEqual([['catalog']]);
    const [[blockSize]] = await rowsOf(path, 'SELECT block_size FROM pragma_database_size()');
    expect(Number(blockSize)).toBe(16384);
    expect(statSync(path).size).toBeLessThanOrEqual(64 * 1024);
  });

  it('opens, queries, seals and merges a store of the older six-table layout', async () => {
    const dir = tempDir();
    const path = join(dir, 'logs.duckdb');
    const clock = { now: T0 };
    const opts = { path, now: () => clock.now, sealAfterMs: 60_000 };
    // Three hourly partitions, then their catalog written again in the older layout.
    let store = await openDuckDbStore({ ...opts, compaction: { mergeFiles: 100 } });
    for (let h = 0; h < 3; h++) {
      await store.append(hour(h));
      clock.now = T0 + (h + 1) * HOUR + 2 * 60_000;
      await store.maintain();
    }
    await store.close();
    const partitions = await rowsOf(
      path,
      `SELECT key, epoch_us(make_timestamp((value->>'min_us')::BIGINT)), (value->>'max_us')::BIGINT, (value->>'rows')::BIGINT, (value->>'bytes')::BIGINT, (value->>'raw_bytes')::BIGINT, (value->'segments')::VARCHAR, (value->'offsets')::VARCHAR FROM catalog WHERE kind = 'partition'`,
    );
    expect(partitions).toHaveLength(3);
    rmSync(path);
    const legacy = await DuckDBInstance.create(path);
    const lc = await legacy.connect();
    for (const sql of [...createSchemaSql(), ...catalogSchemaSql()]) await lc.run(sql);
    for (const [file, mn, mx, rows, bytes, raw, segments, offsets] of partitions) {
      await lc.run(
        'INSERT INTO partitions (file, min_ts, max_ts, rows, bytes, raw_bytes, levels, services, sealed_at, segments, offsets) VALUES (?, make_timestamp(?::BIGINT), make_timestamp(?::BIGINT), ?, ?, ?, NULL, NULL, now(), ?, ?)',
        [
          String(file),
          Number(mn),
          Number(mx),
          Number(rows),
          Number(bytes),
          Number(raw),
          String(segments),
          String(offsets),
        ],
      );
    }
    await lc.run("INSERT INTO source_offsets VALUES ('/var/log/app.log', 'g', 30, now())");
    lc.closeSync();
    legacy.closeSync();
    const [[oldBlocks]] = await rowsOf(path, 'SELECT block_size FROM pragma_database_size()');
    expect(Number(oldBlocks)).toBe(262144);

    // Read-only: the older tables as they are.
    const ro = await openDuckDbStore({ path, readOnly: true });
    expect((await ro.query(COUNT)).rows[0]).toEqual({ n: 30, d: 30 });
    expect((await ro.stats()).partitions).toBe(3);
    await ro.close();

    // The owner moves it to the one table, and it works as any store.
    store = await openDuckDbStore(opts);
    expect((await store.query(COUNT)).rows[0]).toEqual({ n: 30, d: 30 });
    expect(await store.append(hour(2))).toEqual({ stored: 0, duplicates: 10 });
    await store.append(hour(3));
    clock.now = T0 + 4 * HOUR + 2 * 60_000;
    expect((await store.maintain()).sealed).toBe(1);
    // Four small files: merged into one.
    expect(await store.stats()).toMatchObject({ rows: 40, partitions: 1 });
    expect((await store.query(COUNT)).rows[0]).toEqual({ n: 40, d: 40 });
    await store.close();
    const tables = await rowsOf(path, 'SELECT table_name FROM duckdb_tables() ORDER BY 1');
    expect(tables).toEqual([['catalog'], ['logs_active']]);
    store = await openDuckDbStore(opts);
    expect(await store.append([...hour(0), ...hour(3)])).toEqual({ stored: 0, duplicates: 20 });
    await store.close();
  });
});
