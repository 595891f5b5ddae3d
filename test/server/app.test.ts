import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/core/events.js';
import { encodeLogEvent, streamHeader } from '../../src/core/ndjson.js';
import { encodeRawLines, RAW_LINES_MEDIA_TYPE } from '../../src/core/raw-lines.js';
import { createApp } from '../../src/server/app.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';
import { addEvents, eventRows, SEGMENT_ENCODING } from '../../src/storage/rows/event-columns.js';
import { ROWS_MEDIA_TYPE, serializeRows } from '../../src/storage/rows/rows-wire.js';
import { tempDir } from '../helpers/cli.js';

function ev(offset: number, status: number): LogEvent {
  return {
    ts: Date.UTC(2026, 0, 2) * 1000 + offset,
    level: status >= 500 ? 'error' : 'info',
    service: 'web',
    host: null,
    source: 'test',
    generation: 'g',
    offset,
    format: 'apache_combined',
    message: `GET /p/${offset}`,
    fields: { status, path: `/p/${offset}` },
    raw: `raw ${offset}`,
  };
}

async function setup(token?: string) {
  const store = await openDuckDbStore({ path: ':memory:' });
  const app = createApp({ store, token });
  return { store, app };
}

function ndjson(events: LogEvent[]): string {
  return [streamHeader('log-events'), ...events.map(encodeLogEvent)].join('\n');
}

describe('HTTP API', () => {
  it('answers /healthz', async () => {
    const { app, store } = await setup();
    const res = await app.request('/healthz');
    expect(await res.json()).toEqual({ status: 'ok' });
    await store.close();
  });

  it('ingests NDJSON, acknowledging once committed, and skips re-sent events', async () => {
    const { app, store } = await setup();
    const body = ndjson([ev(0, 200), ev(1, 503)]);
    let res = await app.request('/api/ingest', { method: 'POST', body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ stored: 2, duplicates: 0 });
    res = await app.request('/api/ingest', { method: 'POST', body });
    expect(await res.json()).toEqual({ stored: 0, duplicates: 2 });
    expect((await store.stats()).rows).toBe(2);
    await store.close();
  });

  it('ingests encoded rows into segments, skips re-sent ones, and refuses them where it cannot', async () => {
    const dir = tempDir('logpipe-app-rows-');
    const store = await openDuckDbStore({ path: join(dir, 'logs.duckdb') });
    const app = createApp({ store });
    const rows = eventRows(4);
    addEvents(rows, [ev(0, 200), ev(1, 503)]);
    const body = Buffer.concat(serializeRows({ encoding: SEGMENT_ENCODING, count: 2, rows }));
    const post = (target: typeof app, b: Uint8Array) =>
      target.request('/api/ingest', {
        method: 'POST',
        headers: { 'content-type': ROWS_MEDIA_TYPE },
        body: b,
      });
    try {
      let res = await post(app, body);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ stored: 2, duplicates: 0 });
      res = await post(app, body);
      expect(await res.json()).toEqual({ stored: 0, duplicates: 2 });
      const q = await store.query({
        sql: 'SELECT "offset", status, level, raw FROM logs ORDER BY 1',
        params: [],
      });
      expect(q.rows).toEqual([
        { offset: 0, status: 200, level: 'info', raw: 'raw 0' },
        { offset: 1, status: 503, level: 'error', raw: 'raw 1' },
      ]);
      // A malformed body is refused with what is wrong, and nothing of it is kept.
      res = await post(app, body.subarray(0, body.length - 8));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
        /^bad segment rows: /,
      );
    } finally {
      await store.close();
    }
    // An in-memory store appends events, not segment rows: the sender is told to send events.
    const mem = await setup();
    try {
      const res = await post(mem.app, body);
      expect(res.status).toBe(415);
      expect((await mem.store.stats()).rows).toBe(0);
    } finally {
      await mem.store.close();
    }
  });

  it('parses raw lines from a collector and stores them, refusing a malformed body', async () => {
    const { app, store } = await setup();
    const lines = [
      '127.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET /a HTTP/1.1" 200 10 "-" "curl/8"',
      '10.0.0.2 - bob [10/Oct/2026:13:55:37 +0000] "POST /b HTTP/1.1" 503 12 "-" "curl/8"',
    ];
    const body = encodeRawLines(
      lines.map((line, i) => ({ source: '/w.log', generation: 'fp', offset: i * 90, line, received_at: 0 })),
    );
    const post = (b: Uint8Array) =>
      app.request('/api/ingest', {
        method: 'POST',
        headers: { 'content-type': RAW_LINES_MEDIA_TYPE },
        body: b,
      });
    try {
      let res = await post(body);
      expect(await res.json()).toEqual({ stored: 2, duplicates: 0 });
      const q = await store.query({
        sql: 'SELECT "offset", status, path, format FROM logs ORDER BY 1',
        params: [],
      });
      expect(q.rows).toEqual([
        { offset: 0, status: 200, path: '/a', format: 'apache_combined' },
        { offset: 90, status: 503, path: '/b', format: 'apache_combined' },
      ]);
      res = await post(body.subarray(0, 30));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
        /^bad raw lines: /,
      );
      expect((await store.stats()).rows).toBe(2);
    } finally {
      await store.close();
    }
  });

  it('gives back every raw line sent to a file store, access lines read straight into rows', async () => {
    const store = await openDuckDbStore({ path: join(tempDir('logpipe-app-raw-'), 'logs.duckdb') });
    const app = createApp({ store });
    const lines = [
      '127.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET /a HTTP/1.1" 200 10 "-" "curl/8"',
      '10.0.0.2 - bob [10/Oct/2026:15:55:37 +0200] "POST /b HTTP/1.1" 503 - "https://r/" "Mozilla/5.0"',
      '10.0.0.3 - - [10/Oct/2026:13:55:38 +0000] "GET /q=\\"x\\" HTTP/1.1" 404 1 "-" "curl/8"',
      'Oct 10 13:55:39 host app[1]: not an access line',
    ];
    const body = encodeRawLines(
      lines.map((line, i) => ({ source: '/w.log', generation: 'fp', offset: i * 100, line, received_at: 0 })),
    );
    try {
      const res = await app.request('/api/ingest', {
        method: 'POST',
        headers: { 'content-type': RAW_LINES_MEDIA_TYPE },
        body,
      });
      expect(await res.json()).toEqual({ stored: 4, duplicates: 0 });
      const q = await store.query({
        sql: 'SELECT raw, message, level, bytes, raw_zone FROM logs ORDER BY "offset"',
        params: [],
      });
      expect(q.rows.map((r) => r.raw)).toEqual(lines);
      expect(q.rows.map((r) => r.raw_zone)).toEqual([0, 120, null, null]);
      expect(q.rows[1]).toMatchObject({ message: 'POST /b HTTP/1.1', level: 'error', bytes: null });
    } finally {
      await store.close();
    }
  });

  it('rejects a bad ingest line naming it, storing nothing of that request', async () => {
    const { app, store } = await setup();
    const res = await app.request('/api/ingest', {
      method: 'POST',
      body: `${streamHeader('log-events')}\n${encodeLogEvent(ev(0, 200))}\n{oops`,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { type: 'request', message: 'line 3: not valid JSON' } });
    expect((await store.stats()).rows).toBe(0);
    await store.close();
  });

  it('ingests plain log lines and NDJSON application logs, parsing them', async () => {
    const { app, store } = await setup();
    const body = [
      '127.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET /a HTTP/1.1" 503 10 "-" "curl/8"',
      '{"level":"error","msg":"boom","service":"api"}',
      'no format at all',
      '',
    ].join('\n');
    const res = await app.request('/api/ingest?source=edge-1', { method: 'POST', body });
    expect(await res.json()).toEqual({ stored: 3, duplicates: 0 });
    const r = await store.query({
      sql: 'SELECT format, level, source FROM logs ORDER BY "offset"',
      params: [],
    });
    expect(r.rows).toEqual([
      { format: 'apache_combined', level: 'error', source: 'edge-1' },
      { format: 'json', level: 'error', source: 'edge-1' },
      { format: 'unknown', level: 'unknown', source: 'edge-1' },
    ]);
    await store.close();
  });

  it('runs a query with a time range and limit', async () => {
    const { app, store } = await setup();
    await store.append([ev(0, 200), ev(1, 503), ev(2, 500), ev(3, 404)]);
    const res = await app.request(
      `/api/query?${new URLSearchParams({ q: 'status>=500', from: '2026-01-01', limit: '10' })}`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { kind: string; rows: { status: number }[] };
    expect(body.kind).toBe('events');
    expect(body.rows.map((r) => r.status).sort()).toEqual([500, 503]);
    await store.close();
  });

  it('refuses a time range that ends before it starts, or two starts, naming them', async () => {
    const { app, store } = await setup();
    const ask = async (params: Record<string, string>) => {
      const res = await app.request(`/api/query?${new URLSearchParams({ q: '*', ...params })}`);
      return { status: res.status, body: (await res.json()) as { error: { type: string; message: string } } };
    };
    const reversed = await ask({ from: '2026-01-02', to: '2026-01-01' });
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.message).toBe(
      'from (2026-01-02T00:00:00.000000Z) is after to (2026-01-01T00:00:00.000000Z)',
    );
    const both = await ask({ since: '1h', from: '2026-01-01' });
    expect(both.status).toBe(400);
    expect(both.body.error.message).toBe('give since or from, not both');
    await store.close();
  });

  it('returns a query error with its position', async () => {
    const { app, store } = await setup();
    const res = await app.request(`/api/query?${new URLSearchParams({ q: 'status>=' })}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { type: string; position: number } };
    expect(body.error.type).toBe('query');
    expect(body.error.position).toBe(8);
    await store.close();
  });

  it('requires the bearer token when one is set', async () => {
    const { app, store } = await setup('s3cret');
    expect((await app.request('/api/stats')).status).toBe(401);
    const ok = await app.request('/api/stats', { headers: { authorization: 'Bearer s3cret' } });
    expect(ok.status).toBe(200);
    expect((await app.request('/healthz')).status).toBe(200);
    await store.close();
  });
});
