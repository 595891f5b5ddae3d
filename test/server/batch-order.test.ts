/**
 * Batches of one source sent together: the store commits each only after the events it names as
 * sent before it, whatever order the requests arrive in, so a retried earlier batch is never
 * taken for duplicates of a later one.
 */
import { describe, expect, it } from 'vitest';
import { AFTER_HEADER, encodeAfter } from '../../src/core/batch-order.js';
import type { LogEvent } from '../../src/core/events.js';
import { encodeLogEvent, streamHeader } from '../../src/core/ndjson.js';
import { createApp } from '../../src/server/app.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';

function ev(offset: number): LogEvent {
  return {
    ts: Date.UTC(2026, 0, 2) * 1000 + offset,
    level: 'info',
    service: 'web',
    host: null,
    source: '/var/log/a.log',
    generation: 'g',
    offset,
    format: 'unknown',
    message: `line ${offset}`,
    fields: {},
    raw: `line ${offset}`,
  };
}

const body = (offsets: number[]) =>
  [streamHeader('log-events'), ...offsets.map((o) => encodeLogEvent(ev(o)))].join('\n');

function post(app: App, offsets: number[], after?: number) {
  const headers: Record<string, string> = {};
  if (after !== undefined) headers[AFTER_HEADER] = encodeAfter([['/var/log/a.log', 'g', after]])!;
  return app.request('/api/ingest', { method: 'POST', body: body(offsets), headers });
}

type App = ReturnType<typeof createApp>;
type Store = Awaited<ReturnType<typeof openDuckDbStore>>;

/** Runs `fn` against the API of a fresh in-memory store that waits `orderWaitMs` for a batch's predecessors. */
async function withApp(orderWaitMs: number, fn: (app: App, store: Store) => Promise<void>): Promise<void> {
  const store = await openDuckDbStore({ path: ':memory:' });
  try {
    await fn(createApp({ store, orderWaitMs }), store);
  } finally {
    await store.close();
  }
}

describe('batches sent in order', () => {
  it('holds a batch that arrives before the one it follows, then stores both', () =>
    withApp(10_000, async (app, store) => {
      const second = Promise.resolve(post(app, [20, 30], 10));
      let answered = false;
      void second.then(() => (answered = true));
      await new Promise((r) => setTimeout(r, 100));
      expect(answered).toBe(false);
      const first = await post(app, [0, 10]);
      expect(await first.json()).toEqual({ stored: 2, duplicates: 0 });
      expect(await (await second).json()).toEqual({ stored: 2, duplicates: 0 });
      const r = await store.query({ sql: 'SELECT "offset" FROM logs ORDER BY "offset"', params: [] });
      expect(r.rows.map((row) => row.offset)).toEqual([0, 10, 20, 30]);
    }));

  it('answers 503 when the batch before never comes, and stores nothing of the batch', () =>
    withApp(200, async (app, store) => {
      const res = await post(app, [20, 30], 10);
      expect(res.status).toBe(503);
      const answer = (await res.json()) as { error: { type: string; message: string } };
      expect(answer.error.type).toBe('order');
      expect(answer.error.message).toContain('/var/log/a.log');
      expect((await store.stats()).rows).toBe(0);
      // Sent again after the one before it: stored, with nothing skipped as a duplicate.
      expect((await post(app, [0, 10])).status).toBe(200);
      expect(await (await post(app, [20, 30], 10)).json()).toEqual({ stored: 2, duplicates: 0 });
    }));

  it('takes a batch whose predecessor is stored already, and refuses a malformed order header', () =>
    withApp(200, async (app) => {
      expect((await post(app, [0, 10])).status).toBe(200);
      expect((await post(app, [20], 10)).status).toBe(200);
      const bad = await app.request('/api/ingest', {
        method: 'POST',
        body: body([30]),
        headers: { [AFTER_HEADER]: 'not json' },
      });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(AFTER_HEADER);
    }));
});
