import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { RawEvent } from '../../src/core/events.js';
import { memoryLogger } from '../../src/core/log.js';
import { decodeLogEvent, encodeRawEvent, parseStreamHeader, streamHeader } from '../../src/core/ndjson.js';
import { type ParseService, startParseService } from '../../src/pipeline/parse-service.js';
import type { ComponentStatus } from '../../src/server/ops.js';
import { ROWS_MEDIA_TYPE } from '../../src/storage/rows/rows-wire.js';
import { answer, closeReceivers, type Received, receiver } from '../helpers/receiver.js';
import { sentEvents } from '../helpers/rows.js';

type Reply = (req: Received, res: ServerResponse) => void;

const services: ParseService[] = [];

/** Answers an ingest with the count of events in the body it got, as the store does. */
const storedAll: Reply = (req, res) => {
  answer(res, 200, { stored: sentEvents(req).length, duplicates: 0 });
};

async function parser(to: string, token?: string): Promise<ParseService> {
  const s = await startParseService({
    host: '127.0.0.1',
    port: 0,
    to,
    token,
    parser: {},
    log: memoryLogger(),
  });
  services.push(s);
  return s;
}

afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.stop()));
  await closeReceivers();
});

const LINES = [
  '127.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET /a HTTP/1.1" 200 10 "-" "curl/8"',
  '10.0.0.2 - bob [10/Oct/2026:13:55:37 +0000] "POST /b HTTP/1.1" 503 12 "-" "curl/8"',
];

function raw(offset: number, line: string): RawEvent {
  return { source: '/logs/web.log', generation: 'fp1', offset, line, received_at: Date.UTC(2026, 9, 10) };
}

function rawBatch(lines: string[]): string {
  return `${[streamHeader('raw-events'), ...lines.map((l, i) => encodeRawEvent(raw(i * 100, l)))].join('\n')}\n`;
}

function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/api/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', ...headers },
    body,
  });
}

describe('parse service', () => {
  it('parses a raw-events batch, passes log events to the store and answers with its answer', async () => {
    const store = await receiver((_, res) => answer(res, 200, { stored: 2, duplicates: 0 }));
    const p = await parser(store.url);
    const res = await post(p.url, rawBatch(LINES));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ stored: 2, duplicates: 0 });

    expect(store.got).toHaveLength(1);
    const sent = store.got[0];
    expect(sent).toMatchObject({ method: 'POST', url: '/api/ingest' });
    // Encoded for the store's segments: no JSON to decode, no strings to encode again there.
    expect(sent.headers['content-type']).toBe(ROWS_MEDIA_TYPE);
    const events = sentEvents(sent);
    expect(events.map((e) => [e.format, e.fields.status, e.fields.path, e.level])).toEqual([
      ['apache_combined', 200, '/a', 'info'],
      ['apache_combined', 503, '/b', 'error'],
    ]);
    // Identity travels on, so the store can skip what it already holds.
    expect(events.map((e) => [e.source, e.generation, e.offset, e.raw])).toEqual([
      ['/logs/web.log', 'fp1', 0, LINES[0]],
      ['/logs/web.log', 'fp1', 100, LINES[1]],
    ]);
  });

  it('passes the store answer through as it is (duplicates included)', async () => {
    const store = await receiver((_, res) => answer(res, 200, { stored: 0, duplicates: 2 }));
    const p = await parser(store.url);
    const res = await post(p.url, rawBatch(LINES));
    expect(await res.json()).toEqual({ stored: 0, duplicates: 2 });
  });

  it('parses plain lines too', async () => {
    const store = await receiver(storedAll);
    const p = await parser(store.url);
    const res = await post(p.url, `${LINES.join('\n')}\n`);
    expect(await res.json()).toEqual({ stored: 2, duplicates: 0 });
    const events = sentEvents(store.got[0]);
    expect(events.map((e) => e.fields.status)).toEqual([200, 503]);
  });

  it('sends NDJSON log events once the store answers that it cannot take encoded rows', async () => {
    const store = await receiver((req, res) => {
      if (String(req.headers['content-type']).startsWith(ROWS_MEDIA_TYPE)) {
        answer(res, 415, { error: { type: 'request', message: 'cannot take rows' } });
      } else answer(res, 200, { stored: sentEvents(req).length, duplicates: 0 });
    });
    const p = await parser(store.url);
    expect(await (await post(p.url, rawBatch(LINES))).json()).toEqual({ stored: 2, duplicates: 0 });
    expect(await (await post(p.url, rawBatch(LINES.slice(1)))).json()).toEqual({ stored: 1, duplicates: 0 });
    // The first batch went again as NDJSON at once; the next went as NDJSON straight away.
    expect(store.got.map((g) => g.headers['content-type'])).toEqual([
      ROWS_MEDIA_TYPE,
      'application/x-ndjson',
      'application/x-ndjson',
    ]);
    const lines = store.got[1].body.split('\n').filter((l) => l !== '');
    expect(parseStreamHeader(lines[0])).toBe('log-events');
    expect(
      lines
        .slice(1)
        .map(decodeLogEvent)
        .map((e) => e.fields.path),
    ).toEqual(['/a', '/b']);
  });

  it('answers 503 when the store fails, once, leaving retries to the sender', async () => {
    const store = await receiver((_, res) =>
      answer(res, 503, { error: { type: 'storage', message: 'disk full' } }),
    );
    const p = await parser(store.url);
    const res = await post(p.url, rawBatch(LINES));
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('upstream');
    expect(body.error.message).toContain('disk full');
    expect(store.got).toHaveLength(1);
    expect(p.counters()).toMatchObject({ errors: 1, events_out: 0, queue_depth: 0 });
    expect(p.counters().last_error).toContain('disk full');
  });

  it('answers 503 when the store is not there', async () => {
    const store = await receiver(storedAll);
    const p = await parser(store.url);
    // The store goes away.
    await closeReceivers();
    const res = await post(p.url, rawBatch(LINES));
    expect(res.status).toBe(503);
  });

  it('answers 400 when the store refuses the batch', async () => {
    const store = await receiver((_, res) => answer(res, 400, { error: { type: 'request', message: 'no' } }));
    const p = await parser(store.url);
    const res = await post(p.url, rawBatch(LINES));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('no');
  });

  it('refuses a bad line with 400 naming it, sending nothing to the store', async () => {
    const store = await receiver(storedAll);
    const p = await parser(store.url);
    const body = `${streamHeader('raw-events')}\n${encodeRawEvent(raw(0, LINES[0]))}\n{"no_line":1}\n`;
    const res = await post(p.url, body);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { type: 'request', message: 'line 3: raw event without a string "line"' },
    });
    const notJson = await post(p.url, `${streamHeader('raw-events')}\n{oops\n`);
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { message: string } }).error.message).toMatch(/^line 2: /);
    expect(store.got).toHaveLength(0);
    expect(p.counters()).toMatchObject({ errors: 2, events_in: 0 });
  });

  it('proxies /api/committed to the store', async () => {
    const positions = [{ source: '/logs/web.log', generation: 'fp 1', offset: 100, raw: LINES[1] }];
    const store = await receiver((_, res) => answer(res, 200, { positions }));
    const p = await parser(store.url);
    const res = await fetch(`${p.url}/api/committed?fingerprint=${encodeURIComponent('fp 1')}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ positions });
    expect(store.got).toHaveLength(1);
    expect(store.got[0]).toMatchObject({ method: 'GET', url: '/api/committed?fingerprint=fp%201' });
  });

  it('answers /api/committed with 502 when the store fails it', async () => {
    const store = await receiver((_, res) => answer(res, 500, { error: { message: 'db locked' } }));
    const p = await parser(store.url);
    const res = await fetch(`${p.url}/api/committed?fingerprint=fp1`);
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('db locked');
  });

  it('requires the token from senders and passes it to the store', async () => {
    const store = await receiver((req, res) =>
      req.url.startsWith('/api/committed') ? answer(res, 200, { positions: [] }) : storedAll(req, res),
    );
    const p = await parser(store.url, 'tok');
    expect((await post(p.url, rawBatch(LINES))).status).toBe(401);
    expect((await fetch(`${p.url}/api/committed?fingerprint=f`)).status).toBe(401);
    expect(store.got).toHaveLength(0);
    const res = await post(p.url, rawBatch(LINES), { authorization: 'Bearer tok' });
    expect(res.status).toBe(200);
    const c = await fetch(`${p.url}/api/committed?fingerprint=f`, {
      headers: { authorization: 'Bearer tok' },
    });
    expect(c.status).toBe(200);
    expect(store.got.map((g) => g.headers.authorization)).toEqual(['Bearer tok', 'Bearer tok']);
    // The ops routes stay open.
    expect((await fetch(`${p.url}/healthz`)).status).toBe(200);
  });

  it('counts events and bytes in /status', async () => {
    const store = await receiver(storedAll);
    const p = await parser(store.url);
    const body = rawBatch(LINES);
    await post(p.url, body);
    await post(p.url, rawBatch(LINES.slice(0, 1)));
    const res = await fetch(`${p.url}/status`);
    const [s] = ((await res.json()) as { components: ComponentStatus[] }).components;
    expect(s).toMatchObject({
      component: 'parser',
      events_in: 3,
      events_out: 3,
      errors: 0,
      queue_depth: 0,
      pid: process.pid,
    });
    expect(s.bytes_in).toBe(Buffer.byteLength(body) + Buffer.byteLength(rawBatch(LINES.slice(0, 1))));
    expect(s.bytes_out).toBe(store.got.reduce((n, g) => n + g.bytes.length, 0));
    const metrics = await (await fetch(`${p.url}/metrics`)).text();
    expect(metrics.split('\n')).toContain('logpipe_events_in_total{component="parser"} 3');
  });

  it('counts events given their read time by format in /metrics', async () => {
    const store = await receiver(storedAll);
    const p = await parser(store.url);
    await post(p.url, rawBatch([...LINES, 'a line with no time', 'nor this one']));
    const metrics = await (await fetch(`${p.url}/metrics`)).text();
    expect(metrics.split('\n')).toContain(
      'logpipe_events_time_received_total{component="parser",format="unknown"} 2',
    );
  });

  it('answers 404 as JSON for an unknown route', async () => {
    const store = await receiver(storedAll);
    const p = await parser(store.url);
    const res = await fetch(`${p.url}/api/nothing`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { type: 'request', message: 'no route GET /api/nothing' } });
  });
});
