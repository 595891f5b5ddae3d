/**
 * Plain searches read the newest partitions first and stop there when those hold a full page of
 * matches. The answer must be exactly what a scan of everything gives: the newest matches.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/core/events.js';
import { runQuery } from '../../src/server/query-service.js';
import { type DuckDbStore, openDuckDbStore } from '../../src/storage/duckdb/engine.js';
import { tempDir } from '../helpers/cli.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 2, 0, 0, 0);
const HOURS = 8;
const PER_HOUR = 200;

let store: DuckDbStore | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
});

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
    // One rare word in the oldest hour only, so its search has to reach the oldest partition.
    message: i === 3 ? 'event with the rare word zeppelin' : `event number ${i}`,
    fields: {},
    raw: `event ${i}`,
  };
}

async function sealedStore(): Promise<DuckDbStore> {
  const clock = { now: T0 + HOURS * HOUR + 30 * 60_000 };
  const s = await openDuckDbStore({
    path: join(tempDir(), 'logs.duckdb'),
    now: () => clock.now,
    sealAfterMs: 60_000,
    // A partition per hour, kept apart: an hour sealed at a time, small files not merged.
    compaction: { mergeFiles: 100 },
  });
  for (let h = 0; h <= HOURS; h++) {
    const events: LogEvent[] = [];
    for (let k = 0; k < PER_HOUR; k++) {
      const i = h * PER_HOUR + k;
      events.push(ev(i, T0 + h * HOUR + Math.floor((k * HOUR) / PER_HOUR)));
    }
    await s.append(events);
    await s.maintain();
  }
  expect(s.sealedRanges().length).toBe(HOURS); // hour HOURS is still open, in the active table
  return s;
}

async function offsets(s: DuckDbStore, q: string, limit?: number, fromUs?: number): Promise<number[]> {
  const r = await runQuery(s, { q, limit, fromUs });
  return r.rows.map((row) => Number(String(row.raw).slice('event '.length)));
}

/** The newest matches by a plain SQL scan of everything. */
async function reference(s: DuckDbStore, where: string, limit: number): Promise<number[]> {
  const r = await s.query({
    sql: `SELECT "offset" FROM logs WHERE ${where} ORDER BY ts DESC, "offset" DESC LIMIT ${limit}`,
    params: [],
  });
  return r.rows.map((row) => Number(row.offset));
}

describe('newest-first search', () => {
  it('answers a common match from the newest partitions, exactly as a full scan would', async () => {
    store = await sealedStore();
    expect(await offsets(store, 'level:error', 30)).toEqual(await reference(store, "level = 'error'", 30));
    expect(await offsets(store, '*', 100)).toEqual(await reference(store, 'true', 100));
    // ... having read the two newest partitions (and the active table) only.
    const r = await runQuery(store, { q: 'level:error', limit: 30 });
    expect(r.scan).toEqual({ partitions_scanned: 2, partitions_skipped: HOURS - 2 });
  });

  it('falls back to everything when the newest partitions hold less than a page', async () => {
    store = await sealedStore();
    expect(await offsets(store, 'zeppelin', 10)).toEqual([3]);
    expect((await runQuery(store, { q: 'zeppelin', limit: 10 })).scan).toEqual({
      partitions_scanned: HOURS,
      partitions_skipped: 0,
    });
    // The window is not read twice: the rest of the page comes from before it, as explain shows.
    const explained = await runQuery(store, { q: 'zeppelin', limit: 10, explain: true });
    expect(explained.sql).toMatch(
      /^-- the newest partitions first\n[\s\S]*;\n-- then older ones, for the rest of the page\n/,
    );
    expect(explained.rows).toHaveLength(1);
    // A `ts` term that ends before the window narrows the older part, not widened back to it.
    expect(await offsets(store, 'zeppelin ts<2026-01-02T02:00:00Z', 10)).toEqual([3]);
    expect(await offsets(store, 'event ts<2026-01-02T00:00:01Z', 5)).toEqual(
      await reference(store, `ts < TIMESTAMP '2026-01-02 00:00:01'`, 5),
    );
    // More errors wanted than the newest window holds: the page reaches into older hours.
    const many = HOURS * 20;
    expect(await offsets(store, 'level:error', many)).toEqual(
      await reference(store, "level = 'error'", many),
    );
  });

  it('respects a time range that starts inside the window', async () => {
    store = await sealedStore();
    const from = (T0 + (HOURS - 1) * HOUR + HOUR / 2) * 1000;
    expect(await offsets(store, 'level:error', 1000, from)).toEqual(
      await reference(store, `level = 'error' AND ts >= make_timestamp(${from}::BIGINT)`, 1000),
    );
  });
});

describe('pages (--offset) and totals', () => {
  it('give the rows a scan of everything gives, in the window and past it, with the total', async () => {
    store = await sealedStore();
    const s = store;
    const page = async (q: string, limit: number, offset: number) => {
      const r = await runQuery(s, { q, limit, offset, total: true });
      return { rows: r.rows.map((row) => Number(String(row.raw).slice('event '.length))), total: r.total };
    };
    const all = await reference(s, 'true', HOURS * PER_HOUR + PER_HOUR);
    // In the newest window, across its edge, deep in the oldest partitions, and past the end.
    for (const offset of [0, 100, 350, 1500, 1790]) {
      const p = await page('*', 100, offset);
      expect(p.rows, `offset ${offset}`).toEqual(all.slice(offset, offset + 100));
      expect(p.total).toBe(all.length);
    }
    expect(await page('*', 100, 5000)).toEqual({ rows: [], total: all.length });
    const errors = await reference(s, "level = 'error'", 1000);
    const p = await page('level:error', 40, 60);
    expect(p.rows).toEqual(errors.slice(60, 100));
    expect(p.total).toBe(errors.length);
    // An aggregate's rows page the same way.
    const r = await runQuery(s, { q: '* | count by level', offset: 1, total: true });
    expect(r.rows).toEqual([{ level: 'info', count: all.length - errors.length }]);
    expect(r.total).toBe(2);
  });
});
