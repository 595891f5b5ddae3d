/**
 * Elasticsearch bulk bodies decoded and encoded on the API's worker threads
 * (server/agent-rows-pool.ts), the items' answers coming back beside the rows, into an on-disk
 * store: the same answers and events as on the HTTP thread (items that fail alone, ids, a request
 * re-sent whole, filter_path), the same refusals for every body, hostile ones included (fuzz),
 * and a worker that dies under a request failing that request alone with 503 in Elasticsearch's
 * shape while the next one works.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { StorageEngine } from '../../src/core/storage.js';
import { type AgentRowsPool, createAgentRowsPool } from '../../src/server/agent-rows-pool.js';
import { createApp } from '../../src/server/app.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';
import { tempDir } from '../helpers/cli.js';

const stores: StorageEngine[] = [];
const pools: AgentRowsPool[] = [];
afterEach(async () => {
  for (const p of pools.splice(0)) await p.close();
  for (const s of stores.splice(0)) await s.close();
});

type App = ReturnType<typeof createApp>;
type Row = Record<string, unknown> & { fields: Record<string, unknown> };

/** An app over a fresh on-disk store, its bodies decoded on `threads` workers (0: on this thread). */
async function setup(threads: number, opts: { workerUrl?: URL; maxBodyBytes?: number } = {}): Promise<App> {
  const store = await openDuckDbStore({ path: `${tempDir('logpipe-elastic-workers-')}/logs.duckdb` });
  stores.push(store);
  if (threads === 0) return createApp({ store, agentWorkers: 0, ...opts });
  const pool = createAgentRowsPool({ threads, workerUrl: opts.workerUrl });
  pools.push(pool);
  return createApp({ store, agentRowsPool: pool, maxBodyBytes: opts.maxBodyBytes });
}

async function events(app: App): Promise<Row[]> {
  const res = await app.request(
    `/api/query?${new URLSearchParams({ q: '*', from: '2000-01-01', limit: '10000' })}`,
  );
  expect(res.status).toBe(200);
  const key = (r: Row) => `${r.message}\0${JSON.stringify(r.fields)}`;
  return ((await res.json()) as { rows: Row[] }).rows.sort((a, b) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0,
  );
}

/** What an event is, without what each request draws at random (its generation, ids made for it). */
const comparable = (rows: Row[]) =>
  rows.map(({ generation, fields, ...rest }) => {
    const { _id, ...kept } = fields;
    return {
      ...rest,
      fields: kept,
      idGeneration: String(generation).startsWith('es-id-') ? generation : null,
    };
  });

function ndjson(...lines: unknown[]): string {
  return `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`;
}

const NDJSON = { 'content-type': 'application/x-ndjson' };

function bulk(app: App, body: string | Buffer, headers: Record<string, string> = NDJSON, path = '/_bulk') {
  return Promise.resolve(app.request(path, { method: 'POST', body, headers }));
}

/** An answer as text, `took` (the time it took) and the ids made for documents without one aside. */
async function answerText(res: Response): Promise<string> {
  expect(res.headers.get('x-elastic-product')).toBe('Elasticsearch');
  const text = await res.text();
  return text
    .replace(/"took":\d+/, '"took":0')
    .replace(/"_id":"[A-Za-z0-9_-]{12}[0-9a-z]{4}"/g, '"_id":"made"');
}

const DOCS = ndjson(
  { create: { _index: 'logs-app-default' } },
  {
    '@timestamp': '2025-12-01T10:00:00Z',
    message: 'first',
    log: { level: 'warn' },
    service: { name: 'api' },
  },
  { index: { _index: 'logs-app-default', _id: 'a1' } },
  { '@timestamp': 1764583201000, message: 'with id', host: { name: 'web-1' }, http: { status: 503 } },
  { create: { _index: 'logs-app-default' } },
  '"not an object"',
  { delete: { _index: 'logs-app-default', _id: 'x' } },
  { update: { _index: 'logs-app-default', _id: 'y' } },
  { doc: { a: 1 } },
  { create: { _index: 'logs-app-default', _id: 'b2' } },
  { '@timestamp': '2025-12-01T10:00:02Z', message: 'second with id', labels: { env: 'prod' } },
);

describe('Elasticsearch bulk bodies decoded on workers', () => {
  it('answers and stores as the HTTP thread does: items failing alone, ids, a request re-sent whole, filter_path', async () => {
    const [inline, workers] = [await setup(0), await setup(2)];
    const sends: [string | Buffer, Record<string, string>, string][] = [
      [DOCS, NDJSON, '/_bulk'],
      // The same request again: its documents with ids are recognised, answered 200 / 409.
      [DOCS, NDJSON, '/_bulk'],
      [
        gzipSync(ndjson({ index: {} }, { '@timestamp': '2025-12-01T10:00:03Z', message: 'gz' })),
        { ...NDJSON, 'content-encoding': 'gzip' },
        '/logs-gz/_bulk',
      ],
      [DOCS, NDJSON, '/_bulk?filter_path=errors,items.*.error,items.*.status'],
    ];
    for (const [body, headers, path] of sends) {
      const [a, b] = [await bulk(workers, body, headers, path), await bulk(inline, body, headers, path)];
      expect(a.status, path).toBe(200);
      expect(b.status, path).toBe(200);
      expect(await answerText(a), path).toBe(await answerText(b));
    }
    const [mine, theirs] = [await events(workers), await events(inline)];
    // Three documents of DOCS stored on the first send, the id-less one on each of the others, and gz.
    expect(mine).toHaveLength(3 + 1 + 1 + 1);
    expect(comparable(mine)).toEqual(comparable(theirs));
    expect(mine.find((r) => r.message === 'with id')).toMatchObject({ host: 'web-1' });
  });

  it('refuses a body as the HTTP thread does, in Elasticsearch shape, storing nothing of it', async () => {
    const [inline, workers] = [
      await setup(0, { maxBodyBytes: 64 * 1024 }),
      await setup(1, { maxBodyBytes: 64 * 1024 }),
    ];
    const cases: [string, string | Buffer, Record<string, string>][] = [
      ['text/plain', DOCS, { 'content-type': 'text/plain' }],
      ['no actions', '\n\n', NDJSON],
      ['an action without its document', ndjson({ index: { _index: 'x' } }).trimEnd(), NDJSON],
      ['not an action', ndjson({ nope: {} }, { a: 1 }), NDJSON],
      ['gzip bomb', gzipSync(Buffer.alloc(1024 * 1024, 0x20)), { ...NDJSON, 'content-encoding': 'gzip' }],
      ['not gzip', DOCS, { ...NDJSON, 'content-encoding': 'gzip' }],
      ['unknown encoding', DOCS, { ...NDJSON, 'content-encoding': 'br' }],
      [
        'invalid UTF-8',
        Buffer.concat([
          Buffer.from('{"index":{"_index":"x"}}\n{"m":"'),
          Buffer.from([0xff]),
          Buffer.from('"}\n'),
        ]),
        NDJSON,
      ],
      ['over the limit', 'x'.repeat(70 * 1024), NDJSON],
    ];
    for (const [what, body, headers] of cases) {
      const [a, b] = [await bulk(workers, body, headers), await bulk(inline, body, headers)];
      expect(a.status, what).toBe(b.status);
      expect(a.status, what).not.toBe(200);
      expect(await answerText(a), what).toBe(await answerText(b));
    }
    expect(await events(workers)).toEqual([]);
  });

  it('fails the request a worker died under with 503 in Elasticsearch shape, and takes the next', async () => {
    const app = await setup(1, {
      workerUrl: new URL('../fixtures/crashing-agent-worker.mjs', import.meta.url),
    });
    const died = await bulk(app, ndjson({ index: { _index: 'x' } }, { message: 'CRASH-THE-WORKER' }));
    expect(died.status).toBe(503);
    expect(died.headers.get('retry-after')).toBe('1');
    const body = (await died.json()) as { error: { type: string; reason: string } };
    expect(body.error.type).toBe('unavailable_shards_exception');
    expect(body.error.reason).toMatch(/could not be decoded now: the decode worker exited with code 3/);
    const next = await bulk(
      app,
      ndjson({ index: { _index: 'x' } }, { '@timestamp': '2025-12-01T10:00:00Z', message: 'next' }),
    );
    expect(next.status).toBe(200);
    expect((await events(app)).map((r) => r.message)).toEqual(['next']);
  });

  it('answers hostile bodies exactly as the HTTP thread does (fuzz)', async () => {
    const [inline, workers] = [
      await setup(0, { maxBodyBytes: 64 * 1024 }),
      await setup(1, { maxBodyBytes: 64 * 1024 }),
    ];
    const seed = Buffer.from(DOCS);
    const mutated = fc
      .array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 })
      .map((edits) => {
        const b = Buffer.from(seed);
        for (const [at, v] of edits) b[at] = v;
        return b;
      });
    const lines = fc
      .array(
        fc.oneof(
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
          fc.constant('{"index":{"_index":"f"}}'),
        ),
        {
          maxLength: 8,
        },
      )
      .map((ls) => `${ls.join('\n')}\n`);
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, lines), async (body) => {
        const [a, b] = [await bulk(workers, body), await bulk(inline, body)];
        expect([200, 400, 413, 415]).toContain(a.status);
        expect(a.status).toBe(b.status);
        expect(await answerText(a)).toBe(await answerText(b));
      }),
      { numRuns: 150 },
    );
  });
});
