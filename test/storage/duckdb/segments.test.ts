/**
 * The segment write path: appended batches are Parquet files, queryable at once, compacted
 * into one file per window, sealed into partitions straight from those files, never
 * counted twice, and recovered after a crash at any step.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../src/core/events.js';
import { committedPositions } from '../../../src/storage/committed.js';
import { type DuckDbStore, openDuckDbStore } from '../../../src/storage/duckdb/engine.js';
import { listSegments } from '../../../src/storage/duckdb/segments.js';
import { tempDir } from '../../helpers/cli.js';

function ev(offset: number, extra: Partial<LogEvent> = {}): LogEvent {
  return {
    ts: Date.UTC(2026, 0, 2, 3, 4, 5) * 1000 + offset,
    level: offset % 7 === 0 ? 'error' : 'info',
    service: 'web',
    host: null,
    source: '/var/log/a.log',
    generation: 'g1',
    offset,
    format: 'apache_combined',
    message: `GET /x/${offset} ünïcødé`,
    fields: { status: 200 + (offset % 3), path: `/x/${offset}`, bytes: offset * 3, region: 'eu' },
    raw: `line ${offset} ✓`,
    ...extra,
  };
}

function range(from: number, n: number): LogEvent[] {
  return Array.from({ length: n }, (_, k) => ev(from + k));
}

function segmentFiles(dir: string): string[] {
  const seg = join(dir, 'segments');
  return existsSync(seg) ? readdirSync(seg).sort() : [];
}

/**
 * Bytes of the files in the segments folder. Background compaction renames and unlinks files
 * meanwhile: when one is gone between the listing and its stat, the folder is listed again.
 */
function segmentBytes(dir: string): number {
  for (;;) {
    let n = 0;
    let gone = false;
    for (const f of segmentFiles(dir)) {
      const st = statSync(join(dir, 'segments', f), { throwIfNoEntry: false });
      if (st === undefined) gone = true;
      else n += st.size;
    }
    if (!gone) return n;
  }
}

const COUNT = 'SELECT count(*) AS n, count(DISTINCT "offset") AS d FROM logs';
const HOUR = 3_600_000;
/** A clock while the hours of `ev`'s rows (03:00 and 04:00) are still open: their rows are hot. */
const hot = () => Date.UTC(2026, 0, 2, 4, 0, 30);
/** No compaction but the ones a test asks for (or close). */
const ON_DEMAND = { idleMs: HOUR, ageMs: HOUR, bytes: Number.MAX_SAFE_INTEGER };

/** Copies the segment files now on disk to a new folder (to put back later, as a crash leaves them). */
function saveSegments(dir: string): string {
  const saved = tempDir('logpipe-seg-saved-');
  for (const f of segmentFiles(dir)) copyFileSync(join(dir, 'segments', f), join(saved, f));
  return saved;
}

function restoreSegments(dir: string, saved: string, only?: (name: string) => boolean): void {
  for (const f of readdirSync(saved)) {
    if (!only || only(f)) copyFileSync(join(saved, f), join(dir, 'segments', f));
  }
}

/** 32 events in two appends, the second across 04:00 (so a compaction writes two parts). */
async function appendAcrossAnHour(store: DuckDbStore): Promise<void> {
  const t = Date.UTC(2026, 0, 2, 4) * 1000;
  await store.append(range(0, 30));
  await store.append([ev(30, { ts: t + 1 }), ev(31, { ts: t - 1 })]);
}

function emptySegments(dir: string): void {
  rmSync(join(dir, 'segments'), { recursive: true });
  mkdirSync(join(dir, 'segments'));
}

async function count(store: { query: DuckDbStore['query'] }): Promise<unknown> {
  return (await store.query({ sql: COUNT, params: [] })).rows[0];
}

describe('store segments', () => {
  it('answers queries from segments before any merge, with every column intact', async () => {
    const dir = tempDir('logpipe-seg-');
    const store = await openDuckDbStore({ path: join(dir, 'logs.duckdb') });
    try {
      await store.append(range(0, 5));
      await store.append(range(5, 5));
      expect(segmentFiles(dir)).toHaveLength(2);
      const r = await store.query({
        sql: 'SELECT "offset", level, status, path, bytes, message, raw, fields FROM logs WHERE "offset" = 7',
        params: [],
      });
      expect(r.rows).toEqual([
        {
          offset: 7,
          level: 'error',
          status: 201,
          path: '/x/7',
          bytes: 21,
          message: 'GET /x/7 ünïcødé',
          raw: 'line 7 ✓',
          fields: { region: 'eu' },
        },
      ]);
      expect((await store.query({ sql: COUNT, params: [] })).rows[0]).toEqual({ n: 10, d: 10 });
      const stats = await store.stats();
      expect(stats.rows).toBe(10);
      expect(stats.active_rows).toBe(10);
      expect(stats.segments).toBe(2);
    } finally {
      await store.close();
    }
  });

  it('compacts appended segments into one file per window and removes them', async () => {
    const dir = tempDir('logpipe-seg-');
    const store = await openDuckDbStore({ path: join(dir, 'logs.duckdb'), compaction: ON_DEMAND, now: hot });
    try {
      for (let i = 0; i < 4; i++) await store.append(range(i * 100, 100));
      // A batch across an hour's end: its rows go to two windows.
      const t = Date.UTC(2026, 0, 2, 4) * 1000;
      await store.append([ev(400, { ts: t - 1 }), ev(401, { ts: t }), ev(402, { ts: t - 2 })]);
      expect(segmentFiles(dir)).toHaveLength(5);
      await store.compact();
      expect(segmentFiles(dir)).toEqual([
        '000000000001-000000000005.1of2.parquet',
        '000000000001-000000000005.2of2.parquet',
      ]);
      expect(await count(store)).toEqual({ n: 403, d: 403 });
      const r = await store.query({
        sql: 'SELECT "offset", status, path, fields, raw FROM logs WHERE "offset" IN (7, 401) ORDER BY 1',
        params: [],
      });
      expect(r.rows).toEqual([
        { offset: 7, status: 201, path: '/x/7', fields: { region: 'eu' }, raw: 'line 7 ✓' },
        { offset: 401, status: 202, path: '/x/401', fields: { region: 'eu' }, raw: 'line 401 ✓' },
      ]);
      const stats = await store.stats();
      expect(stats.rows).toBe(403);
      expect(stats.segments).toBe(2);
      // The next appends start a new run.
      await store.append(range(500, 10));
      await store.compact();
      expect(segmentFiles(dir)).toContain('000000000006-000000000006.1of1.parquet');
      expect(await count(store)).toEqual({ n: 413, d: 413 });
    } finally {
      await store.close();
    }
  });

  it('compacts large appends from their files and small ones from memory, rows in append order', async () => {
    const dir = tempDir('logpipe-seg-');
    const store = await openDuckDbStore({ path: join(dir, 'logs.duckdb'), compaction: ON_DEMAND, now: hot });
    try {
      const t = Date.UTC(2026, 0, 2, 4) * 1000;
      // Large appends keep their row groups (copied from their files); small ones, and the rows
      // of a batch across an hour's end, are laid out afresh between them.
      await store.append(range(0, 3000));
      await store.append(range(3000, 100));
      await store.append(range(3100, 50));
      await store.append(range(3150, 3000));
      await store.append([ev(6150, { ts: t - 1 }), ev(6151, { ts: t }), ev(6152, { ts: t - 2 })]);
      await store.append(range(6153, 2500));
      const all = 'SELECT * EXCLUDE (ingested_at) FROM logs ORDER BY "offset"';
      const before = (await store.query({ sql: all, params: [] })).rows;
      expect(before).toHaveLength(8653);
      await store.compact();
      expect(segmentFiles(dir)).toEqual([
        '000000000001-000000000006.1of2.parquet',
        '000000000001-000000000006.2of2.parquet',
      ]);
      expect((await store.query({ sql: all, params: [] })).rows).toEqual(before);
      expect(await count(store)).toEqual({ n: 8653, d: 8653 });
      // Each file holds its rows in the order they were appended.
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const db = await DuckDBInstance.create(':memory:');
      try {
        const conn = await db.connect();
        const offsets = async (part: number) => {
          const file = join(dir, 'segments', `000000000001-000000000006.${part}of2.parquet`);
          const r = await conn.runAndReadAll(`SELECT "offset" FROM read_parquet('${file}')`);
          return r.getRowObjects().map((o) => Number(o.offset));
        };
        const first = await offsets(1);
        expect(first).toEqual([
          ...Array.from({ length: 6150 }, (_, i) => i),
          6150,
          6152,
          ...Array.from({ length: 2500 }, (_, i) => 6153 + i),
        ]);
        expect(await offsets(2)).toEqual([6151]);
        const groups = await conn.runAndReadAll(
          `SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata('${join(dir, 'segments', '000000000001-000000000006.1of2.parquet')}') ORDER BY 1`,
        );
        expect(groups.getRowObjects().map((o) => Number(o.row_group_num_rows))).toEqual([
          3000, 150, 3000, 2, 2500,
        ]);
        conn.closeSync();
      } finally {
        db.closeSync();
      }
    } finally {
      await store.close();
    }
  });

  it('compacts rows of windows that had ended into one file, whatever hours they span', async () => {
    const dir = tempDir('logpipe-seg-');
    // Three days after the rows: every window they fall in has ended.
    const store = await openDuckDbStore({
      path: join(dir, 'logs.duckdb'),
      compaction: ON_DEMAND,
      now: () => Date.UTC(2026, 0, 5),
    });
    try {
      // Most of a year of history, a row every four hours, in two appends.
      const t0 = Date.UTC(2025, 0, 1) * 1000;
      const rows = Array.from({ length: 2000 }, (_, i) => ev(i, { ts: t0 + i * 4 * HOUR * 1000 }));
      await store.append(rows.slice(0, 1000));
      await store.append(rows.slice(1000));
      await store.compact();
      expect(segmentFiles(dir)).toEqual(['000000000001-000000000002.1of1.parquet']);
      expect(await count(store)).toEqual({ n: 2000, d: 2000 });
      const r = await store.maintain();
      expect(r).toMatchObject({ sealed: 1, sealed_rows: 2000 });
      expect((await store.stats()).partitions).toBe(1);
      expect(await count(store)).toEqual({ n: 2000, d: 2000 });
    } finally {
      await store.close();
    }
  });

  it('never counts a row twice or misses one while compactions run beside queries', async () => {
    const dir = tempDir('logpipe-seg-');
    const store = await openDuckDbStore({ path: join(dir, 'logs.duckdb'), compaction: ON_DEMAND });
    try {
      const total = 60 * 50;
      let appended = 0;
      const writes = (async () => {
        for (let i = 0; i < total; i += 50) {
          await store.append(range(i, 50));
          appended = i + 50;
          if (i % 500 === 0) void store.compact();
        }
        await store.compact();
      })();
      let last = 0;
      let checks = 0;
      while (checks < 5 || appended < total) {
        const before = appended;
        const r = (await count(store)) as { n: number; d: number };
        expect(r.n).toBe(r.d); // no duplicates
        expect(r.n).toBeGreaterThanOrEqual(Math.max(last, before)); // nothing acknowledged is missing
        last = r.n;
        checks++;
      }
      await writes;
      expect(await count(store)).toEqual({ n: total, d: total });
    } finally {
      await store.close();
    }
  });

  it('counts each row once while a large compaction and its seal swap files beside queries', async () => {
    const dir = tempDir('logpipe-seg-');
    const t0 = Date.UTC(2026, 0, 2);
    const store = await openDuckDbStore({
      path: join(dir, 'logs.duckdb'),
      compaction: ON_DEMAND,
      now: () => t0 + 5 * HOUR, // the events' hour (03:00) has ended
      sealAfterMs: 0,
    });
    try {
      const total = 300_000;
      for (let i = 0; i < total; i += 10_000) await store.append(range(i, 10_000));
      let busy = true;
      const wrong: number[] = [];
      const poll = async () => {
        while (busy) {
          const r = await store.query({ sql: 'SELECT count(*) AS n FROM logs', params: [] });
          if (r.rows[0].n !== total) wrong.push(r.rows[0].n as number);
        }
      };
      const pollers = Array.from({ length: 6 }, poll);
      await store.compact();
      expect((await store.maintain()).sealed_rows).toBe(total);
      busy = false;
      await Promise.all(pollers);
      expect(wrong).toEqual([]);
      expect(segmentFiles(dir)).toEqual([]);
      expect(await count(store)).toEqual({ n: total, d: total });
    } finally {
      await store.close();
    }
  }, 60_000);

  it('seals, compacts and answers queries side by side without losing or doubling a row', async () => {
    const dir = tempDir('logpipe-seg-');
    const t0 = Date.UTC(2026, 0, 2);
    const clock = { now: t0 + 3 * HOUR };
    const store = await openDuckDbStore({
      path: join(dir, 'logs.duckdb'),
      now: () => clock.now,
      sealAfterMs: 0,
      compaction: { bytes: 20_000, idleMs: 20 },
    });
    try {
      const total = 3000;
      // Event times spread over three hours, so every pass has finished windows to seal.
      const at = (i: number) => ev(i, { ts: (t0 + Math.floor((i * 3 * HOUR) / total)) * 1000 });
      let appended = 0;
      const writes = (async () => {
        for (let i = 0; i < total; i += 100) {
          await store.append(Array.from({ length: 100 }, (_, k) => at(i + k)));
          appended = i + 100;
        }
      })();
      const passes = (async () => {
        while (appended < total) {
          await store.maintain();
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      while (appended < total) {
        const before = appended;
        const r = (await count(store)) as { n: number; d: number };
        expect(r.n).toBe(r.d);
        expect(r.n).toBeGreaterThanOrEqual(before);
      }
      await Promise.all([writes, passes]);
      await store.maintain();
      expect(await count(store)).toEqual({ n: total, d: total });
      const stats = await store.stats();
      expect(stats.partitions).toBeGreaterThan(0);
      expect(stats.rows).toBe(total);
      expect(stats.active_rows).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('compacts the rows waiting in memory when it closes, keeping offsets across a reopen', async () => {
    const dir = tempDir('logpipe-seg-');
    const path = join(dir, 'logs.duckdb');
    let store = await openDuckDbStore({ path, compaction: ON_DEMAND });
    await store.append(range(0, 20));
    await store.append(range(20, 20));
    expect(segmentFiles(dir)).toHaveLength(2);
    await store.close();
    expect(segmentFiles(dir)).toEqual(['000000000001-000000000002.1of1.parquet']);
    store = await openDuckDbStore({ path });
    try {
      const again = await store.append(range(30, 20)); // 30..39 were stored before the reopen
      expect(again).toEqual({ stored: 10, duplicates: 10 });
      expect(await count(store)).toEqual({ n: 50, d: 50 });
      expect(segmentFiles(dir)).toContain('000000000003.parquet'); // numbered after the others
    } finally {
      await store.close();
    }
  });

  it('compacts appended segments a killed process held in memory only, at the next open', async () => {
    const dir = tempDir('logpipe-seg-');
    const path = join(dir, 'logs.duckdb');
    let store = await openDuckDbStore({ path, compaction: ON_DEMAND, now: hot });
    await appendAcrossAnHour(store);
    const saved = saveSegments(dir);
    await store.close();
    // As if the process died before compacting: only the appended files are on disk.
    emptySegments(dir);
    restoreSegments(dir, saved);
    store = await openDuckDbStore({ path, compaction: ON_DEMAND, now: hot });
    try {
      expect(segmentFiles(dir)).toEqual([
        '000000000001-000000000002.1of2.parquet',
        '000000000001-000000000002.2of2.parquet',
      ]);
      expect(await count(store)).toEqual({ n: 32, d: 32 });
      expect(await store.append(range(0, 32))).toEqual({ stored: 0, duplicates: 32 });
      await store.append(range(32, 3));
      expect(await count(store)).toEqual({ n: 35, d: 35 });
    } finally {
      await store.close();
    }
  });

  it('deletes appended segments a finished compaction replaced, and an unfinished one', async () => {
    const dir = tempDir('logpipe-seg-');
    const path = join(dir, 'logs.duckdb');
    let store = await openDuckDbStore({ path, compaction: ON_DEMAND, now: hot });
    await appendAcrossAnHour(store);
    const appended = saveSegments(dir);
    await store.compact();
    const compacted = saveSegments(dir);
    await store.close();
    // Died after the compaction, before it unlinked the appended files (and mid-append).
    restoreSegments(dir, appended);
    writeFileSync(join(dir, 'segments', '000000000003.parquet.tmp'), 'half a file');
    store = await openDuckDbStore({ path, compaction: ON_DEMAND, now: hot });
    try {
      expect(segmentFiles(dir)).toEqual(readdirSync(compacted).sort());
      expect(await count(store)).toEqual({ n: 32, d: 32 });
    } finally {
      await store.close();
    }
    // Died while the compaction was writing its set: one part of two is there.
    emptySegments(dir);
    restoreSegments(dir, appended);
    restoreSegments(dir, compacted, (f) => f.includes('.1of2.'));
    store = await openDuckDbStore({ path, compaction: ON_DEMAND, now: hot });
    try {
      expect(await count(store)).toEqual({ n: 32, d: 32 });
      expect(segmentFiles(dir)).toHaveLength(2);
      expect(await store.append(range(0, 32))).toEqual({ stored: 0, duplicates: 32 });
    } finally {
      await store.close();
    }
  });

  it('deletes compacted segments a committed seal took, left by a crash before their unlink', async () => {
    const dir = tempDir('logpipe-seg-');
    const path = join(dir, 'logs.duckdb');
    const t0 = Date.UTC(2026, 0, 2);
    let store = await openDuckDbStore({ path, now: () => t0 + 6 * HOUR, sealAfterMs: 0 });
    await store.append(range(0, 40));
    await store.compact();
    const compacted = saveSegments(dir);
    expect((await store.maintain()).sealed_rows).toBe(40);
    await store.close();
    expect(segmentFiles(dir)).toEqual([]);
    restoreSegments(dir, compacted);
    store = await openDuckDbStore({ path, now: () => t0 + 6 * HOUR, sealAfterMs: 0 });
    try {
      expect(segmentFiles(dir)).toEqual([]);
      expect(await count(store)).toEqual({ n: 40, d: 40 });
      expect((await store.stats()).partitions).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('keeps a compacted part whose sibling was sealed and then removed by retention', async () => {
    const dir = tempDir('logpipe-seg-');
    const path = join(dir, 'logs.duckdb');
    const t0 = Date.UTC(2026, 0, 2);
    const clock = { now: t0 + 2 * HOUR };
    const opts = {
      path,
      now: () => clock.now,
      sealAfterMs: 0,
      compaction: ON_DEMAND,
      retention: { maxAgeMs: 2.5 * HOUR },
    };
    let store = await openDuckDbStore(opts);
    // Old events (hour 0) and current ones (hour 2) in one batch: one set of two parts.
    await store.append([
      ...range(0, 10).map((e) => ({ ...e, ts: t0 * 1000 + e.offset })),
      ...range(10, 10).map((e) => ({ ...e, ts: (t0 + 2 * HOUR) * 1000 + e.offset })),
    ]);
    await store.compact();
    // Hour 0 is sealed; later retention removes that partition, whose catalog row named its part.
    expect((await store.maintain()).sealed_rows).toBe(10);
    clock.now = t0 + 2.75 * HOUR;
    expect((await store.maintain()).removed_rows).toBe(10);
    await store.close();
    store = await openDuckDbStore(opts);
    try {
      expect(segmentFiles(dir)).toEqual(['000000000001-000000000001.2of2.parquet']);
      expect(await count(store)).toEqual({ n: 10, d: 10 });
    } finally {
      await store.close();
    }
  });

  it('tells a collector the last stored line of content, whether appended, compacted or sealed', async () => {
    const dir = tempDir('logpipe-seg-');
    const path = join(dir, 'logs.duckdb');
    const t0 = Date.UTC(2026, 0, 2);
    let store = await openDuckDbStore({
      path,
      compaction: ON_DEMAND,
      now: () => t0 + 6 * HOUR,
      sealAfterMs: 0,
    });
    await store.append(range(0, 10));
    await store.append(range(10, 5).map((e) => ({ ...e, source: '/var/log/a.log.1', generation: 'g1-2' })));
    const expected = [
      { source: '/var/log/a.log', generation: 'g1', offset: 9, raw: 'line 9 ✓' },
      { source: '/var/log/a.log.1', generation: 'g1-2', offset: 14, raw: 'line 14 ✓' },
    ];
    const sorted = (p: { source: string }[]) => [...p].sort((a, b) => a.source.localeCompare(b.source));
    expect(sorted(await committedPositions(store, 'g1'))).toEqual(expected);
    await store.close();
    store = await openDuckDbStore({ path, now: () => t0 + 6 * HOUR, sealAfterMs: 0 }); // the offsets survive a restart
    try {
      expect(sorted(await committedPositions(store, 'g1'))).toEqual(expected);
      await store.maintain();
      expect((await store.stats()).partitions).toBe(1);
      expect(sorted(await committedPositions(store, 'g1'))).toEqual(expected);
      expect(await committedPositions(store, 'other')).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('seals early and holds appends while unsealed segments grow past their cap', async () => {
    const dir = tempDir('logpipe-seg-');
    const maxBytes = 120_000;
    const store = await openDuckDbStore({
      path: join(dir, 'logs.duckdb'),
      compaction: { ...ON_DEMAND, bytes: 10_000, sealBytes: 60_000, maxBytes, partitionBytes: 40_000 },
    });
    try {
      for (let i = 0; i < 60; i++) {
        await store.append(range(i * 100, 100));
        expect(segmentBytes(dir)).toBeLessThan(maxBytes + 40_000); // the cap, and what one append adds past it
      }
      // The current hour never ended: partitions came from early seals.
      expect((await store.stats()).partitions).toBeGreaterThan(1);
      expect(await count(store)).toEqual({ n: 6000, d: 6000 });
    } finally {
      await store.close();
    }
  });

  it('compacts by itself once appends pause', async () => {
    const dir = tempDir('logpipe-seg-');
    const store = await openDuckDbStore({ path: join(dir, 'logs.duckdb'), compaction: { idleMs: 50 } });
    try {
      await store.append(range(0, 10));
      await store.append(range(10, 10));
      const deadline = Date.now() + 10_000;
      while (segmentFiles(dir).some((f) => !f.includes('-')) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(segmentFiles(dir)).toEqual(['000000000001-000000000002.1of1.parquet']);
      expect(await count(store)).toEqual({ n: 20, d: 20 });
    } finally {
      await store.close();
    }
  });

  it('lets a read-only opener see unsealed segments, appended and compacted, and change nothing', async () => {
    const dir = tempDir('logpipe-seg-');
    const path = join(dir, 'logs.duckdb');
    const store = await openDuckDbStore({ path, compaction: ON_DEMAND });
    await store.append(range(0, 12));
    const appended = saveSegments(dir);
    await store.close();
    restoreSegments(dir, appended); // obsolete beside the compacted set: not counted twice
    await store.close();
    const reader = await openDuckDbStore({ path, readOnly: true });
    try {
      expect(await count(reader)).toEqual({ n: 12, d: 12 });
      expect(segmentFiles(dir)).toHaveLength(2); // a reader changes nothing
    } finally {
      await reader.close();
    }
  });

  it('reports a failed segment write as an append error, stores nothing, and recovers', async () => {
    const dir = tempDir('logpipe-seg-');
    const path = join(dir, 'logs.duckdb');
    const store = await openDuckDbStore({ path });
    try {
      // A folder where the next segment file should go makes the write fail like a bad disk.
      mkdirSync(join(dir, 'segments', '000000000001.parquet.tmp'));
      await expect(store.append(range(0, 3))).rejects.toThrow(/append failed/);
      expect((await store.query({ sql: COUNT, params: [] })).rows[0]).toEqual({ n: 0, d: 0 });
      rmSync(join(dir, 'segments', '000000000001.parquet.tmp'), { recursive: true });
      expect(await store.append(range(0, 3))).toEqual({ stored: 3, duplicates: 0 });
    } finally {
      await store.close();
    }
  });
  it('appends a batch filled in several adds, skipping rows already stored, and spends it', async () => {
    const dir = tempDir('logpipe-seg-');
    const store = await openDuckDbStore({ path: join(dir, 'logs.duckdb') });
    try {
      await store.append(range(0, 5));
      const b = store.batch();
      b.add(range(3, 4)); // 3 and 4 are stored already
      b.add([ev(0, { source: '/var/log/b.log' }), ev(7, { source: '/var/log/b.log' })]);
      b.add(range(7, 3));
      expect(b.size).toBe(9);
      expect(await store.append(b)).toEqual({ stored: 7, duplicates: 2 });
      const r = await store.query({
        sql: 'SELECT source, "offset", status, raw FROM logs ORDER BY source, "offset"',
        params: [],
      });
      expect(r.rows.map((x) => `${x.source}:${x.offset}`)).toEqual([
        ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((o) => `/var/log/a.log:${o}`),
        '/var/log/b.log:0',
        '/var/log/b.log:7',
      ]);
      expect(r.rows[6]).toEqual({ source: '/var/log/a.log', offset: 6, status: 200, raw: 'line 6 ✓' });
      // A batch whose append succeeded is spent; a fresh one takes the spare buffers.
      await expect(store.append(b)).rejects.toThrow(/appended already/);
      expect(() => b.add(range(20, 1))).toThrow(/appended already/);
      const again = store.batch();
      again.add(range(10, 2));
      expect(await store.append(again)).toEqual({ stored: 2, duplicates: 0 });
      expect((await store.query({ sql: COUNT, params: [] })).rows[0]).toEqual({ n: 14, d: 12 });
    } finally {
      await store.close();
    }
  });

  it('appends a batch again after its write failed, with nothing stored twice', async () => {
    const dir = tempDir('logpipe-seg-');
    const store = await openDuckDbStore({ path: join(dir, 'logs.duckdb') });
    try {
      const b = store.batch();
      b.add(range(0, 4));
      mkdirSync(join(dir, 'segments', '000000000001.parquet.tmp'));
      await expect(store.append(b)).rejects.toThrow(/append failed/);
      rmSync(join(dir, 'segments', '000000000001.parquet.tmp'), { recursive: true });
      expect(await store.append(b)).toEqual({ stored: 4, duplicates: 0 });
      expect(await store.append(range(2, 4))).toEqual({ stored: 2, duplicates: 2 });
      expect((await store.query({ sql: COUNT, params: [] })).rows[0]).toEqual({ n: 6, d: 6 });
    } finally {
      await store.close();
    }
  });

  it('sorts the files a crash can leave into live and stale by their names and the catalog', () => {
    const dir = tempDir('logpipe-seg-');
    mkdirSync(join(dir, 'segments'));
    const names = [
      '000000000001-000000000004.1of2.parquet', // whole set: its appended files are obsolete
      '000000000001-000000000004.2of2.parquet',
      '000000000002.parquet',
      '000000000005-000000000006.1of2.parquet', // part 2 sealed: live, and covers 5..6
      '000000000006.parquet',
      '000000000007-000000000008.1of2.parquet', // part 2 missing while 8 is there: cut short
      '000000000008.parquet',
      '000000000009-000000000009.2of2.parquet', // part 1 sealed and gone by retention
      '000000000012.parquet', // in the range of a set sealed whole and gone
      '000000000015.parquet', // appended after everything: live
      '000000000016.parquet.tmp',
      'notes.txt',
    ];
    for (const n of names) writeFileSync(join(dir, 'segments', n), '');
    const sealed = new Set([
      'segments/000000000005-000000000006.2of2.parquet',
      'segments/000000000010-000000000014.1of1.parquet',
    ]);
    const l = listSegments(dir, sealed);
    expect(l.live).toEqual([
      'segments/000000000001-000000000004.1of2.parquet',
      'segments/000000000001-000000000004.2of2.parquet',
      'segments/000000000005-000000000006.1of2.parquet',
      'segments/000000000008.parquet',
      'segments/000000000009-000000000009.2of2.parquet',
      'segments/000000000015.parquet',
    ]);
    expect([...l.stale].sort()).toEqual([
      'segments/000000000002.parquet',
      'segments/000000000006.parquet',
      'segments/000000000007-000000000008.1of2.parquet',
      'segments/000000000012.parquet',
      'segments/000000000016.parquet.tmp',
    ]);
    expect(l.maxSeq).toBe(15);
    // With nothing on disk, new appends still number past every sealed range.
    emptySegments(dir);
    expect(listSegments(dir, sealed).maxSeq).toBe(14);
  });
});
