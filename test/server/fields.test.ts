import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/core/events.js';
import { createApp } from '../../src/server/app.js';
import { quantile } from '../../src/server/fields.js';
import { type DuckDbStore, openDuckDbStore } from '../../src/storage/duckdb/engine.js';
import { type ApiFixture, apiWith } from '../helpers/api.js';
import { tempDir } from '../helpers/cli.js';
import { testEvent } from '../helpers/events.js';

const T0 = Date.UTC(2026, 0, 2) * 1000;

let api: ApiFixture | null = null;
afterEach(async () => {
  await api?.store.close();
  api = null;
});

/** 300 events: latency on all, `size` (a JSON number) on two in three, `user` on every fifth. */
function events(): LogEvent[] {
  let x = 7;
  const rnd = () => {
    x = (x * 48271) % 2147483647;
    return x / 2147483647;
  };
  return Array.from({ length: 300 }, (_, i) => {
    const fields: LogEvent['fields'] = { latency_ms: Math.round(rnd() * 10000) / 10 };
    if (i % 3 !== 0) fields.size = Math.floor(rnd() * 1000);
    if (i % 5 === 0) fields.user = `u${i % 4}`;
    return testEvent(i, { ts: T0 + i * 1000, fields });
  });
}

/** p50/p99 of the numbers, by the definition (sorted, position (n - 1) q, linear interpolation). */
function brute(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = s[Math.floor(pos)];
  const hi = s[Math.ceil(pos)];
  return lo + (hi - lo) * (pos - Math.floor(pos));
}

describe('GET /api/fields statistics', () => {
  it('gives coverage, and p50/p99 of numbers, over the sample of the newest events', async () => {
    const all = events();
    api = await apiWith(all);
    const { status, body } = await api.get('/api/fields?q=*&sample=120');
    expect(status).toBe(200);
    expect(body.sampled).toBe(120);
    const sample = all.slice(-120);
    const by = Object.fromEntries(body.fields.map((f: { name: string }) => [f.name, f]));
    for (const name of ['latency_ms', 'size']) {
      const values = sample.map((e) => e.fields[name]).filter((v) => typeof v === 'number') as number[];
      expect(by[name].count).toBe(values.length);
      expect(by[name].coverage).toBeCloseTo(values.length / 120, 12);
      expect(by[name].p50).toBeCloseTo(brute(values, 0.5), 9);
      expect(by[name].p99).toBeCloseTo(brute(values, 0.99), 9);
      expect(by[name].min).toBe(Math.min(...values));
      expect(by[name].max).toBe(Math.max(...values));
    }
    expect(by.user.coverage).toBeCloseTo(sample.filter((e) => e.fields.user).length / 120, 12);
    expect(by.user.p50).toBeUndefined();
    expect(by.message.coverage).toBe(1);
    expect(by.ts.p50).toBeUndefined();
  });

  it('agrees with the query language percentiles over the same events', async () => {
    api = await apiWith(events());
    const facets = await api.get('/api/fields?q=*');
    const stats = await api.get(
      `/api/query?q=${encodeURIComponent('* | stats p50(latency_ms), p99(latency_ms), p50(size), p99(size)')}`,
    );
    const row = stats.body.rows[0];
    const by = Object.fromEntries(facets.body.fields.map((f: { name: string }) => [f.name, f]));
    expect(by.latency_ms.p50).toBeCloseTo(row['p50(latency_ms)'], 9);
    expect(by.latency_ms.p99).toBeCloseTo(row['p99(latency_ms)'], 9);
    expect(by.size.p50).toBeCloseTo(row['p50(size)'], 9);
    expect(by.size.p99).toBeCloseTo(row['p99(size)'], 9);
  });

  it('works on an empty store and on one value', async () => {
    api = await apiWith([]);
    expect((await api.get('/api/fields?q=*')).body).toEqual({ sampled: 0, fields: [] });
    expect(quantile([4], 0.99)).toBe(4);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
  });
});

describe('GET /api/query reports', () => {
  let store: DuckDbStore | null = null;
  afterEach(async () => {
    await store?.close();
    store = null;
  });

  it('the time taken and what it scanned, from the catalog, after skipping partitions by time', async () => {
    const HOUR = 3_600_000;
    const start = Date.UTC(2026, 0, 2);
    const clock = { now: start + 5 * HOUR + 30 * 60_000 };
    store = await openDuckDbStore({
      path: join(tempDir(), 'logs.duckdb'),
      now: () => clock.now,
      sealAfterMs: 60_000,
      compaction: { mergeFiles: 100 },
    });
    // Hours 0-3 sealed, a partition each with 100 × (h + 1) rows; hour 5 still unsealed.
    for (let h = 0; h <= 5; h++) {
      if (h === 4) continue;
      const evs = Array.from({ length: 100 * (h + 1) }, (_, k) =>
        testEvent(h * 1000 + k, { ts: (start + h * HOUR + k * 1000) * 1000 }),
      );
      await store.append(evs);
      await store.maintain();
    }
    expect(store.sealedRanges()).toHaveLength(4);
    const app = createApp({ store });
    const from = new Date(start + 2 * HOUR).toISOString();
    const to = new Date(start + 3 * HOUR + 1).toISOString();
    const res = await app.request(`/api/query?q=*&from=${from}&to=${to}&limit=5`);
    const body = (await res.json()) as {
      took_ms: number;
      scanned: { rows: number; files: number; files_skipped: number };
      rows: Record<string, unknown>[];
    };
    expect(body.took_ms).toBeGreaterThan(0);
    const stats = await store.stats();
    // Hours 2 and 3 read (300 + 400 rows), 0 and 1 skipped; plus hour 5's segment (600 rows),
    // which every query reads.
    expect(stats).toMatchObject({ segments: 1, active_rows: 600 });
    expect(body.scanned).toEqual({ rows: 700 + 600, files: 3, files_skipped: 2 });
    expect(body.rows[0]).toMatchObject({ source: 'a.log', generation: 'g' });
    expect(typeof body.rows[0].offset).toBe('number');
    const bare = (await (await app.request(`/api/query?q=*&limit=1&identity=0`)).json()) as {
      rows: Record<string, unknown>[];
    };
    expect(Object.keys(bare.rows[0])).not.toContain('generation');
    expect(Object.keys(bare.rows[0])).not.toContain('offset');
  });
});
