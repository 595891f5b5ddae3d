/**
 * The ingest routes of the store and the parser: internal protocols (binary bodies, event
 * streams, the batch order header) only with the link secret, or the bearer token where one is
 * required; plain lines from anyone, under identities the receiver gives them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AFTER_HEADER, encodeAfter } from '../../src/core/batch-order.js';
import type { RawEvent } from '../../src/core/events.js';
import { LINK_SECRET_HEADER } from '../../src/core/link-secret.js';
import { memoryLogger } from '../../src/core/log.js';
import { encodeRawEvent, streamHeader } from '../../src/core/ndjson.js';
import { encodeRawLines, RAW_LINES_MEDIA_TYPE } from '../../src/core/raw-lines.js';
import { type ParseService, startParseService } from '../../src/pipeline/parse-service.js';
import { createApp } from '../../src/server/app.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';
import { answer, closeReceivers, receiver } from '../helpers/receiver.js';
import { sentEvents } from '../helpers/rows.js';

const SECRET = '5'.repeat(64);
const WRONG = '6'.repeat(64);
const raw: RawEvent = {
  source: '/var/log/a.log',
  generation: 'fp',
  offset: 10,
  line: 'hello',
  received_at: 1,
};

const bodies = [
  { what: 'raw-lines body', type: RAW_LINES_MEDIA_TYPE, body: () => encodeRawLines([raw]) },
  {
    what: 'raw-events stream',
    type: 'application/x-ndjson',
    body: () => `${streamHeader('raw-events')}\n${encodeRawEvent(raw)}\n`,
  },
  { what: 'application/vnd.logpipe.other body', type: 'application/vnd.logpipe.other', body: () => 'x' },
];

async function withStore(
  opts: { token?: string },
  fn: (app: ReturnType<typeof createApp>, rows: () => Promise<number>) => Promise<void>,
): Promise<void> {
  const store = await openDuckDbStore({ path: ':memory:' });
  try {
    await fn(createApp({ store, linkSecret: SECRET, ...opts }), async () => (await store.stats()).rows);
  } finally {
    await store.close();
  }
}

const services: ParseService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.stop()));
  await closeReceivers();
});

describe('the store refuses internal protocols without the link secret', () => {
  it('401 without it, 403 with a wrong one, nothing stored; taken with it', () =>
    withStore({}, async (app, rows) => {
      for (const b of bodies) {
        for (const [secret, status] of [
          [undefined, 401],
          [WRONG, 403],
        ] as const) {
          const res = await app.request('/api/ingest', {
            method: 'POST',
            headers: { 'content-type': b.type, ...(secret ? { [LINK_SECRET_HEADER]: secret } : {}) },
            body: b.body(),
          });
          expect(res.status, b.what).toBe(status);
          const { error } = (await res.json()) as { error: { type: string; message: string } };
          expect(error.type).toBe('auth');
          expect(error.message).toContain(b.what);
        }
      }
      expect(await rows()).toBe(0);
      const res = await app.request('/api/ingest', {
        method: 'POST',
        headers: { 'content-type': RAW_LINES_MEDIA_TYPE, [LINK_SECRET_HEADER]: SECRET },
        body: encodeRawLines([raw]),
      });
      expect(await res.json()).toEqual({ stored: 1, duplicates: 0 });
      // An internal media type the store does not know: the sender is told to send another.
      const other = await app.request('/api/ingest', {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.logpipe.other', [LINK_SECRET_HEADER]: SECRET },
        body: 'x',
      });
      expect(other.status).toBe(415);
    }));

  it('refuses the batch order header without it, as it names identities too', () =>
    withStore({}, async (app) => {
      const res = await app.request('/api/ingest', {
        method: 'POST',
        headers: { [AFTER_HEADER]: encodeAfter([['/var/log/a.log', 'fp', 1]])! },
        body: 'plain\n',
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain(AFTER_HEADER);
    }));

  it("takes a user's plain lines and NDJSON logs, giving them identities of its own", () =>
    withStore({}, async (app, rows) => {
      const res = await app.request('/api/ingest?source=%2Fvar%2Flog%2Fa.log', {
        method: 'POST',
        body: '{"level":"warn","msg":"from a user","offset":1000000000000}\nplain\n',
      });
      expect(await res.json()).toEqual({ stored: 2, duplicates: 0 });
      expect(await rows()).toBe(2);
    }));

  it('takes internal protocols from whoever holds the bearer token, where one is required', () =>
    withStore({ token: 'tok' }, async (app) => {
      const res = await app.request('/api/ingest', {
        method: 'POST',
        headers: { 'content-type': RAW_LINES_MEDIA_TYPE, authorization: 'Bearer tok' },
        body: encodeRawLines([raw]),
      });
      expect(await res.json()).toEqual({ stored: 1, duplicates: 0 });
      const without = await app.request('/api/ingest', {
        method: 'POST',
        headers: { 'content-type': RAW_LINES_MEDIA_TYPE },
        body: encodeRawLines([raw]),
      });
      expect(without.status).toBe(401);
    }));
});

describe('the parser service refuses internal protocols without the link secret', () => {
  it('refuses raw lines and streams without it, takes plain lines, and sends the secret on', async () => {
    const store = await receiver((req, res) =>
      answer(res, 200, { stored: sentEvents(req).length, duplicates: 0 }),
    );
    const p = await startParseService({
      host: '127.0.0.1',
      port: 0,
      to: store.url,
      linkSecret: SECRET,
      parser: {},
      log: memoryLogger(),
    });
    services.push(p);
    for (const b of [
      ...bodies,
      { what: 'segment-rows', type: 'application/vnd.logpipe.segment-rows', body: () => 'x' },
    ]) {
      const res = await fetch(`${p.url}/api/ingest`, {
        method: 'POST',
        headers: { 'content-type': b.type },
        body: b.body(),
      });
      expect(res.status, b.what).toBe(401);
    }
    expect(store.got).toHaveLength(0);
    const plain = await fetch(`${p.url}/api/ingest`, { method: 'POST', body: 'hello from a user\n' });
    expect(await plain.json()).toEqual({ stored: 1, duplicates: 0 });
    const ok = await fetch(`${p.url}/api/ingest`, {
      method: 'POST',
      headers: { 'content-type': RAW_LINES_MEDIA_TYPE, [LINK_SECRET_HEADER]: SECRET },
      body: encodeRawLines([raw]),
    });
    expect(await ok.json()).toEqual({ stored: 1, duplicates: 0 });
    expect(store.got.map((g) => g.headers[LINK_SECRET_HEADER])).toEqual([SECRET, SECRET]);
    // The user's line went on under the parser's own identity, the component's under its own.
    const [userLine] = sentEvents(store.got[0]);
    expect(userLine.generation).toMatch(/^http-/);
    expect(sentEvents(store.got[1])[0]).toMatchObject({ source: raw.source, generation: 'fp', offset: 10 });
  });
});
