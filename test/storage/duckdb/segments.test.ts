/**
 * The segment write path: appended batches are Parquet files, queryable at once, merged into the
 * active table in the background, never counted twice, and recovered after a crash.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../src/core/events.js';
import { committedPositions } from '../../../src/storage/committed.js';
import { openDuckDbStore } from '../../../src/storage/duckdb/engine.js';
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

const COUNT = 'SELECT count(*) AS n, count(DISTINCT "offset") AS d FROM logs';
/** Segments stay unmerged through a close (as after a long burst), for the tests of reopening. */
const KEEP_AT_CLOSE = { onCloseBytes: -1, idleMs: 3_600_000 };

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

  it('merges segments into the active table and removes their files', async () => {
    const dir = tempDir('logpipe-seg-');
    const store = await openDuckDbStore({ path: join(dir, 'logs.duckdb') });
    try {
      for (let i = 0; i < 4; i++) await store.append(range(i * 100, 100));
      await store.merge();
      expect(segmentFiles(dir)).toEqual([]);
      expect((await store.query({ sql: COUNT, params: [] })).rows[0]).toEqual({ n: 400, d: 400 });
      const stats = await store.stats();
      expect(stats.rows).toBe(400);
      expect(stats.segments).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('never counts a row twice or misses one while merges run beside queries', async () => {
    const dir = tempDir('logpipe-seg-');
    const store = await openDuckDbStore({ path: join(dir, 'logs.duckdb') });
    try {
      const total = 60 * 50;
      let appended = 0;
      const writes = (async () => {
        for (let i = 0; i < total; i += 50) {
          await store.append(range(i, 50));
          appended = i + 50;
          if (i % 500 === 0) void store.merge();
        }
        await store.merge();
      })();
      let last = 0;
      let checks = 0;
      while (checks < 5 || appended < total) {
        const before = appended;
        const r = (await store.query({ sql: COUNT, params: [] })).rows[0] as { n: number; d: number };
        expect(r.n).toBe(r.d); // no duplicates
        expect(r.n).toBeGreaterThanOrEqual(Math.max(last, before)); // nothing acknowledged is missing
        last = r.n;
        checks++;
      }
      await writes;
      expect((await store.query({ sql: COUNT, params: [] })).rows[0]).toEqual({ n: total, d: total });
    } finally {
      await store.close();
    }
  });

  it('counts each row once while a large merge commits beside queries', async () => {
    // DuckDB lets a scan running during a big commit see the committing rows: without queries
    // waiting for the commit, a count read the merged rows in the table and in their segments.
    const dir = tempDir('logpipe-seg-');
    const store = await openDuckDbStore({
      path: join(dir, 'logs.duckdb'),
      merge: { ...KEEP_AT_CLOSE, files: 1_000_000, bytes: 1e12, maxBytes: 1e12 },
    });
    try {
      const total = 300_000;
      for (let i = 0; i < total; i += 10_000) await store.append(range(i, 10_000));
      let merging = true;
      const wrong: number[] = [];
      const poll = async () => {
        while (merging) {
          const r = await store.query({ sql: 'SELECT count(*) AS n FROM logs', params: [] });
          if (r.rows[0].n !== total) wrong.push(r.rows[0].n as number);
        }
      };
      const pollers = Array.from({ length: 6 }, poll);
      await store.merge();
      merging = false;
      await Promise.all(pollers);
      expect(wrong).toEqual([]);
      expect((await store.query({ sql: COUNT, params: [] })).rows[0]).toEqual({ n: total, d: total });
    } finally {
      await store.close();
    }
  }, 60_000);

  it('seals, merges and answers queries side by side without losing or doubling a row', async () => {
    const dir = tempDir('logpipe-seg-');
    const hour = 3_600_000;
    const t0 = Date.UTC(2026, 0, 2);
    const clock = { now: t0 + 3 * hour };
    const store = await openDuckDbStore({
      path: join(dir, 'logs.duckdb'),
      now: () => clock.now,
      sealAfterMs: 0,
      merge: { files: 3, idleMs: 20 },
    });
    try {
      const total = 3000;
      // Event times spread over three hours, so every pass has finished windows to seal.
      const at = (i: number) => ev(i, { ts: (t0 + Math.floor((i * 3 * hour) / total)) * 1000 });
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
        const r = (await store.query({ sql: COUNT, params: [] })).rows[0] as { n: number; d: number };
        expect(r.n).toBe(r.d);
        expect(r.n).toBeGreaterThanOrEqual(before);
      }
      await Promise.all([writes, passes]);
      await store.maintain();
      expect((await store.query({ sql: COUNT, params: [] })).rows[0]).toEqual({ n: total, d: total });
      const stats = await store.stats();
      expect(stats.partitions).toBeGreaterThan(0);
      expect(stats.rows).toBe(total);
    } finally {
      await store.close();
    }
  });

  it('keeps unmerged segments and their offsets across a reopen', async () => {
    const dir = tempDir('logpipe-seg-');
    const path = join(dir, 'logs.duckdb');
    let store = await openDuckDbStore({ path, merge: KEEP_AT_CLOSE });
    await store.append(range(0, 20));
    await store.close();
    expect(segmentFiles(dir)).toHaveLength(1);
    store = await openDuckDbStore({ path });
    try {
      const again = await store.append(range(10, 20)); // 10..19 were stored before the reopen
      expect(again).toEqual({ stored: 10, duplicates: 10 });
      expect((await store.query({ sql: COUNT, params: [] })).rows[0]).toEqual({ n: 30, d: 30 });
    } finally {
      await store.close();
    }
  });

  it('deletes merged segments a crash left behind instead of merging them twice', async () => {
    const dir = tempDir('logpipe-seg-');
    const path = join(dir, 'logs.duckdb');
    const saved = tempDir('logpipe-seg-saved-');
    let store = await openDuckDbStore({ path });
    await store.append(range(0, 30));
    await store.append(range(30, 30));
    for (const f of segmentFiles(dir)) copyFileSync(join(dir, 'segments', f), join(saved, f));
    await store.merge();
    await store.close();
    // As if the process died after the merge committed but before it unlinked the files, and
    // before an append finished its temp file.
    for (const f of readdirSync(saved)) copyFileSync(join(saved, f), join(dir, 'segments', f));
    writeFileSync(join(dir, 'segments', '000000000099.parquet.tmp'), 'half a file');
    store = await openDuckDbStore({ path });
    try {
      expect(segmentFiles(dir)).toEqual([]);
      expect((await store.query({ sql: COUNT, params: [] })).rows[0]).toEqual({ n: 60, d: 60 });
      await store.append(range(60, 5)); // a new segment is numbered after the merged ones
      expect((await store.query({ sql: COUNT, params: [] })).rows[0]).toEqual({ n: 65, d: 65 });
      expect(await store.append(range(0, 65))).toEqual({ stored: 0, duplicates: 65 });
    } finally {
      await store.close();
    }
  });

  it('tells a collector the last stored line of content still in segments, merged or not', async () => {
    const dir = tempDir('logpipe-seg-');
    const path = join(dir, 'logs.duckdb');
    let store = await openDuckDbStore({ path, merge: KEEP_AT_CLOSE });
    await store.append(range(0, 10));
    await store.append(range(10, 5).map((e) => ({ ...e, source: '/var/log/a.log.1', generation: 'g1-2' })));
    const expected = [
      { source: '/var/log/a.log', generation: 'g1', offset: 9, raw: 'line 9 ✓' },
      { source: '/var/log/a.log.1', generation: 'g1-2', offset: 14, raw: 'line 14 ✓' },
    ];
    const sorted = (p: { source: string }[]) => [...p].sort((a, b) => a.source.localeCompare(b.source));
    expect(sorted(await committedPositions(store, 'g1'))).toEqual(expected);
    await store.close();
    store = await openDuckDbStore({ path }); // the offsets of unmerged segments survive a restart
    try {
      expect(sorted(await committedPositions(store, 'g1'))).toEqual(expected);
      await store.merge();
      expect(sorted(await committedPositions(store, 'g1'))).toEqual(expected);
      expect(await committedPositions(store, 'other')).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('holds appends while too many segment bytes wait, so segments never outgrow the cap', async () => {
    const dir = tempDir('logpipe-seg-');
    const maxBytes = 60_000;
    const never = 3_600_000;
    const store = await openDuckDbStore({
      path: join(dir, 'logs.duckdb'),
      merge: { maxBytes, idleMs: never, ageMs: never, files: 1_000_000, bytes: Number.MAX_SAFE_INTEGER },
    });
    try {
      let merges = 0;
      let before = segmentFiles(dir).length;
      for (let i = 0; i < 40; i++) {
        await store.append(range(i * 100, 100));
        const files = segmentFiles(dir);
        const bytes = files.reduce((n, f) => n + statSync(join(dir, 'segments', f)).size, 0);
        expect(bytes).toBeLessThan(maxBytes);
        if (files.length < before) merges++;
        before = files.length;
      }
      expect(merges).toBeGreaterThan(0);
      expect((await store.query({ sql: COUNT, params: [] })).rows[0]).toEqual({ n: 4000, d: 4000 });
    } finally {
      await store.close();
    }
  });

  it('merges by itself once appends pause', async () => {
    const dir = tempDir('logpipe-seg-');
    const store = await openDuckDbStore({ path: join(dir, 'logs.duckdb'), merge: { idleMs: 50 } });
    try {
      await store.append(range(0, 10));
      await store.append(range(10, 10));
      const deadline = Date.now() + 10_000;
      while (segmentFiles(dir).length > 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(segmentFiles(dir)).toEqual([]);
      expect((await store.query({ sql: COUNT, params: [] })).rows[0]).toEqual({ n: 20, d: 20 });
    } finally {
      await store.close();
    }
  });

  it('merges a few waiting segments when it closes, leaving a tidy store', async () => {
    const dir = tempDir('logpipe-seg-');
    const path = join(dir, 'logs.duckdb');
    const store = await openDuckDbStore({ path, merge: { idleMs: 3_600_000 } });
    await store.append(range(0, 30));
    await store.append(range(30, 30));
    expect(segmentFiles(dir)).toHaveLength(2);
    await store.close();
    expect(segmentFiles(dir)).toEqual([]);
    const reader = await openDuckDbStore({ path, readOnly: true });
    try {
      expect((await reader.query({ sql: COUNT, params: [] })).rows[0]).toEqual({ n: 60, d: 60 });
    } finally {
      await reader.close();
    }
  });

  it('lets a read-only opener see unmerged segments', async () => {
    const dir = tempDir('logpipe-seg-');
    const path = join(dir, 'logs.duckdb');
    const store = await openDuckDbStore({ path, merge: KEEP_AT_CLOSE });
    await store.append(range(0, 12));
    await store.close();
    const reader = await openDuckDbStore({ path, readOnly: true });
    try {
      expect((await reader.query({ sql: COUNT, params: [] })).rows[0]).toEqual({ n: 12, d: 12 });
      expect(segmentFiles(dir)).toHaveLength(1); // a reader changes nothing
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
});
