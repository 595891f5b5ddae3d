import { afterEach, describe, expect, it } from 'vitest';
import type { Level, LogEvent } from '../../src/core/events.js';
import { bucketStart, histogramStep, NICE_STEPS_US } from '../../src/server/histogram.js';
import { type ApiFixture, apiWith } from '../helpers/api.js';
import { testEvent } from '../helpers/events.js';

const T0 = Date.UTC(2026, 0, 2, 10, 0, 0); // a round time (ms)
const S = 1000;
const LEVELS: Level[] = ['error', 'warn', 'info', 'debug', 'fatal'];

let api: ApiFixture | null = null;
afterEach(async () => {
  await api?.store.close();
  api = null;
});

/** Events at pseudo-random times in [T0, T0 + spanMs), levels cycling, some with the word "boom". */
function scattered(n: number, spanMs: number): LogEvent[] {
  let x = 12345;
  const rnd = () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
  return Array.from({ length: n }, (_, i) =>
    testEvent(i, {
      ts: Math.floor((T0 + rnd() * spanMs) * 1000),
      level: LEVELS[Math.floor(rnd() * LEVELS.length)],
      message: i % 3 === 0 ? `boom ${i}` : `ok ${i}`,
      raw: i % 3 === 0 ? `boom ${i}` : `ok ${i}`,
    }),
  );
}

/** Counts per bucket start (ms) and level, by hand. */
function bruteForce(events: LogEvent[], fromMs: number, toMs: number, stepMs: number) {
  const out = new Map<number, Map<string, number>>();
  for (const e of events) {
    const ms = e.ts / 1000;
    if (ms < fromMs || ms >= toMs) continue;
    const start = bucketStart(e.ts, stepMs * 1000) / 1000;
    const m = out.get(start) ?? new Map<string, number>();
    m.set(e.level, (m.get(e.level) ?? 0) + 1);
    out.set(start, m);
  }
  return out;
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('GET /api/histogram', () => {
  it('lists every bucket of the range, empty ones as zeros, counts by level as a brute-force count gives', async () => {
    const events = scattered(600, 10 * 60 * S);
    // Ten quiet minutes after the events: their buckets must be there, empty.
    api = await apiWith(events);
    const from = T0;
    const to = T0 + 20 * 60 * S;
    const { status, body } = await api.get(`/api/histogram?from=${iso(from)}&to=${iso(to)}&buckets=40`);
    expect(status).toBe(200);
    expect(body.step_ms).toBe(30 * S);
    expect(body.buckets).toHaveLength(40);
    expect(body.from).toBe('2026-01-02T10:00:00.000000Z');
    const expected = bruteForce(events, from, to, 30 * S);
    body.buckets.forEach((b: { t: string; total: number; counts: Record<string, number> }, i: number) => {
      const start = from + i * 30 * S;
      expect(Date.parse(b.t)).toBe(start);
      const want = expected.get(start) ?? new Map();
      let total = 0;
      for (const l of body.levels) {
        expect(b.counts[l]).toBe(want.get(l) ?? 0);
        total += b.counts[l];
      }
      expect(b.total).toBe(total);
    });
    expect(body.buckets.slice(20).every((b: { total: number }) => b.total === 0)).toBe(true);
    expect(body.buckets.reduce((n: number, b: { total: number }) => n + b.total, 0)).toBe(600);
  });

  it('stacks levels in a fixed order: error, warn, info, debug, then the others present', async () => {
    api = await apiWith(scattered(200, 60 * S));
    const { body } = await api.get(`/api/histogram?from=${iso(T0)}&to=${iso(T0 + 60 * S)}`);
    expect(body.levels).toEqual(['error', 'warn', 'info', 'debug', 'fatal']);
    for (const b of body.buckets) expect(Object.keys(b.counts).sort()).toEqual([...body.levels].sort());
  });

  it('takes the smallest round step giving at most the buckets asked for', async () => {
    api = await apiWith(scattered(50, 60 * S));
    const cases: [number, number, number][] = [
      // range (ms), buckets asked, step expected (ms)
      [60 * S, 60, 1 * S],
      [60 * S, 59, 5 * S],
      [3600 * S, 60, 60 * S],
      [3600 * S, 12, 300 * S],
      [3600 * S, 11, 600 * S],
      [24 * 3600 * S, 60, 1800 * S],
      [24 * 3600 * S, 500, 300 * S],
      [7 * 86400 * S, 60, 3 * 3600 * S],
      [30 * 86400 * S, 60, 86400 * S],
      [365 * 86400 * S, 60, 7 * 86400 * S],
    ];
    for (const [span, n, step] of cases) {
      const { status, body } = await api.get(
        `/api/histogram?from=${iso(T0)}&to=${iso(T0 + span)}&buckets=${n}`,
      );
      expect(status).toBe(200);
      expect(body.step_ms, `${span} ms in ${n}`).toBe(step);
      expect(body.buckets.length).toBeLessThanOrEqual(n);
      const first = bucketStart(T0 * 1000, step * 1000);
      const last = bucketStart((T0 + span) * 1000 - 1, step * 1000);
      expect(body.buckets.length).toBe((last - first) / (step * 1000) + 1);
    }
  });

  it('starts buckets on round times when the range does not, covering the whole range', async () => {
    const events = scattered(300, 5 * 60 * S);
    api = await apiWith(events);
    const from = T0 + 7 * S;
    const to = T0 + 5 * 60 * S - 3 * S;
    const { body } = await api.get(`/api/histogram?from=${iso(from)}&to=${iso(to)}&buckets=30`);
    expect(body.step_ms).toBe(10 * S);
    expect(Date.parse(body.buckets[0].t)).toBe(T0);
    expect(Date.parse(body.buckets.at(-1).t)).toBe(T0 + 290 * S);
    expect(body.buckets).toHaveLength(30);
    const inRange = events.filter((e) => e.ts / 1000 >= from && e.ts / 1000 < to).length;
    expect(body.buckets.reduce((n: number, b: { total: number }) => n + b.total, 0)).toBe(inRange);
  });

  it('counts the search part of a query; pipes are ignored', async () => {
    const events = scattered(300, 60 * S);
    api = await apiWith(events);
    const range = `from=${iso(T0)}&to=${iso(T0 + 60 * S)}`;
    const plain = await api.get(`/api/histogram?q=boom&${range}`);
    const piped = await api.get(`/api/histogram?q=${encodeURIComponent('boom | count by level')}&${range}`);
    expect(piped.body).toEqual(plain.body);
    const total = plain.body.buckets.reduce((n: number, b: { total: number }) => n + b.total, 0);
    expect(total).toBe(events.filter((e) => e.message.startsWith('boom')).length);
  });

  it('covers the range from since to now', async () => {
    const now = Date.now();
    api = await apiWith([
      testEvent(0, { ts: (now - 90 * S) * 1000 }),
      testEvent(1, { ts: (now - 30 * S) * 1000 }),
    ]);
    const { body } = await api.get('/api/histogram?since=5m');
    // 5 s steps take 61 buckets unless now is a round time: then the next step up.
    const aligned = body.buckets.length === 60;
    expect(body.step_ms).toBe(aligned ? 5 * S : 10 * S);
    if (!aligned) expect(body.buckets.length).toBe(31);
    // The server's now lies between the test's before and after the request.
    const after = Date.now();
    expect(Date.parse(body.buckets[0].t)).toBeLessThanOrEqual(after - 300 * S);
    expect(Date.parse(body.buckets.at(-1).t)).toBeLessThanOrEqual(after);
    expect(Date.parse(body.buckets.at(-1).t)).toBeGreaterThan(now - body.step_ms);
    expect(body.buckets.reduce((n: number, b: { total: number }) => n + b.total, 0)).toBe(2);
  });

  it('refuses bad parameters with a 400 naming them', async () => {
    api = await apiWith([]);
    for (const [q, name] of [
      ['buckets=0', 'buckets'],
      ['buckets=501', 'buckets'],
      ['buckets=ten', 'buckets'],
      ['since=yesterdayish', 'since'],
      ['from=2026-13-01', 'from'],
    ]) {
      const { status, body } = await api.get(`/api/histogram?${q}`);
      expect(status, q).toBe(400);
      expect(body.error.message, q).toContain(name);
    }
    const reversed = await api.get(`/api/histogram?from=${iso(T0 + S)}&to=${iso(T0)}`);
    expect(reversed.status).toBe(400);
    const bad = await api.get(`/api/histogram?q=${encodeURIComponent('status:(')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.type).toBe('query');
    expect(typeof bad.body.error.position).toBe('number');
  });
});

describe('histogram steps', () => {
  it('goes past a week in whole weeks when a week would give too many buckets', () => {
    const week = NICE_STEPS_US.at(-1)!;
    const from = T0 * 1000;
    const to = from + 100 * week;
    const step = histogramStep(from, to, 10);
    expect(step % week).toBe(0);
    const n = (bucketStart(to - 1, step) - bucketStart(from, step)) / step + 1;
    expect(n).toBeLessThanOrEqual(10);
    // And the step before it would not have fit.
    const smaller = step - week;
    expect((bucketStart(to - 1, smaller) - bucketStart(from, smaller)) / smaller + 1).toBeGreaterThan(10);
  });
});
