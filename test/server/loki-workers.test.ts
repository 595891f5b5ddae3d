/**
 * Loki pushes decoded, parsed and encoded on the API's worker threads (server/agent-rows-pool.ts)
 * into an on-disk store: the same events as on the HTTP thread (formats detected per stream, a
 * stream's `format` label, the API's zone), the same answers for every body, hostile ones
 * included (fuzz), the counters of /status, and a worker that dies under a push failing that push
 * alone with 503 (the agent retries) while the next one works.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import snappy from 'snappyjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { StorageEngine } from '../../src/core/storage.js';
import { type AgentRowsPool, createAgentRowsPool } from '../../src/server/agent-rows-pool.js';
import { createApp } from '../../src/server/app.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';
import { tempDir } from '../helpers/cli.js';
import { hostilePushBodies, NGINX, protobufPush, T } from '../helpers/loki-pushes.js';

const stores: StorageEngine[] = [];
const pools: AgentRowsPool[] = [];
afterEach(async () => {
  for (const p of pools.splice(0)) await p.close();
  for (const s of stores.splice(0)) await s.close();
});

type App = ReturnType<typeof createApp>;
type Row = Record<string, unknown> & { fields: Record<string, unknown> };

const PARSER = {
  timezone: 'Europe/Berlin',
  patterns: [{ name: 'orders', regex: '^ORDER (?<order_id>\\d+) total=(?<total>\\d+)$' }],
};

/** An app over a fresh on-disk store, its pushes decoded on `threads` workers (0: on this thread). */
async function setup(threads: number, opts: { workerUrl?: URL; maxBodyBytes?: number } = {}): Promise<App> {
  const store = await openDuckDbStore({ path: `${tempDir('logpipe-loki-workers-')}/logs.duckdb` });
  stores.push(store);
  if (threads === 0) return createApp({ store, agentWorkers: 0, parser: PARSER, ...opts });
  const pool = createAgentRowsPool({ threads, workerUrl: opts.workerUrl });
  pools.push(pool);
  return createApp({ store, agentRowsPool: pool, parser: PARSER, maxBodyBytes: opts.maxBodyBytes });
}

async function events(app: App, q = '*'): Promise<Row[]> {
  const res = await app.request(
    `/api/query?${new URLSearchParams({ q, from: '2000-01-01', limit: '10000' })}`,
  );
  expect(res.status).toBe(200);
  // In one order whichever push committed first: by source, offset and message.
  const key = (r: Row) => `${r.source}\0${String(r.offset).padStart(8, '0')}\0${r.message}`;
  return ((await res.json()) as { rows: Row[] }).rows.sort((a, b) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0,
  );
}

/** What an event is, without the generation each request draws at random. */
const comparable = (rows: Row[]) => rows.map(({ generation: _, ...rest }) => rest);

function post(app: App, body: Buffer | string, headers: Record<string, string>): Promise<Response> {
  return Promise.resolve(app.request('/loki/api/v1/push', { method: 'POST', body, headers }));
}

const PB = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };

/** A push of every kind of line and label the mapping reads, `tag` in each message. */
function mixedPushes(tag: string): [Buffer | string, Record<string, string>][] {
  return [
    [
      protobufPush([
        {
          labels: '{job="nginx", host="web-1", env="prod"}',
          entries: [
            { timestamp: { seconds: T + 1, nanos: 0 }, line: NGINX },
            { timestamp: { seconds: T + 2, nanos: 5000 }, line: `plain text ${tag}` },
          ],
        },
        {
          labels: '{job="shop", format="orders"}',
          entries: [{ timestamp: { seconds: T + 4, nanos: 0 }, line: `ORDER 42 total=7` }],
        },
        {
          labels: '{service_name="checkout", level="warn", format="logfmt"}',
          entries: [
            {
              timestamp: { seconds: T, nanos: 123_456_789 },
              line: `msg="cart total mismatch ${tag}" user=bob`,
              structuredMetadata: [{ name: 'trace_id', value: '5b8efff798038103d269b633813fc60c' }],
            },
          ],
        },
      ]),
      PB,
    ],
    [
      JSON.stringify({
        streams: [
          {
            stream: { app: 'auth', hostname: 'idp-2' },
            values: [
              [`${T}000000000`, `level=error msg="login failed ${tag}" user=alice`],
              [`${T + 1}000000000`, `{"level":"info","msg":"json ${tag}","n":3}`, { region: 'eu' }],
              [`${T + 3}000000000`, `2025-12-01 11:00:04 local time, no zone ${tag}`],
            ],
          },
        ],
      }),
      JSON_TYPE,
    ],
    [
      gzipSync(
        JSON.stringify({ streams: [{ stream: { app: 'auth' }, values: [[`${T}000000000`, `gz ${tag}`]] }] }),
      ),
      { ...JSON_TYPE, 'content-encoding': 'gzip' },
    ],
  ];
}

describe('Loki pushes decoded on workers', () => {
  it('stores the same events as the HTTP thread does, every push of several in flight', async () => {
    const [inline, workers] = [await setup(0), await setup(2)];
    for (const app of [inline, workers]) {
      const answers = await Promise.all(
        ['a', 'b', 'c'].flatMap((tag) => mixedPushes(tag).map(([body, headers]) => post(app, body, headers))),
      );
      expect(answers.map((r) => r.status)).toEqual(answers.map(() => 204));
    }
    const [mine, theirs] = [await events(workers), await events(inline)];
    expect(mine).toHaveLength(3 * 8);
    expect(comparable(mine)).toEqual(comparable(theirs));
    const access = mine.find((r) => r.format === 'apache_combined' || r.format === 'nginx_combined');
    expect(access).toMatchObject({ host: 'web-1', service: 'nginx', status: 503, path: '/cart' });
    expect(mine.find((r) => String(r.message).startsWith('cart total mismatch'))).toMatchObject({
      format: 'logfmt',
      level: 'warn',
      service: 'checkout',
    });
    // The API's user patterns and zone reached the workers' parser.
    expect(mine.find((r) => r.format === 'orders')?.fields).toMatchObject({ order_id: '42', job: 'shop' });
    // A local time in Berlin is an hour ahead of UTC.
    const local = mine.find((r) => String(r.message).includes('no zone'));
    expect(local?.ts).toBe('2025-12-01T10:00:04.000000Z');
    const status = async (app: App) =>
      ((await (await app.request('/status')).json()) as { components: Record<string, unknown>[] })
        .components[0];
    const [s1, s2] = [await status(workers), await status(inline)];
    expect(s1).toMatchObject({ events_in: 24, events_out: 24, bytes_in: s2.bytes_in });
    expect(s1.time_received).toEqual(s2.time_received);
  });

  it('answers a bad body as the HTTP thread does, storing nothing of it', async () => {
    const [inline, workers] = [
      await setup(0, { maxBodyBytes: 64 * 1024 }),
      await setup(1, { maxBodyBytes: 64 * 1024 }),
    ];
    const cases: [string, Buffer | string, Record<string, string>][] = [
      ['text/plain', 'x', { 'content-type': 'text/plain' }],
      ['not snappy', Buffer.from('hello there'), PB],
      ['bad labels', protobufPush([{ labels: 'job=x', entries: [{ line: 'y' }] }]), PB],
      ['snappy bomb', Buffer.from(snappy.compress(Buffer.alloc(1024 * 1024, 0x41))), PB],
      ['gzip bomb', gzipSync(Buffer.alloc(1024 * 1024, 0x20)), { ...JSON_TYPE, 'content-encoding': 'gzip' }],
      ['not gzip', '{}', { ...JSON_TYPE, 'content-encoding': 'gzip' }],
      ['unknown encoding', '{}', { ...JSON_TYPE, 'content-encoding': 'br' }],
      [
        'wrong JSON shape',
        JSON.stringify({ streams: [{ stream: { a: 'b' }, values: [[1, 'x']] }] }),
        JSON_TYPE,
      ],
      ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), JSON_TYPE],
    ];
    for (const [what, body, headers] of cases) {
      const [a, b] = [await post(workers, body, headers), await post(inline, body, headers)];
      expect(a.status, what).toBe(b.status);
      expect(a.status, what).not.toBe(204);
      expect(await a.text(), what).toBe(await b.text());
    }
    expect(await events(workers)).toEqual([]);
  });

  it('fails the push a worker died under with 503, and takes the next', async () => {
    const app = await setup(1, {
      workerUrl: new URL('../fixtures/crashing-agent-worker.mjs', import.meta.url),
    });
    const crash = JSON.stringify({
      streams: [{ stream: { app: 'x' }, values: [[`${T}000000000`, 'CRASH-THE-WORKER']] }],
    });
    const died = await post(app, crash, JSON_TYPE);
    expect(died.status).toBe(503);
    expect(died.headers.get('retry-after')).toBe('1');
    expect(await died.text()).toMatch(/could not be decoded now: the decode worker exited with code 3/);
    const next = protobufPush([
      {
        labels: '{job="n"}',
        entries: [
          { timestamp: { seconds: T, nanos: 0 }, line: 'next-0' },
          { timestamp: { seconds: T, nanos: 0 }, line: 'next-1' },
        ],
      },
    ]);
    expect((await post(app, next, PB)).status).toBe(204);
    expect((await events(app)).map((r) => r.message)).toEqual(['next-0', 'next-1']);
  });

  it('answers hostile bodies exactly as the HTTP thread does (fuzz)', async () => {
    const [inline, workers] = [
      await setup(0, { maxBodyBytes: 64 * 1024 }),
      await setup(1, { maxBodyBytes: 64 * 1024 }),
    ];
    const protobufBodies = hostilePushBodies();
    const same = async (body: Buffer | string, headers: Record<string, string>) => {
      const [a, b] = [await post(workers, body, headers), await post(inline, body, headers)];
      expect([204, 400, 413, 415]).toContain(a.status);
      expect(a.status).toBe(b.status);
      expect(await a.text()).toBe(await b.text());
    };
    await fc.assert(
      fc.asyncProperty(protobufBodies, (body) => same(body, PB)),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 5 }), (v) =>
        same(JSON.stringify({ streams: [{ stream: { a: 'b' }, values: [v] }] }), JSON_TYPE),
      ),
      { numRuns: 150 },
    );
    expect(comparable(await events(workers))).toEqual(comparable(await events(inline)));
  });
});
