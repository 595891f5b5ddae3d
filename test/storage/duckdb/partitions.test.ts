import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../src/core/events.js';
import { type DuckDbStoreOptions, openDuckDbStore } from '../../../src/storage/duckdb/engine.js';
import { tempDir } from '../../helpers/cli.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 2, 0, 0, 0); // a whole hour

function ev(i: number, tsMs: number, extra: Partial<LogEvent> = {}): LogEvent {
  return {
    ts: tsMs * 1000,
    level: i % 10 === 0 ? 'error' : 'info',
    service: i % 2 ? 'api' : 'web',
    host: 'h1',
    source: '/var/log/app.log',
    generation: 'g',
    offset: i,
    format: 'json',
    message: `event number ${i} with some text to compress`,
    fields: { status: i % 10 === 0 ? 500 : 200, region: 'eu-west' },
    raw: `{"i":${i},"msg":"event number ${i} with some text to compress"}`,
    ...extra,
  };
}

/** Events spread over `hours` hours from T0, `perHour` in each. */
function spread(hours: number, perHour: number, startIndex = 0): LogEvent[] {
  const out: LogEvent[] = [];
  for (let h = 0; h < hours; h++) {
    for (let k = 0; k < perHour; k++) {
      const i = startIndex + h * perHour + k;
      out.push(ev(i, T0 + h * HOUR + Math.floor((k * HOUR) / perHour)));
    }
  }
  return out;
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) n += statSync(join(e.parentPath, e.name)).size;
  }
  return n;
}

async function open(dir: string, clock: { now: number }, extra: Partial<DuckDbStoreOptions> = {}) {
  return openDuckDbStore({
    path: join(dir, 'logs.duckdb'),
    now: () => clock.now,
    sealAfterMs: 60_000,
    ...extra,
  });
}

describe('DuckDB store partitions', () => {
  it('seals finished hours into one Parquet file and still answers queries over everything', async () => {
    const dir = tempDir();
    const clock = { now: T0 + 3 * HOUR + 30 * 60_000 }; // hours 0-2 finished, hour 3 open
    const store = await open(dir, clock);
    await store.append(spread(4, 100));
    const report = await store.maintain();
    // Partitions are chosen by size: the three finished hours are one file.
    expect(report).toMatchObject({ sealed: 1, sealed_rows: 300 });
    const stats = await store.stats();
    expect(stats).toMatchObject({ rows: 400, active_rows: 100, partitions: 1 });
    expect(stats.oldest).toBe('2026-01-02T00:00:00.000000Z');
    const parts = readdirSync(join(dir, 'parts', '2026-01-02'));
    expect(parts).toHaveLength(1);
    expect(parts.every((f) => f.endsWith('.parquet'))).toBe(true);

    const all = await store.query({
      sql: 'SELECT count(*) AS n, count(DISTINCT "offset") AS d FROM logs',
      params: [],
    });
    expect(all.rows[0]).toEqual({ n: 400, d: 400 });
    const typed = await store.query({
      sql: 'SELECT status, fields, ts FROM logs WHERE "offset" = 10',
      params: [],
    });
    expect(typed.rows[0]).toEqual({
      status: 500,
      fields: { region: 'eu-west' },
      ts: '2026-01-02T00:06:00.000000Z',
    });
    await store.close();
  });

  it('skips partitions outside the time range', async () => {
    const dir = tempDir();
    const clock = { now: T0 + 10 * HOUR };
    // One seal per hour, not merged: six files, each with its time range in the catalog.
    const store = await open(dir, clock, { compaction: { mergeFiles: 100 } });
    const events = spread(6, 50);
    for (let h = 0; h < 6; h++) {
      await store.append(events.slice(h * 50, (h + 1) * 50));
      await store.maintain();
    }
    expect((await store.stats()).partitions).toBe(6);
    const fromUs = (T0 + 4 * HOUR) * 1000;
    const r = await store.query(
      { sql: 'SELECT count(*) AS n FROM logs WHERE ts >= make_timestamp(?::BIGINT)', params: [fromUs] },
      { range: { fromUs } },
    );
    expect(r.rows[0].n).toBe(100);
    // The two files read hold 50 rows each, as the catalog counts them.
    expect(r.scan).toEqual({
      partitions_scanned: 2,
      partitions_skipped: 4,
      partition_rows: 100,
      segments_scanned: 0,
      segment_rows: 0,
    });
    await store.close();
  });

  it('keeps rows appended after a seal pass began for the next pass, and stores late events', async () => {
    const dir = tempDir();
    const clock = { now: T0 + 2 * HOUR };
    const store = await open(dir, clock);
    await store.append(spread(1, 10));
    await store.maintain();
    // A late event for the sealed hour arrives; it is kept and sealed into a second file.
    await store.append([ev(1000, T0 + 5 * 60_000)]);
    expect((await store.stats()).rows).toBe(11);
    const r = await store.maintain();
    expect(r.sealed).toBe(1);
    expect(await store.stats()).toMatchObject({ rows: 11, partitions: 2, active_rows: 0 });
    await store.close();
  });

  it('still recognises re-sent events after their rows were sealed', async () => {
    const dir = tempDir();
    const clock = { now: T0 + 5 * HOUR };
    const store = await open(dir, clock);
    const events = spread(2, 20);
    await store.append(events);
    await store.maintain();
    expect(await store.append(events)).toEqual({ stored: 0, duplicates: 40 });
    await store.close();
  });

  it('removes partitions older than the retention age and frees their disk', async () => {
    const dir = tempDir();
    const clock = { now: T0 + 12 * HOUR };
    const store = await open(dir, clock, { retention: { maxAgeMs: 6 * HOUR } });
    await store.append(spread(10, 200));
    // Seals the 10 hours as one file, then rewrites it without the rows before T0+6h (more
    // than a quarter of its span has expired).
    const r = await store.maintain();
    expect(r).toMatchObject({ sealed: 1, removed_rows: 1200 });
    expect(r.freed_bytes).toBeGreaterThan(0);
    const stats = await store.stats();
    expect(stats.partitions).toBe(1);
    expect(stats.rows).toBe(800);
    expect(stats.oldest).toBe('2026-01-02T06:00:00.000000Z');
    expect(readdirSync(join(dir, 'parts', '2026-01-02'))).toHaveLength(1);
    const n = await store.query({ sql: 'SELECT count(*) AS n FROM logs', params: [] });
    expect(n.rows[0].n).toBe(800);
    await store.close();
  });

  it('removes a whole partition once its newest row is past the retention age', async () => {
    const dir = tempDir();
    const clock = { now: T0 + 3 * HOUR };
    const store = await open(dir, clock, { retention: { maxAgeMs: 6 * HOUR } });
    await store.append(spread(2, 100));
    expect(await store.maintain()).toMatchObject({ sealed: 1, removed: 0 });
    clock.now = T0 + 8 * HOUR + 1;
    expect(await store.maintain()).toMatchObject({ removed: 1, removed_rows: 200 });
    expect(await store.stats()).toMatchObject({ rows: 0, partitions: 0 });
    expect(readdirSync(join(dir, 'parts', '2026-01-02'))).toEqual([]);
    await store.close();
  });

  it('removes the oldest partitions while the store is over its size limit', async () => {
    const dir = tempDir();
    const clock = { now: T0 + 30 * HOUR };
    // A seal a day's hour, not merged: 24 files the size limit removes oldest first.
    const store = await open(dir, clock, { compaction: { mergeFiles: 100 } });
    const events = spread(24, 2000);
    for (let h = 0; h < 24; h++) {
      await store.append(events.slice(h * 2000, (h + 1) * 2000));
      await store.maintain();
    }
    await store.close();
    const before = dirBytes(join(dir, 'parts'));
    const dbBytes = statSync(join(dir, 'logs.duckdb')).size;
    const limit = dbBytes + Math.floor(before / 2);
    const limited = await open(dir, clock, {
      retention: { maxBytes: limit },
      compaction: { mergeFiles: 100 },
    });
    const r = await limited.maintain();
    expect(r.removed).toBeGreaterThan(0);
    expect(r.freed_bytes).toBeGreaterThan(0);
    const stats = await limited.stats();
    expect(stats.bytes_on_disk).toBeLessThanOrEqual(limit);
    expect(dirBytes(join(dir, 'parts'))).toBe(before - r.freed_bytes);
    // What is left is the newest data.
    expect(stats.newest).toBe('2026-01-02T23:59:58.200000Z');
    await limited.close();
  });

  it('clears partition files a crash left unlisted, keeping their rows in the active table', async () => {
    const dir = tempDir();
    const clock = { now: T0 + 3 * HOUR };
    let store = await open(dir, clock);
    await store.append(spread(2, 10));
    await store.close();
    // As if a seal wrote its file and the process died before the catalog commit.
    mkdirSync(join(dir, 'parts', '2026-01-02'), { recursive: true });
    writeFileSync(join(dir, 'parts', '2026-01-02', '0000-zzz.parquet'), 'half a file');
    writeFileSync(join(dir, 'parts', '2026-01-02', '0100-zzz.parquet.tmp'), 'half a file');
    store = await open(dir, clock);
    expect(existsSync(join(dir, 'parts', '2026-01-02'))).toBe(false);
    expect((await store.stats()).rows).toBe(20);
    expect((await store.maintain()).sealed).toBe(1);
    await store.close();
  });

  it('reads sealed partitions when opened read-only', async () => {
    const dir = tempDir();
    const clock = { now: T0 + 5 * HOUR };
    const store = await open(dir, clock);
    await store.append(spread(3, 10));
    await store.maintain();
    await store.close();
    const ro = await openDuckDbStore({ path: join(dir, 'logs.duckdb'), readOnly: true });
    const r = await ro.query({ sql: 'SELECT count(*) AS n FROM logs', params: [] });
    expect(r.rows[0].n).toBe(30);
    await ro.close();
  });

  it('writes a partition in source, then time order, whether its rows came so or not', async () => {
    for (const shuffled of [false, true]) {
      const dir = tempDir();
      const clock = { now: T0 + 5 * HOUR };
      const store = await open(dir, clock);
      const events = spread(2, 200).map((e, i) => ({
        ...e,
        source: i % 3 ? '/var/log/b.log' : '/var/log/a.log',
        // Out of order: sources interleaved, and each one's times running backwards.
        ts: shuffled ? e.ts + (400 - 2 * i) * 1_000_000 : e.ts,
      }));
      // In order: one source after the other, each in time order (an import of two files).
      const sorted = [...events].sort((a, b) => a.source.localeCompare(b.source) || a.ts - b.ts);
      const rows = shuffled ? events : sorted;
      for (let i = 0; i < rows.length; i += 100) await store.append(rows.slice(i, i + 100));
      expect(await store.maintain()).toMatchObject({ sealed: 1, sealed_rows: 400 });
      await store.close();
      const [file] = readdirSync(join(dir, 'parts', '2026-01-02'));
      const db = await DuckDBInstance.create(':memory:');
      const conn = await db.connect();
      const read = await conn.runAndReadAll(
        `SELECT source, epoch_us(ts) AS ts FROM read_parquet('${join(dir, 'parts', '2026-01-02', file)}', file_row_number = true) ORDER BY file_row_number`,
      );
      const got = read.getRowObjects().map((r) => `${r.source} ${r.ts}`);
      conn.closeSync();
      db.closeSync();
      expect(got).toEqual(sorted.map((e) => `${e.source} ${e.ts}`));
    }
  });

  it('with sealAsFilled, seals whole partitions as rows come, leaving the last, partial one to maintenance', async () => {
    const dir = tempDir();
    const clock = { now: T0 + 30 * HOUR };
    // Compacted every 100 rows or so; partitions of at most 300 rows.
    const store = await open(dir, clock, {
      sealAsFilled: true,
      compaction: { bytes: 8 * 1024, idleMs: 60_000, ageMs: 60_000, mergeRows: 300 },
    });
    const events = spread(10, 100);
    for (let i = 0; i < events.length; i += 50) await store.append(events.slice(i, i + 50));
    // Whole partitions were sealed beside the appends; what is left waits for maintenance.
    await expect.poll(async () => (await store.stats()).partitions, { timeout: 10_000 }).toBeGreaterThan(0);
    const before = await store.stats();
    expect(before.rows).toBe(1000);
    await store.maintain();
    const after = await store.stats();
    expect(after).toMatchObject({ rows: 1000, active_rows: 0 });
    const n = await store.query({ sql: 'SELECT count(DISTINCT "offset") AS d FROM logs', params: [] });
    expect(n.rows[0].d).toBe(1000);
    await store.close();
  });

  it('with sealAsFilled, maintenance seals the open window too: an import leaves no unsealed rows', async () => {
    const dir = tempDir();
    const clock = { now: T0 + 3 * HOUR + 30 * 60_000 }; // hours 0-2 finished, hour 3 open
    const store = await open(dir, clock, { sealAsFilled: true });
    await store.append(spread(4, 100));
    expect(await store.maintain()).toMatchObject({ sealed: 1, sealed_rows: 400 });
    expect(await store.stats()).toMatchObject({ rows: 400, active_rows: 0, segments: 0, partitions: 1 });
    await store.close();
  });

  it('seals the same rows in the same order when a pass runs alone, on every core', async () => {
    const rowsOf = async (alone: boolean): Promise<unknown[]> => {
      const dir = tempDir();
      const clock = { now: T0 + 3 * HOUR + 30 * 60_000 };
      const store = await open(dir, clock, { sealAsFilled: true });
      await store.append(spread(4, 2_000));
      expect(await store.maintain({ alone })).toMatchObject({ sealed: 1, sealed_rows: 8_000 });
      expect(await store.stats()).toMatchObject({ rows: 8_000, segments: 0, partitions: 1 });
      // The file's own order (no ORDER BY): one thread or several write it the same.
      const got = await store.query({ sql: 'SELECT source, ts, "offset", message FROM logs', params: [] });
      await store.close();
      return got.rows;
    };
    const wide = await rowsOf(true);
    expect(wide).toHaveLength(8_000);
    expect(wide).toEqual(await rowsOf(false));
  });

  describe('merging small partitions', () => {
    /** Seals one hour at a time, as live ingest does: four files of 100 rows. */
    async function fourHourlyFiles(dir: string): Promise<void> {
      const clock = { now: T0 };
      const store = await open(dir, clock, { compaction: { mergeFiles: 100 } });
      const events = spread(4, 100);
      for (let h = 0; h < 4; h++) {
        await store.append(events.slice(h * 100, (h + 1) * 100));
        clock.now = T0 + (h + 1) * HOUR + 2 * 60_000;
        expect((await store.maintain()).sealed).toBe(1);
      }
      await store.close();
    }
    const files = (dir: string) => readdirSync(join(dir, 'parts', '2026-01-02')).sort();
    const COUNT = { sql: 'SELECT count(*) AS n, count(DISTINCT "offset") AS d FROM logs', params: [] };

    it('merges a run of small files into one, which queries read without a row twice', async () => {
      const dir = tempDir();
      await fourHourlyFiles(dir);
      expect(files(dir)).toHaveLength(4);
      const clock = { now: T0 + 5 * HOUR };
      const store = await open(dir, clock);
      await store.maintain();
      expect(await store.stats()).toMatchObject({ rows: 400, partitions: 1 });
      expect(files(dir)).toHaveLength(1);
      expect((await store.query(COUNT)).rows[0]).toEqual({ n: 400, d: 400 });
      // Its time range still prunes: nothing before or after its rows is scanned.
      const late = await store.query(COUNT, { range: { fromUs: (T0 + 6 * HOUR) * 1000 } });
      expect(late.scan).toEqual({
        partitions_scanned: 0,
        partitions_skipped: 1,
        partition_rows: 0,
        segments_scanned: 0,
        segment_rows: 0,
      });
      await store.close();
    });

    it('keeps exactly one copy of each row whatever moment of a merge a crash came at', async () => {
      const before = tempDir();
      await fourHourlyFiles(before);
      const merged = tempDir();
      cpSync(before, merged, { recursive: true });
      const clock = { now: T0 + 5 * HOUR };
      let store = await open(merged, clock);
      await store.maintain();
      await store.close();
      const [mergedFile] = files(merged);
      const check = async (dir: string, expectFiles: number) => {
        const s = await open(dir, clock, { compaction: { mergeFiles: 100 } });
        expect((await s.query(COUNT)).rows[0]).toEqual({ n: 400, d: 400 });
        expect(await s.append(spread(4, 100))).toEqual({ stored: 0, duplicates: 400 });
        await s.close();
        expect(files(dir)).toHaveLength(expectFiles);
      };

      // The merged file written, its commit never made: it goes, the four parts serve.
      const uncommitted = tempDir();
      cpSync(before, uncommitted, { recursive: true });
      copyFileSync(
        join(merged, 'parts', '2026-01-02', mergedFile),
        join(uncommitted, 'parts', '2026-01-02', mergedFile),
      );
      await check(uncommitted, 4);

      // Committed, the parts not unlinked yet: they were retired in the commit, and go.
      const unlinked = tempDir();
      cpSync(merged, unlinked, { recursive: true });
      cpSync(join(before, 'parts'), join(unlinked, 'parts'), { recursive: true });
      expect(files(unlinked)).toHaveLength(5);
      await check(unlinked, 1);

      // Both on disk and the catalog lost: the merged file is adopted, the parts are redundant.
      const lost = tempDir();
      cpSync(merged, lost, { recursive: true });
      cpSync(join(before, 'parts'), join(lost, 'parts'), { recursive: true });
      rmSync(join(lost, 'logs.duckdb'));
      await check(lost, 1);
      store = await open(lost, clock);
      expect(await store.stats()).toMatchObject({ rows: 400, partitions: 1 });
      await store.close();
    });
  });
});
