import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { QueryError } from '../../src/core/errors.js';
import type { LogEvent } from '../../src/core/events.js';
import { createApp } from '../../src/server/app.js';
import { followQuery } from '../../src/server/tail.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';

function ev(offset: number, level: LogEvent['level'], tsMs = Date.UTC(2020, 0, 1)): LogEvent {
  return {
    ts: tsMs * 1000,
    level,
    service: 'api',
    host: null,
    source: 'tail-test',
    generation: 'g',
    offset,
    format: 'json',
    message: `message ${offset}`,
    fields: {},
    raw: `raw ${offset}`,
  };
}

describe('live tail', () => {
  it('shows each newly committed match once, oldest first, whatever its timestamp', async () => {
    const store = await openDuckDbStore({ path: ':memory:' });
    await store.append([ev(0, 'error')]); // before the tail starts: not shown
    const ac = new AbortController();
    const seen: number[] = [];
    const following = followQuery(store, {
      q: 'level:error',
      signal: ac.signal,
      pollMs: 10,
      onRows: (rows) => {
        for (const r of rows) seen.push(Number(String(r.message).split(' ')[1]));
      },
    });
    await store.append([ev(1, 'error'), ev(2, 'info'), ev(3, 'error', Date.UTC(2010, 0, 1))]);
    await store.append([ev(4, 'error')]);
    const deadline = Date.now() + 10_000;
    while (seen.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    await following;
    expect(seen.sort()).toEqual([1, 3, 4]);
    await store.close();
  });

  it('keeps one abort listener at most while it polls', async () => {
    const store = await openDuckDbStore({ path: ':memory:' });
    const ac = new AbortController();
    const following = followQuery(store, { q: '*', signal: ac.signal, pollMs: 1, onRows: () => {} });
    await new Promise((r) => setTimeout(r, 200));
    expect(getEventListeners(ac.signal, 'abort').length).toBeLessThanOrEqual(1);
    ac.abort();
    await following;
    await store.close();
  });

  it('refuses pipes, pointing at them', async () => {
    const store = await openDuckDbStore({ path: ':memory:' });
    const err = await followQuery(store, {
      q: 'level:error | count',
      signal: AbortSignal.abort(),
      onRows: () => {},
    }).catch((e) => e);
    expect(err).toBeInstanceOf(QueryError);
    expect((err as QueryError).position).toBe(12);
    await store.close();
  });

  it('streams rows over Server-Sent Events and stops when the client leaves', async () => {
    const store = await openDuckDbStore({ path: ':memory:' });
    const app = createApp({ store });
    const ac = new AbortController();
    const res = await app.request('/api/tail?q=level:error', { signal: ac.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    // Wait for the stream to be ready before appending.
    while (!text.includes('event: ready')) text += decoder.decode((await reader.read()).value);
    await store.append([ev(10, 'error'), ev(11, 'info')]);
    while (!text.includes('event: rows')) text += decoder.decode((await reader.read()).value);
    const data = text.split('event: rows\ndata: ')[1].split('\n')[0];
    const rows = (JSON.parse(data) as { rows: { message: string }[] }).rows;
    expect(rows.map((r) => r.message)).toEqual(['message 10']);
    // With its identity, for asking its context.
    expect(rows[0]).toMatchObject({ source: 'tail-test', generation: 'g', offset: 10 });
    ac.abort();
    await reader.cancel().catch(() => {});
    await store.close();
  });

  it('streams long values cut with max_value_bytes, marked, and refuses a value that does not read', async () => {
    const store = await openDuckDbStore({ path: ':memory:' });
    const app = createApp({ store });
    const bad = await app.request('/api/tail?q=*&max_value_bytes=0');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('max_value_bytes');
    const ac = new AbortController();
    const res = await app.request('/api/tail?q=*&max_value_bytes=16', { signal: ac.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('event: ready')) text += decoder.decode((await reader.read()).value);
    await store.append([{ ...ev(20, 'error'), raw: `raw ${'r'.repeat(100)}` }]);
    while (!text.includes('event: rows'))
      text += decoder.decode((await reader.read()).value, { stream: true });
    while (!text.split('event: rows')[1].includes('\n\n'))
      text += decoder.decode((await reader.read()).value);
    const data = text.split('event: rows\ndata: ')[1].split('\n')[0];
    const rows = (JSON.parse(data) as { rows: Record<string, unknown>[] }).rows;
    expect(rows[0]).toMatchObject({
      message: 'message 20',
      raw: `raw ${'r'.repeat(12)}`,
      _truncated: ['raw'],
    });
    ac.abort();
    await reader.cancel().catch(() => {});
    await store.close();
  });
});

describe('field facets and raw SQL over HTTP', () => {
  it('lists fields with types and top values', async () => {
    const store = await openDuckDbStore({ path: ':memory:' });
    await store.append(
      Array.from({ length: 20 }, (_, i) => ({
        ...ev(i, i % 4 === 0 ? 'error' : 'info'),
        fields: { status: i % 4 === 0 ? 500 : 200, region: i % 2 ? 'eu' : 'us' },
      })),
    );
    const app = createApp({ store });
    const res = await app.request('/api/fields?q=*');
    const body = (await res.json()) as {
      sampled: number;
      fields: { name: string; type: string; top: unknown[] }[];
    };
    expect(body.sampled).toBe(20);
    const status = body.fields.find((f) => f.name === 'status')!;
    expect(status.type).toBe('number');
    expect(status.top).toEqual([
      { value: 200, count: 15 },
      { value: 500, count: 5 },
    ]);
    expect(body.fields.find((f) => f.name === 'region')!.top).toHaveLength(2);
    expect(body.fields.find((f) => f.name === 'level')!.top[0]).toEqual({ value: 'info', count: 15 });
    await store.close();
  });

  it('runs read-only SQL and refuses writes with a position', async () => {
    const store = await openDuckDbStore({ path: ':memory:' });
    await store.append([ev(1, 'info')]);
    const app = createApp({ store });
    let res = await app.request(
      `/api/query?${new URLSearchParams({ sql: 'SELECT count(*) AS n FROM logs' })}`,
    );
    expect(((await res.json()) as { rows: unknown[] }).rows).toEqual([{ n: 1 }]);
    res = await app.request(`/api/query?${new URLSearchParams({ sql: 'DELETE FROM logs_active' })}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('query');
    expect((await store.stats()).rows).toBe(1);
    await store.close();
  });

  it('explains a query with its SQL and partition counts', async () => {
    const store = await openDuckDbStore({ path: ':memory:' });
    const app = createApp({ store });
    const res = await app.request(`/api/query?${new URLSearchParams({ q: 'status>=500', explain: '1' })}`);
    const body = (await res.json()) as { sql: string; params: unknown[]; scan: unknown };
    expect(body.sql).toMatch(/SELECT .* FROM "?logs"? /);
    expect(body.params).toContain(500);
    expect(body.scan).toEqual({ partitions_scanned: 0, partitions_skipped: 0 });
    await store.close();
  });
});
