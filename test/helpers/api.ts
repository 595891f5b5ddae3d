/** An in-memory store behind the HTTP API, for tests of its routes. */
import type { Hono } from 'hono';
import type { LogEvent } from '../../src/core/events.js';
import { createApp } from '../../src/server/app.js';
import { type DuckDbStore, openDuckDbStore } from '../../src/storage/duckdb/engine.js';

export interface ApiFixture {
  store: DuckDbStore;
  app: Hono;
  /** GET `path`; the status and the body read as JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: answers are JSON, read loosely by the tests
  get(path: string): Promise<{ status: number; body: any }>;
}

/** A fresh in-memory store holding `events`, and the API over it. */
export async function apiWith(events: LogEvent[]): Promise<ApiFixture> {
  const store = await openDuckDbStore({ path: ':memory:' });
  if (events.length > 0) await store.append(events);
  const app = createApp({ store });
  return {
    store,
    app,
    get: async (path) => {
      const res = await app.request(path);
      return { status: res.status, body: await res.json() };
    },
  };
}
