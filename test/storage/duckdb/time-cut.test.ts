/**
 * Lines kept without their time text (rows/time-span.ts): the view gives every line and message
 * back byte for byte, from segments and from sealed partitions; lines that must stay whole do;
 * and searches find exactly what they find in a store that keeps every line whole (the
 * in-memory store), whether or not they read lines as stored.
 */
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../src/core/events.js';
import type { StorageEngine } from '../../../src/core/storage.js';
import { parseQuery, planQuery } from '../../../src/query/index.js';
import { openDuckDbStore } from '../../../src/storage/duckdb/engine.js';
import { queryViews } from '../../../src/storage/duckdb/query-views.js';
import { ACTIVE_TABLE } from '../../../src/storage/duckdb/schema.js';
import { renderTime, TIME_LAYOUTS, timePlace } from '../../../src/storage/rows/time-span.js';
import { tempDir } from '../../helpers/cli.js';

const DAY = Date.UTC(2026, 11, 7);
const FROM_US = (DAY - 200 * 86_400_000) * 1000;
const TO_US = DAY * 1000;

const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom('', ' ', 'é😀 ', '[', '] ', ': ', '0', '9', 'Jun  ', 'refused ', 'x1 ', '€'),
);

interface Shape {
  pre: string;
  layout: number;
  zone: number;
  post: string;
  /** Where the message is: the text after the time, the whole line, or none (kept beside). */
  message: 'after' | 'whole' | 'other';
  received: boolean;
  us: number;
}

const shape: fc.Arbitrary<Shape> = fc.record({
  pre: text,
  layout: fc.constantFrom(...TIME_LAYOUTS.map((l) => l.id)),
  zone: fc.constantFrom(0, 0, 0, 60, -330),
  post: text,
  message: fc.constantFrom('after', 'after', 'whole', 'other'),
  received: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  us: fc.integer({ min: FROM_US, max: TO_US }),
});

function event(s: Shape, offset: number, source: string): LogEvent {
  const time = renderTime(s.layout, s.us, s.zone)!;
  const raw = `${s.pre}${time}${s.post}`;
  const message = s.message === 'whole' ? raw : s.message === 'after' ? s.post : 'a message of its own';
  return {
    ts: s.us,
    level: 'info',
    service: null,
    host: null,
    source,
    generation: 'g',
    offset,
    format: 'plain',
    message,
    fields: s.received ? { ts_source: 'received' } : {},
    raw,
  };
}

const ALL = { sql: 'SELECT * FROM logs ORDER BY source, "offset"', params: [] };

function storeIn(dir: string) {
  return openDuckDbStore({ path: join(dir, 'logs.duckdb'), now: () => DAY + 86_400_000, sealAfterMs: 0 });
}

/** Stored lines (as the segment files keep them) and their time places, by offset. */
async function stored(
  store: StorageEngine,
  dir: string,
): Promise<Map<number, { raw: string; place: unknown }>> {
  const r = await store.query({
    sql: `SELECT "offset", raw, time_place FROM read_parquet('${join(dir, 'segments')}/*.parquet', union_by_name = true)`,
    params: [],
  });
  return new Map(r.rows.map((x) => [Number(x.offset), { raw: x.raw as string, place: x.time_place }]));
}

/** Rows as the views give them, `fields` as text and `ingested_at` left out. */
function comparable(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map(({ ingested_at: _, ...r }) => ({ ...r, fields: JSON.stringify(r.fields) }));
}

describe('lines kept without their time text', () => {
  it('gives back every line and message, from segments and partitions, and cuts only what it may', async () => {
    const shapes = fc.sample(shape, { numRuns: 600, seed: 28 });
    // Half the rows in one source (one layout learnt), half each in a source of its own.
    const events = shapes.map((s, i) => event(s, i, i % 2 === 0 ? '/logs/one.log' : `/logs/${i}.log`));
    const memory = await openDuckDbStore({ path: ':memory:' });
    await memory.append(events);
    const reference = comparable((await memory.query(ALL)).rows);
    await memory.close();
    const dir = tempDir('logpipe-time-cut-');
    const store = await storeIn(dir);
    try {
      await store.append(events);
      const kept = await stored(store, dir);
      let cut = 0;
      for (const [k, e] of events.entries()) {
        const row = kept.get(k)!;
        if (row.place === null) {
          expect(row.raw, `line ${k}`).toBe(Buffer.from(e.raw).toString());
          continue;
        }
        cut++;
        // Never a row whose time is not its own, nor one whose message holds its time.
        expect(e.fields.ts_source, `line ${k}`).toBeUndefined();
        expect(shapes[k].message === 'whole', `line ${k}`).toBe(false);
      }
      expect(cut).toBeGreaterThan(events.length / 4);
      const sorted = [...events].sort((a, b) =>
        a.source < b.source ? -1 : a.source > b.source ? 1 : a.offset - b.offset,
      );
      for (const stage of ['segments', 'partitions']) {
        if (stage === 'partitions') {
          await store.compact();
          await store.maintain();
          expect((await store.stats()).partitions, stage).toBeGreaterThan(0);
          expect((await store.stats()).raw_bytes).toBe(
            events.reduce((n, e) => n + Buffer.byteLength(e.raw) + 1, 0),
          );
        }
        const rows = comparable((await store.query(ALL)).rows);
        for (let k = 0; k < sorted.length; k++) {
          const where = `${stage}: ${sorted[k].source} line ${sorted[k].offset}`;
          expect(rows[k].raw, where).toBe(Buffer.from(sorted[k].raw).toString());
          expect(rows[k].message, where).toBe(Buffer.from(sorted[k].message).toString());
        }
        expect(rows, stage).toEqual(reference);
      }
    } finally {
      await store.close();
    }
  });

  it('keeps whole the lines whose text does not come back', async () => {
    const us = Date.UTC(2026, 5, 9, 0, 4, 40) * 1000 + 464_550;
    const lines: [string, string, boolean][] = [
      // [line, message, received]
      ['2026-06-09 00:04:40,464 ERROR refused', 'refused', false],
      ['2026-06-09T00:04:40.464550123Z nanoseconds', 'nanoseconds', false],
      ['2026-06-09 00:04:40,464 message holds its time', '2026-06-09 00:04:40,464 message', false],
      ['2026-06-09 00:04:40,464 read when received', 'read when received', true],
      ['2026-06-09 00:04:41,464 another time', 'another time', false],
    ];
    const events = lines.map(([raw, message, received], i) => ({
      ...event({ pre: '', layout: 1, zone: 0, post: '', message: 'other', received, us }, i, '/a.log'),
      raw,
      message,
    }));
    const dir = tempDir('logpipe-time-kept-');
    const store = await storeIn(dir);
    try {
      await store.append(events);
      const kept = await stored(store, dir);
      expect([0, 1, 2, 3, 4].map((k) => kept.get(k)!.raw)).toEqual([
        '0 ERROR refused',
        // The seconds come back; the nanoseconds stay in the line.
        '0.464550123Z nanoseconds',
        ...lines.slice(2).map((l) => l[0]),
      ]);
      const rows = (await store.query(ALL)).rows;
      expect(rows.map((r) => [r.raw, r.message])).toEqual(lines.map(([raw, message]) => [raw, message]));
    } finally {
      await store.close();
    }
  });

  it('finds with every kind of search what a store of whole lines finds', async () => {
    const shapes = fc.sample(shape, { numRuns: 400, seed: 82 });
    const events = shapes.map((s, i) => event(s, i, i % 3 === 0 ? '/logs/one.log' : `/logs/${i % 7}.log`));
    const memory = await openDuckDbStore({ path: ':memory:' });
    const dir = tempDir('logpipe-time-search-');
    const store = await storeIn(dir);
    try {
      await memory.append(events);
      await store.append(events);
      const needles = [
        'refused',
        'REFUSED',
        'Jun',
        'jun 0',
        'é😀',
        '"] "',
        '":"',
        ':',
        '0',
        '2026',
        '"00:"',
        '"9 0"',
        '"x1 "',
        '00*:4',
        'ref*',
        '"-0"',
        '/[0-9]{2}:[0-9]{2}/',
        '/Refused/i',
        Array.from({ length: 11 }, (_, i) => `"${'abcdefghijk'[i]}b"`).join(' OR '),
        `${Array.from({ length: 10 }, (_, i) => `"${'abcdefghij'[i]}c"`).join(' OR ')} OR 2026`,
        '-refused',
      ];
      const ask = async (s: StorageEngine, q: string) => {
        const plan = planQuery(parseQuery(`${q} | limit 1000`), s.dialect, {});
        return (await s.query(plan)).rows.map((r) => `${r.source} ${r.raw}`).sort();
      };
      for (const compacted of [false, true]) {
        if (compacted) {
          await store.compact();
          await store.maintain();
        }
        for (const q of needles) {
          const want = await ask(memory, q);
          expect(await ask(store, q), q).toEqual(want);
        }
      }
      // Some of those found lines in cut rows, so both branches of the guard ran.
      expect((await ask(memory, 'refused')).length).toBeGreaterThan(0);
      // Raw SQL never sees the stored lines.
      const raw = await store.query({ sql: 'SELECT * FROM logs LIMIT 1', params: [] }, { rawSql: true });
      expect(raw.columns).not.toContain('raw_stored');
      expect(raw.columns).not.toContain('time_place');
    } finally {
      await memory.close();
      await store.close();
    }
  });

  it('reads files and a table of the layout before time places, in the view planned searches use', async () => {
    const dir = tempDir();
    const instance = await DuckDBInstance.create(':memory:');
    const setup = await instance.connect();
    await setup.run(
      `CREATE TABLE ${ACTIVE_TABLE} (ts TIMESTAMP, message VARCHAR, raw VARCHAR, "offset" BIGINT)`,
    );
    await setup.run(`INSERT INTO ${ACTIVE_TABLE} VALUES (make_timestamp(0::BIGINT), 'kept', 'a kept b', 0)`);
    const old = join(dir, 'old.parquet');
    await setup.run(
      `COPY (SELECT make_timestamp(0::BIGINT) AS ts, 'old message' AS message, 'h: old message' AS raw, 1::BIGINT AS "offset") TO '${old}' (FORMAT parquet)`,
    );
    setup.closeSync();
    const views = queryViews(instance);
    try {
      for (const stored of [false, true]) {
        const conn = await views.acquire({ segments: [], partitions: [old], stored });
        const r = await conn.runAndReadAll('SELECT * FROM logs ORDER BY "offset"');
        expect(r.columnNames().includes('raw_stored')).toBe(stored);
        expect(r.getRowObjectsJson().map((x) => x.raw)).toEqual(['a kept b', 'h: old message']);
        views.release(conn, true);
      }
    } finally {
      views.close();
      instance.closeSync();
    }
  });

  it('puts back a time text rendered in the zone its place names', async () => {
    const dir = tempDir();
    const instance = await DuckDBInstance.create(':memory:');
    const setup = await instance.connect();
    const us = Date.UTC(2026, 5, 9, 0, 4, 40) * 1000 + 464_550;
    await setup.run(`CREATE TABLE ${ACTIVE_TABLE} (ts TIMESTAMP, raw VARCHAR, "offset" BIGINT)`);
    const file = join(dir, 'zoned.parquet');
    const iso = TIME_LAYOUTS.find((l) => l.format === '%Y-%m-%d %H:%M:%S')!.id;
    const syslog = TIME_LAYOUTS.find((l) => l.format === '%-d %H:%M:%S')!.id;
    const rows = [
      [0, '[0] x', timePlace(1, iso, -90)],
      [1, 'é [0] y', timePlace(3, iso, 330)],
      [2, 'Jun  0 z', timePlace(5, syslog, 0)],
    ];
    await setup.run(
      `COPY (SELECT * FROM (VALUES ${rows.map(([o, raw, p]) => `(make_timestamp(${us}::BIGINT), '${raw}', ${o}::BIGINT, ${p}::BIGINT)`).join(', ')}) t(ts, raw, "offset", time_place)) TO '${file}' (FORMAT parquet)`,
    );
    setup.closeSync();
    const views = queryViews(instance);
    try {
      const conn = await views.acquire({ segments: [file], partitions: [] });
      const r = await conn.runAndReadAll('SELECT raw FROM logs ORDER BY "offset"');
      expect(r.getRowObjectsJson().map((x) => x.raw)).toEqual([
        `[${renderTime(iso, us, -90)}] x`,
        `é [${renderTime(iso, us, 330)}] y`,
        'Jun  9 00:04:40 z',
      ]);
      expect(renderTime(iso, us, -90)).toBe('2026-06-08 22:34:40');
      views.release(conn, true);
    } finally {
      views.close();
      instance.closeSync();
    }
  });
});
