/**
 * `max_value_bytes`: pages of a list carry the start of each long value, cut on a character's
 * boundary and marked, while downloads, /api/event and an uncut query give every value whole.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/core/events.js';
import { createApp } from '../../src/server/app.js';
import { cutRows, cutUtf8 } from '../../src/server/cut-values.js';
import { openDuckDbStore } from '../../src/storage/duckdb/engine.js';
import { type ApiFixture, apiWith } from '../helpers/api.js';
import { tempDir } from '../helpers/cli.js';
import { testEvent } from '../helpers/events.js';

const T0 = Date.UTC(2026, 0, 2) * 1000;
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

let api: ApiFixture | null = null;
afterEach(async () => {
  await api?.store.close();
  api = null;
});

describe('cutUtf8', () => {
  it('keeps text no longer than the bytes allowed, and cuts longer text on a character boundary', () => {
    expect(cutUtf8('short', 10)).toBeNull();
    expect(cutUtf8('x'.repeat(10), 10)).toBeNull();
    expect(cutUtf8('x'.repeat(11), 10)).toBe('x'.repeat(10));
    // é is 2 bytes, € 3, 😀 4 (two UTF-16 units): never half of one.
    expect(cutUtf8('éééé', 7)).toBe('ééé');
    expect(cutUtf8('éééé', 8)).toBeNull();
    expect(cutUtf8('a€€', 6)).toBe('a€');
    expect(cutUtf8('😀😀', 7)).toBe('😀');
    expect(cutUtf8('😀😀', 3)).toBe('');
    expect(cutUtf8('a😀', 4)).toBe('a');
  });

  it('agrees with a byte count on every cut of mixed text', () => {
    const text = 'aé€😀'.repeat(20);
    for (let max = 1; max <= bytes(text) + 2; max++) {
      const cut = cutUtf8(text, max);
      if (bytes(text) <= max) expect(cut).toBeNull();
      else {
        expect(cut).not.toBeNull();
        expect(bytes(cut!)).toBeLessThanOrEqual(max);
        expect(text.startsWith(cut!)).toBe(true);
        // The next character would not have fitted.
        const next = text.slice(cut!.length).codePointAt(0)!;
        expect(bytes(cut!) + bytes(String.fromCodePoint(next))).toBeGreaterThan(max);
      }
    }
  });
});

describe('cutRows', () => {
  it('cuts the message, the line, promoted text and field values, and lists them; other columns stay', () => {
    const long = 'z'.repeat(100);
    const rows: Record<string, unknown>[] = [
      {
        ts: '2026-01-02T00:00:00.000000Z',
        service: long,
        source: long,
        message: long,
        raw: long,
        path: long,
        status: 200,
        fields: { blob: long, n: 12345678901234, list: Array.from({ length: 30 }, (_, i) => i), ok: 'short' },
      },
      { message: 'short', raw: 'short', fields: {} },
    ];
    cutRows(rows, 10);
    expect(rows[0]).toMatchObject({
      service: long,
      source: long,
      message: 'z'.repeat(10),
      raw: 'z'.repeat(10),
      path: 'z'.repeat(10),
      status: 200,
      fields: { blob: 'z'.repeat(10), n: 12345678901234, list: '[0,1,2,3,4', ok: 'short' },
      _truncated: ['message', 'raw', 'path', 'fields.blob', 'fields.list'],
    });
    expect(rows[1]).not.toHaveProperty('_truncated');
  });
});

const BIG = 'x'.repeat(64 * 1024);
const WIDE = 'é'.repeat(3000); // 6,000 bytes

function wideEvents(): LogEvent[] {
  return Array.from({ length: 5 }, (_, i) =>
    testEvent(i * 100, {
      ts: T0 + i * 1_000_000,
      message: i === 0 ? 'small' : `wide ${i} ${WIDE}`,
      raw: i === 0 ? 'small' : JSON.stringify({ i, blob: BIG }),
      fields: i === 0 ? { blob: 'tiny' } : { blob: BIG, n: i, note: 'ok' },
    }),
  );
}

describe('GET /api/query with max_value_bytes', () => {
  it('cuts long values to the bytes asked, on a character boundary, and marks each row with what was cut', async () => {
    api = await apiWith(wideEvents());
    const { status, body } = await api.get('/api/query?q=*&limit=10&max_value_bytes=1001');
    expect(status).toBe(200);
    expect(body.kind).toBe('events');
    expect(body.rows).toHaveLength(5);
    const small = body.rows.find((r: { message: string }) => r.message === 'small');
    expect(small).toMatchObject({ raw: 'small', fields: { blob: 'tiny' } });
    expect(small).not.toHaveProperty('_truncated');
    for (const r of body.rows.filter((r: { message: string }) => r.message !== 'small')) {
      expect(r._truncated).toEqual(['message', 'raw', 'fields.blob']);
      // 1,001 bytes of `wide N ééé…`: the cut falls before a character that would not fit.
      expect(bytes(r.message)).toBeLessThanOrEqual(1001);
      expect(bytes(r.message)).toBeGreaterThanOrEqual(1000);
      expect(`wide ${r.fields.n} ${WIDE}`.startsWith(r.message)).toBe(true);
      expect(r.raw).toBe(JSON.stringify({ i: r.fields.n, blob: BIG }).slice(0, 1001));
      expect(r.fields.blob).toBe(BIG.slice(0, 1001));
      expect(r.fields).toMatchObject({ note: 'ok', n: expect.any(Number) });
      // The identity comes whole: the event can be asked for by it.
      expect(r).toMatchObject({ source: 'a.log', generation: 'g', offset: expect.any(Number) });
    }
  });

  it('gives every value whole without it, and in downloads', async () => {
    api = await apiWith(wideEvents());
    const whole = await api.get('/api/query?q=wide&limit=10');
    expect(whole.body.rows).toHaveLength(4);
    for (const r of whole.body.rows) {
      expect(r.fields.blob).toBe(BIG);
      expect(r).not.toHaveProperty('_truncated');
    }
    const res = await api.app.request('/api/query?q=wide&format=ndjson');
    expect(res.status).toBe(200);
    for (const line of (await res.text()).trim().split('\n')) {
      const r = JSON.parse(line);
      expect(r.raw).toBe(JSON.stringify({ i: r.fields.n, blob: BIG }));
      expect(r.message).toBe(`wide ${r.fields.n} ${WIDE}`);
    }
  });

  it('cuts the later pages and the pages the newest window answers alike', async () => {
    api = await apiWith(wideEvents());
    const page = await api.get('/api/query?q=*&limit=2&offset=2&max_value_bytes=64');
    expect(page.body.rows).toHaveLength(2);
    for (const r of page.body.rows) {
      expect(bytes(r.raw)).toBeLessThanOrEqual(64);
      expect(r._truncated).toContain('raw');
    }
  });

  it('cuts the rows of both parts of an answer the newest partitions begin', async () => {
    const HOUR = 3_600_000;
    const start = Date.UTC(2026, 0, 2);
    const clock = { now: start + 4 * HOUR + 30 * 60_000 };
    const store = await openDuckDbStore({
      path: join(tempDir(), 'logs.duckdb'),
      now: () => clock.now,
      sealAfterMs: 60_000,
      compaction: { mergeFiles: 100 },
    });
    try {
      for (let h = 0; h < 4; h++) {
        const hour = Array.from({ length: 30 }, (_, k) =>
          testEvent(h * 30 + k, {
            ts: (start + h * HOUR + k * 60_000) * 1000,
            raw: `line ${h * 30 + k} ${BIG}`,
          }),
        );
        await store.append(hour);
        await store.maintain();
      }
      expect(store.sealedRanges().length).toBe(4);
      const app = createApp({ store });
      // 100 rows: the newest two partitions hold 60, the rest come from the older ones.
      const res = await app.request('/api/query?q=*&limit=100&max_value_bytes=12');
      const body = (await res.json()) as { rows: { offset: number; raw: string; _truncated?: string[] }[] };
      expect(body.rows).toHaveLength(100);
      expect(body.rows.map((r) => r.offset)).toEqual(Array.from({ length: 100 }, (_, k) => 119 - k));
      for (const r of body.rows) {
        expect(r.raw).toBe(`line ${r.offset} ${BIG}`.slice(0, 12));
        expect(r._truncated).toEqual(['raw']);
      }
    } finally {
      await store.close();
    }
  });

  it('orders a sorted page by the whole values, not the cut ones', async () => {
    const same = 'p'.repeat(50);
    api = await apiWith(
      ['c', 'a', 'd', 'b'].map((x, i) =>
        testEvent(i, { ts: T0 + i, message: `${same}${x}`, fields: { k: `${same}${x}` } }),
      ),
    );
    const offsets = async (q: string, extra = '') =>
      (await api!.get(`/api/query?q=${encodeURIComponent(q)}&limit=10${extra}`)).body.rows.map(
        (r: { offset: number }) => r.offset,
      );
    for (const q of [
      '* | sort message',
      '* | sort k desc',
      '* | limit 3 | sort message',
      '* | sort message | limit 2',
    ]) {
      const whole = await offsets(q);
      expect(await offsets(q, '&max_value_bytes=8'), q).toEqual(whole);
      expect(await offsets(q, '&max_value_bytes=8&offset=1'), q).toEqual(whole.slice(1));
    }
    expect(await offsets('* | sort message')).toEqual([1, 3, 0, 2]);
  });

  it('leaves the rows of a piped query as they are', async () => {
    api = await apiWith(wideEvents());
    const { status, body } = await api.get('/api/query?q=*%20|%20count%20by%20message&max_value_bytes=10');
    expect(status).toBe(200);
    expect(body.kind).toBe('table');
    expect(body.rows.some((r: { message: string }) => r.message === `wide 1 ${WIDE}`)).toBe(true);
  });

  it('refuses a value that does not read, and a download or raw SQL with it, naming the parameter', async () => {
    api = await apiWith(wideEvents());
    for (const bad of ['0', '-1', '1.5', 'abc', '', '99999999999']) {
      const { status, body } = await api.get(`/api/query?q=*&max_value_bytes=${bad}`);
      expect(status).toBe(400);
      expect(body.error.type).toBe('request');
      expect(body.error.message).toContain('max_value_bytes');
    }
    for (const extra of ['&format=csv', '&format=ndjson', '&sql=SELECT%201']) {
      const { status, body } = await api.get(`/api/query?q=*&max_value_bytes=100${extra}`);
      expect(status).toBe(400);
      expect(body.error.message).toContain('max_value_bytes');
    }
  });

  it('cuts rebuilt access lines, in the active table and in sealed partitions, as it cuts stored ones', async () => {
    const clock = { now: Date.UTC(2026, 0, 2, 3) };
    const store = await openDuckDbStore({
      path: join(tempDir(), 'logs.duckdb'),
      now: () => clock.now,
      sealAfterMs: 60_000,
    });
    try {
      const app = createApp({ store });
      const agent = `Mozilla/5.0 ${'(compatible) '.repeat(40)}`.trim();
      const line = `10.0.0.1 - - [02/Jan/2026:00:00:00 +0000] "GET /a HTTP/1.1" 200 512 "-" "${agent}"`;
      const posted = await app.request('/api/ingest?format=apache_combined&source=access', {
        method: 'POST',
        body: `${line}\n`,
      });
      expect(posted.status).toBe(200);
      // biome-ignore lint/suspicious/noExplicitAny: answers are JSON, read loosely by the tests
      const get = async (p: string): Promise<any> => (await app.request(p)).json();
      for (const where of ['active', 'sealed']) {
        if (where === 'sealed') {
          await store.maintain();
          expect(store.sealedRanges().length).toBe(1);
        }
        const whole = await get('/api/query?q=*&limit=5');
        expect(whole.rows[0].raw).toBe(line);
        const cut = await get('/api/query?q=*&limit=5&max_value_bytes=40');
        expect(cut.rows[0].raw).toBe(line.slice(0, 40));
        expect(cut.rows[0].user_agent).toBe(agent.slice(0, 40));
        expect(cut.rows[0].message).toBe(whole.rows[0].message);
        expect(cut.rows[0]._truncated).toEqual(['raw', 'user_agent']);
      }
    } finally {
      await store.close();
    }
  });
});

describe('GET /api/event', () => {
  it('gives one event whole by its identity', async () => {
    api = await apiWith(wideEvents());
    const { status, body } = await api.get('/api/event?source=a.log&generation=g&offset=300');
    expect(status).toBe(200);
    expect(body.event).toMatchObject({
      source: 'a.log',
      generation: 'g',
      offset: 300,
      message: `wide 3 ${WIDE}`,
    });
    expect(body.event.raw).toBe(JSON.stringify({ i: 3, blob: BIG }));
    expect(body.event.fields).toEqual({ blob: BIG, n: 3, note: 'ok' });
  });

  it('answers 404 for an identity the store does not hold, and 400 naming a missing or bad parameter', async () => {
    api = await apiWith(wideEvents());
    const missing = await api.get('/api/event?source=a.log&generation=g&offset=301');
    expect(missing.status).toBe(404);
    expect(missing.body.error.type).toBe('not_found');
    for (const [q, name] of [
      ['generation=g&offset=1', 'source'],
      ['source=a.log&offset=1', 'generation'],
      ['source=a.log&generation=g', 'offset'],
      ['source=a.log&generation=g&offset=x', 'offset'],
    ]) {
      const { status, body } = await api.get(`/api/event?${q}`);
      expect(status).toBe(400);
      expect(body.error.message).toContain(name);
    }
  });
});

describe('GET /api/context with max_value_bytes', () => {
  it('cuts the hit and its neighbours alike', async () => {
    api = await apiWith(wideEvents());
    const { status, body } = await api.get(
      '/api/context?source=a.log&generation=g&offset=200&max_value_bytes=100',
    );
    expect(status).toBe(200);
    for (const r of [body.hit, ...body.before, ...body.after]) expect(bytes(r.raw)).toBeLessThanOrEqual(100);
    expect(body.hit._truncated).toContain('raw');
    expect(body.before[0]).not.toHaveProperty('_truncated'); // the small event
    const bad = await api.get('/api/context?source=a.log&generation=g&offset=200&max_value_bytes=x');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('max_value_bytes');
  });
});
