/**
 * The Elasticsearch bulk API (`POST /_bulk`, `POST /<index>/_bulk`) and the probes agents call at
 * start: what the official client's bulk helper sends arrives as events once each, ECS documents
 * map onto events, a request re-sent whole with ids is stored once, and bodies that are not a
 * bulk request are refused whole in Elasticsearch's error shape, storing nothing.
 */
import { gzipSync } from 'node:zlib';
import { Client } from '@elastic/elasticsearch';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/core/events.js';
import type { StorageEngine } from '../../src/core/storage.js';
import { parseIsoMicros } from '../../src/core/time.js';
import { createApp } from '../../src/server/app.js';
import { decodeBulk } from '../../src/server/elastic/bulk-decode.js';
import { type DocError, docToEvent, nestsDeeper, timeOf } from '../../src/server/elastic/ecs-events.js';
import { credentialsOk } from '../../src/server/elastic/routes.js';
import { type ServedApp, serveApp } from '../../src/server/serve.js';
import { stopGate } from '../../src/server/stop-gate.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';

const open: { served?: ServedApp; store: StorageEngine }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.served?.stop();
    await o.store.close();
  }
});

async function setup(opts: { token?: string; maxBodyBytes?: number; serve?: boolean; gate?: boolean } = {}) {
  const store = await openDuckDbStore({ path: ':memory:' });
  const gate = opts.gate ? stopGate() : undefined;
  const app = createApp({ store, token: opts.token, maxBodyBytes: opts.maxBodyBytes, gate });
  const served = opts.serve ? await serveApp(app, '127.0.0.1', 0, 'test') : undefined;
  open.push({ served, store });
  return { app, store, gate, url: served?.url ?? '' };
}

type Row = Record<string, unknown> & { fields: Record<string, unknown> };

async function events(app: ReturnType<typeof createApp>, q = '*'): Promise<Row[]> {
  const res = await app.request(
    `/api/query?${new URLSearchParams({ q, from: '2000-01-01', limit: '10000' })}`,
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { rows: Row[] }).rows;
}

function ndjson(...lines: unknown[]): string {
  return `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`;
}

function bulk(
  app: ReturnType<typeof createApp>,
  body: string | Buffer,
  headers: Record<string, string> = { 'content-type': 'application/x-ndjson' },
  path = '/_bulk',
) {
  return app.request(path, { method: 'POST', body, headers });
}

interface BulkAnswer {
  took: number;
  errors: boolean;
  items: Record<
    string,
    { _index: string; _id: string; status: number; result?: string; error?: { type: string; reason: string } }
  >[];
}

/** Checks an answer is Elasticsearch's bulk answer or its error shape, with the product header. */
async function expectEsShape(res: Response): Promise<BulkAnswer | null> {
  expect(res.headers.get('x-elastic-product')).toBe('Elasticsearch');
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status === 200) {
    expect(typeof body.took).toBe('number');
    expect(typeof body.errors).toBe('boolean');
    const items = body.items as BulkAnswer['items'];
    expect(Array.isArray(items)).toBe(true);
    let failed = false;
    for (const item of items) {
      const ops = Object.keys(item);
      expect(ops).toHaveLength(1);
      expect(['index', 'create', 'update', 'delete']).toContain(ops[0]);
      const a = item[ops[0]];
      expect(typeof a._index).toBe('string');
      expect(typeof a.status).toBe('number');
      if (a.status >= 300) {
        failed = true;
        expect(typeof a.error?.type).toBe('string');
        expect(typeof a.error?.reason).toBe('string');
      }
    }
    expect(body.errors).toBe(failed);
    return body as unknown as BulkAnswer;
  }
  expect(body.status).toBe(res.status);
  const error = body.error as { type: string; reason: string; root_cause: unknown[] };
  expect(typeof error.type).toBe('string');
  expect(typeof error.reason).toBe('string');
  expect(error.root_cause).toHaveLength(1);
  return null;
}

const T = Date.UTC(2026, 11, 1, 10); // 2026-12-01T10:00:00Z

/** A known set of ECS documents as a service's logs: every fourth carries an id. */
function knownDocs(n: number): { id?: string; doc: Record<string, unknown> }[] {
  return Array.from({ length: n }, (_, i) => ({
    id: i % 4 === 0 ? `doc-${i}` : undefined,
    doc: {
      '@timestamp': new Date(T + i * 1000).toISOString(),
      log: { level: ['info', 'WARNING', 'error', 'debug'][i % 4] },
      message: `request ${i} served ✓`,
      service: { name: `svc-${i % 3}` },
      host: { name: `web-${i % 2}` },
      trace: { id: i % 5 === 0 ? `4bf92f3577b34da6a3ce929d0e0e${String(i).padStart(4, '0')}` : undefined },
      http: { request: { method: i % 2 ? 'GET' : 'POST' }, response: { status_code: 200 + (i % 3) } },
      'user.id': `u-${i}`,
      tags: ['a', 'b'],
      seq: i,
    },
  }));
}

function expectKnown(rows: Row[], n: number): void {
  expect(rows).toHaveLength(n);
  const bySeq = new Map(rows.map((r) => [r.fields.seq, r]));
  expect(bySeq.size).toBe(n);
  for (let i = 0; i < n; i++) {
    const r = bySeq.get(i);
    expect(r, `doc ${i}`).toMatchObject({
      ts: new Date(T + i * 1000).toISOString().replace('Z', '000Z'),
      level: ['info', 'warn', 'error', 'debug'][i % 4],
      message: `request ${i} served ✓`,
      service: `svc-${i % 3}`,
      host: `web-${i % 2}`,
      source: 'elastic',
      format: 'elastic',
    });
    expect(r?.fields).toMatchObject({
      'http.request.method': i % 2 ? 'GET' : 'POST',
      'http.response.status_code': 200 + (i % 3),
      'user.id': `u-${i}`,
      tags: '["a","b"]',
      _index: 'app-logs',
    });
    if (i % 4 === 0) expect(r?.fields._id).toBe(`doc-${i}`);
    if (i % 5 === 0) expect(r?.trace_id).toBe(`4bf92f3577b34da6a3ce929d0e0e${String(i).padStart(4, '0')}`);
    if (i % 4 === 1) expect(r?.fields.level_raw).toBe('WARNING');
  }
}

describe('Elasticsearch bulk API through the official client', () => {
  it("stores every document of the client's bulk helper once, with its ECS fields mapped (plain and gzip)", async () => {
    const { app, url } = await setup({ serve: true });
    for (const compression of [false, true]) {
      const client = new Client({ node: url, compression });
      const info = await client.info();
      expect(info.version.number).toMatch(/^8\./);
      expect(info.tagline).toBe('You Know, for Search');
      const known = knownDocs(600).map((d, i) => ({
        ...d,
        doc: { ...d.doc, seq: i + (compression ? 600 : 0) },
      }));
      const ids = new Map<unknown, string | undefined>(known.map((d) => [d.doc, d.id]));
      const stats = await client.helpers.bulk<Record<string, unknown>>({
        datasource: known.map((d) => d.doc),
        flushBytes: 20_000, // several requests
        onDocument: (doc) => {
          const id = ids.get(doc);
          return id === undefined
            ? { create: { _index: 'app-logs' } }
            : { index: { _index: 'app-logs', _id: id } };
        },
        onDrop: (drop) => {
          throw new Error(`dropped: ${JSON.stringify(drop.error)}`);
        },
      });
      expect(stats).toMatchObject({ total: 600, successful: 600, failed: 0 });
      await client.close();
    }
    const rows = await events(app, 'source:elastic');
    expect(rows).toHaveLength(1200);
    const seq = (r: Row) => Number(r.fields.seq);
    expectKnown(
      rows.filter((r) => seq(r) < 600),
      600,
    );
    expectKnown(
      rows.filter((r) => seq(r) >= 600).map((r) => ({ ...r, fields: { ...r.fields, seq: seq(r) - 600 } })),
      600,
    );
  }, 60_000);

  it('takes the token as Bearer, ApiKey or a Basic password, and asks for it in Elasticsearch shape', async () => {
    const { app, url } = await setup({ serve: true, token: 's3cret' });
    const refused = await bulk(app, ndjson({ index: { _index: 'x' } }, { message: 'm' }));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/Basic/);
    expect((await expectEsShape(refused)) ?? null).toBeNull();
    for (const auth of [
      { bearer: 's3cret' },
      { apiKey: 's3cret' },
      { apiKey: Buffer.from('key-id:s3cret').toString('base64') },
      { username: 'fluent-bit', password: 's3cret' },
    ]) {
      const client = new Client({ node: url, auth: auth as never });
      const r = await client.bulk({
        operations: [{ index: { _index: 'auth' } }, { message: JSON.stringify(auth) }],
      });
      expect(r.errors, JSON.stringify(auth)).toBe(false);
      await client.close();
    }
    const wrong = new Client({ node: url, auth: { bearer: 'nope' } });
    await expect(wrong.info()).rejects.toMatchObject({ meta: { statusCode: 401 } });
    await wrong.close();
    const authed = await app.request(
      `/api/query?${new URLSearchParams({ q: 'source:elastic | count', from: '2000-01-01' })}`,
      {
        headers: { authorization: 'Bearer s3cret' },
      },
    );
    expect(((await authed.json()) as { rows: { count: number }[] }).rows[0].count).toBe(4);
    expect(credentialsOk('Basic Og==', 's3cret')).toBe(false);
    expect(credentialsOk('Token s3cret', 's3cret')).toBe(false);
  }, 60_000);
});

describe('Elasticsearch bulk API answers', () => {
  it('answers per item: bad documents, delete and update fail alone, the rest is stored', async () => {
    const { app } = await setup();
    const res = await bulk(
      app,
      ndjson(
        { index: {} },
        { message: 'first' },
        { create: { _index: 'other', _type: '_doc' } },
        'not json',
        { delete: { _id: '1' } },
        { update: { _id: '2' } },
        { doc: { a: 1 } },
        { index: { _index: 'Upper' } },
        { message: 'bad index name' },
        { create: {} },
        '[1,2]',
        { index: { _id: '' } },
        { message: 'empty id' },
        { create: {} },
        { message: 'last' },
      ),
      { 'content-type': 'application/json' },
      '/app/_bulk',
    );
    expect(res.status).toBe(200);
    const answer = (await expectEsShape(res)) as BulkAnswer;
    expect(answer.errors).toBe(true);
    expect(answer.items.map((it) => [Object.keys(it)[0], Object.values(it)[0].status])).toEqual([
      ['index', 201],
      ['create', 400],
      ['delete', 400],
      ['update', 400],
      ['index', 400],
      ['create', 400],
      ['index', 400],
      ['create', 201],
    ]);
    expect(answer.items[0].index).toMatchObject({ _index: 'app', result: 'created' });
    expect(answer.items[1].create.error?.type).toBe('document_parsing_exception');
    expect(answer.items[4].index.error?.type).toBe('invalid_index_name_exception');
    const rows = await events(app);
    expect(rows.map((r) => r.message).sort()).toEqual(['first', 'last']);
    // filter_path, as Filebeat and Logstash ask for it.
    const filtered = await bulk(
      app,
      ndjson({ index: {} }, { message: 'kept' }, { delete: { _id: '1' } }),
      { 'content-type': 'application/x-ndjson' },
      '/app/_bulk?filter_path=errors,items.*.error,items.*.status',
    );
    expect(await filtered.json()).toEqual({
      errors: true,
      items: [
        { index: { status: 201 } },
        {
          delete: {
            status: 400,
            error: {
              type: 'illegal_argument_exception',
              reason: 'logpipe keeps logs as they were sent: a delete action is not taken',
            },
          },
        },
      ],
    });
    const took = await bulk(
      app,
      ndjson({ index: {} }, { message: 'kept' }),
      undefined,
      '/app/_bulk?filter_path=took,**.result',
    );
    expect(Object.keys((await took.json()) as object).sort()).toEqual(['items', 'took']);
  });

  it("maps what each agent sends: Filebeat's, Logstash's, Fluent Bit's and Vector's bulk bodies", async () => {
    const { app } = await setup();
    const bodies: [string, string][] = [
      [
        'filebeat',
        ndjson(
          { create: { _index: 'filebeat-8.19.0' } },
          {
            '@timestamp': '2026-12-01T10:00:01.000Z',
            message: 'GET /cart 200',
            log: { offset: 120, file: { path: '/var/log/app.log' } },
            input: { type: 'filestream' },
            ecs: { version: '8.0.0' },
            host: { name: 'fb-host' },
            agent: { type: 'filebeat', version: '8.19.0' },
          },
        ),
      ],
      [
        'logstash',
        ndjson(
          { index: { _id: null, _index: 'logstash', routing: null, _type: '_doc' } },
          {
            '@timestamp': '2026-12-01T10:00:02.000Z',
            '@version': '1',
            message: 'from logstash',
            host: { hostname: 'ls-host' },
            level: 'WARN',
          },
        ),
      ],
      [
        'fluent-bit',
        ndjson(
          { create: { _index: 'fluent-bit', _type: '_doc' } },
          {
            '@timestamp': '2026-12-01T10:00:03.000Z',
            log: 'E1201 10:00:03 container line\n',
            stream: 'stderr',
          },
        ),
      ],
      [
        'vector',
        ndjson(
          { index: { _index: 'vector-2026.12.01' } },
          {
            timestamp: '2026-12-01T10:00:04.123456789Z',
            message: 'from vector',
            host: 'vec-host',
            source_type: 'file',
            file: '/var/log/v.log',
          },
        ),
      ],
    ];
    for (const [agent, body] of bodies) {
      const answer = (await expectEsShape(await bulk(app, body))) as BulkAnswer;
      expect(answer.errors, agent).toBe(false);
    }
    const rows = await events(app);
    const by = (index: string) => rows.find((r) => r.fields._index === index);
    expect(by('filebeat-8.19.0')).toMatchObject({
      message: 'GET /cart 200',
      host: 'fb-host',
      ts: '2026-12-01T10:00:01.000000Z',
    });
    expect(by('filebeat-8.19.0')?.fields).toMatchObject({
      'log.file.path': '/var/log/app.log',
      'log.offset': 120,
    });
    expect(by('logstash')).toMatchObject({ message: 'from logstash', host: 'ls-host', level: 'warn' });
    expect(by('fluent-bit')).toMatchObject({
      message: 'E1201 10:00:03 container line',
      ts: '2026-12-01T10:00:03.000000Z',
    });
    expect(by('fluent-bit')?.fields).toMatchObject({ stream: 'stderr' });
    expect(by('vector-2026.12.01')).toMatchObject({
      message: 'from vector',
      host: 'vec-host',
      ts: '2026-12-01T10:00:04.123456Z',
    });
    expect(by('vector-2026.12.01')?.fields).toMatchObject({ source_type: 'file', file: '/var/log/v.log' });
  });

  it('recognises a request re-sent whole with ids: stored once, answered as Elasticsearch answers a document it holds', async () => {
    const { app } = await setup();
    const body = ndjson(
      { index: { _index: 'logs', _id: 'a' } },
      { message: 'indexed a' },
      { create: { _index: 'logs', _id: 'b' } },
      { message: 'created b' },
      { create: { _index: 'logs' } },
      { message: 'no id' },
    );
    const first = (await expectEsShape(await bulk(app, body))) as BulkAnswer;
    expect(first.errors).toBe(false);
    const again = (await expectEsShape(await bulk(app, body))) as BulkAnswer;
    expect(again.items[0].index).toMatchObject({ status: 200, result: 'updated', _id: 'a' });
    expect(again.items[1].create).toMatchObject({ status: 409, _id: 'b' });
    expect(again.items[1].create.error?.type).toBe('version_conflict_engine_exception');
    expect(again.items[2].create).toMatchObject({ status: 201 });
    const rows = await events(app);
    const counts = new Map<unknown, number>();
    for (const r of rows) counts.set(r.message, (counts.get(r.message) ?? 0) + 1);
    // Without an id there is nothing to know a re-sent document by: stored again, as Elasticsearch does.
    expect(Object.fromEntries(counts)).toEqual({ 'indexed a': 1, 'created b': 1, 'no id': 2 });
    // The same ids with other content are other documents.
    const changed = body.replace('indexed a', 'indexed a, v2');
    expect(((await expectEsShape(await bulk(app, changed))) as BulkAnswer).items[1].create.status).toBe(201);
  });

  it('refuses bodies that are not a bulk request whole, in Elasticsearch shape, storing nothing', async () => {
    const { app } = await setup({ maxBodyBytes: 64 * 1024 });
    const good = ndjson({ index: { _index: 'x' } }, { message: 'ok' });
    const deep = `${'['.repeat(1000)}${']'.repeat(1000)}`;
    const deepObject = `${'{"a":'.repeat(1000)}1${'}'.repeat(1000)}`;
    const cases: [string, string | Buffer, Record<string, string>, number, RegExp][] = [
      [
        'wrong content type',
        good,
        { 'content-type': 'text/plain' },
        415,
        /Content-Type header \[text\/plain\]/,
      ],
      ['no content type', good, {}, 415, /Content-Type/],
      [
        'brotli',
        good,
        { 'content-type': 'application/x-ndjson', 'content-encoding': 'br' },
        415,
        /Content-Encoding/,
      ],
      [
        'truncated (no last newline)',
        good.slice(0, -3),
        { 'content-type': 'application/x-ndjson' },
        400,
        /terminated by a newline/,
      ],
      [
        'truncated in an action',
        '{"index":{"_ind',
        { 'content-type': 'application/x-ndjson' },
        400,
        /newline/,
      ],
      [
        'action without its document',
        `${good}{"create":{"_index":"x"}}\n`,
        { 'content-type': 'application/x-ndjson' },
        400,
        /no document line/,
      ],
      [
        'action line not JSON',
        `${good}{index\n{}\n`,
        { 'content-type': 'application/x-ndjson' },
        400,
        /Malformed action\/metadata line \[3\]/,
      ],
      [
        'unknown action',
        `{"upsert":{"_index":"x"}}\n{}\n`,
        { 'content-type': 'application/x-ndjson' },
        400,
        /expected one of \[create, delete, index, update\]/,
      ],
      [
        'two actions in a line',
        `{"index":{},"create":{}}\n{}\n`,
        { 'content-type': 'application/x-ndjson' },
        400,
        /expected one action/,
      ],
      ['no index', `{"index":{}}\n{}\n`, { 'content-type': 'application/x-ndjson' }, 400, /index is missing/],
      [
        '1,000-deep action line',
        `${deep}\n{}\n`,
        { 'content-type': 'application/x-ndjson' },
        400,
        /expected a JSON object/,
      ],
      [
        '1,000-deep action parameters',
        `{"index":${deepObject}}\n{}\n`,
        { 'content-type': 'application/x-ndjson' },
        400,
        /deeper nesting/,
      ],
      ['empty body', '', { 'content-type': 'application/x-ndjson' }, 400, /no requests added/],
      [
        'invalid UTF-8',
        Buffer.concat([
          Buffer.from('{"index":{"_index":"x"}}\n{"message":"'),
          Buffer.from([0xff, 0xfe]),
          Buffer.from('"}\n'),
        ]),
        { 'content-type': 'application/x-ndjson' },
        400,
        /not valid UTF-8/,
      ],
      [
        'not gzip',
        Buffer.from(good),
        { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
        400,
        /not valid gzip/,
      ],
      [
        'over the limit',
        `${good}${'{"index":{"_index":"x"}}\n{"message":"pad"}\n'.repeat(2000)}`,
        { 'content-type': 'application/x-ndjson' },
        413,
        /over 65536 bytes/,
      ],
      [
        'gzip bomb',
        gzipSync(`${good}${' '.repeat(8 * 1024 * 1024)}`),
        { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
        413,
        /inflates past/,
      ],
    ];
    for (const [what, body, headers, status, reason] of cases) {
      const res = await bulk(app, body, headers);
      expect(res.status, what).toBe(status);
      const text = await res.clone().text();
      expect(text, what).toMatch(reason);
      await expectEsShape(res);
    }
    expect(await events(app)).toEqual([]);
    // A chunked body over the limit (no declared length) is refused as it streams.
    const chunked = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 100; i++) controller.enqueue(new TextEncoder().encode(good.repeat(20)));
        controller.close();
      },
    });
    const streamed = await app.request('/_bulk', {
      method: 'POST',
      body: chunked,
      headers: { 'content-type': 'application/x-ndjson' },
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await events(app)).toEqual([]);
    // A 1,000-deep document fails its own item only.
    const res = await bulk(
      app,
      `${good}{"index":{"_index":"x"}}\n${deepObject}\n{"index":{"_index":"x"}}\n{"a":${deep}}\n`,
    );
    const answer = (await expectEsShape(res)) as BulkAnswer;
    expect(answer.items.map((it) => it.index.status)).toEqual([201, 400, 400]);
    expect(answer.items[1].index.error?.reason).toMatch(/depth \[20\]/);
    expect((await events(app)).map((r) => r.message)).toEqual(['ok']);
  });

  it('never fails on hostile bodies: every answer is a bulk answer or an Elasticsearch error (fuzz)', async () => {
    const { app } = await setup({ maxBodyBytes: 64 * 1024 });
    const pieces = [
      '{"index":{"_index":"f"}}',
      '{"create":{"_index":"f","_id":"1"}}',
      '{"delete":{"_index":"f","_id":"1"}}',
      '{"update":{"_index":"f","_id":"2"}}',
      '{"index":{}}',
      '{"message":"m","@timestamp":"2026-12-01T10:00:00Z","log":{"level":"warn"}}',
      '{"@timestamp":1e300,"host":"h"}',
      '{"@timestamp":"not a time"}',
      '{"__proto__":{"x":1},"constructor":"c"}',
      '{}',
      '[]',
      '"text"',
      '',
      '{',
      '\u0000',
      '{"a":{"b":{"c":[1,{"d":null}]}}}',
    ];
    const lines = fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 30 })), {
      maxLength: 12,
    });
    const body = fc.tuple(lines, fc.boolean()).map(([ls, newline]) => ls.join('\n') + (newline ? '\n' : ''));
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('/_bulk', '/f/_bulk'), async (text, path) => {
        const res = await bulk(app, text, { 'content-type': 'application/x-ndjson' }, path);
        expect([200, 400, 413]).toContain(res.status);
        await expectEsShape(res);
      }),
      { numRuns: 300 },
    );
    const bytes = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a));
    await fc.assert(
      fc.asyncProperty(bytes, fc.boolean(), async (b, gz) => {
        const res = await bulk(app, gz ? gzipSync(b) : b, {
          'content-type': 'application/x-ndjson',
          ...(gz ? { 'content-encoding': 'gzip' } : {}),
        });
        expect([200, 400, 413]).toContain(res.status);
        await expectEsShape(res);
      }),
      { numRuns: 300 },
    );
    // Still standing, and every query reads what it stored.
    const ok = await bulk(app, ndjson({ index: { _index: 'f' } }, { message: 'after the fuzz' }));
    expect(ok.status).toBe(200);
    expect((await events(app, '"after the fuzz"')).length).toBe(1);
  }, 120_000);
});

describe('Elasticsearch probes', () => {
  it('answers what agents ask at start, each with the product header; anything else a 404 in Elasticsearch shape', async () => {
    const { app } = await setup();
    const ok: [string, string, unknown?][] = [
      ['GET', '/'],
      ['HEAD', '/'],
      ['GET', '/_license'],
      ['GET', '/_xpack'],
      ['GET', '/_cluster/health'],
      ['GET', '/_nodes/http'],
      ['GET', '/_index_template/filebeat-8.19.0'],
      ['HEAD', '/_index_template/logstash'],
      ['PUT', '/_index_template/filebeat-8.19.0', { index_patterns: ['filebeat-*'] }],
      ['GET', '/_template/logstash'],
      ['PUT', '/_template/logstash', {}],
      ['GET', '/_ilm/policy/filebeat'],
      ['PUT', '/_ilm/policy/filebeat', { policy: {} }],
      ['GET', '/_ilm/status'],
      ['PUT', '/_ingest/pipeline/filebeat-nginx', { processors: [] }],
      ['HEAD', '/_alias/logstash'],
      ['PUT', '/logstash-2026.12.01-000001', { aliases: { logstash: {} } }],
      ['HEAD', '/logs-generic-default'],
    ];
    for (const [method, path, body] of ok) {
      const res = await app.request(path, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
      });
      expect(res.status, `${method} ${path}`).toBe(200);
      expect(res.headers.get('x-elastic-product'), `${method} ${path}`).toBe('Elasticsearch');
    }
    const root = (await (await app.request('/')).json()) as Record<string, Record<string, unknown>>;
    expect(root).toMatchObject({ cluster_name: 'logpipe', tagline: 'You Know, for Search' });
    expect(root.version.number).toMatch(/^8\.\d+\.\d+$/);
    const xpack = (await (await app.request('/_xpack')).json()) as {
      features: { ilm: { available: boolean } };
    };
    expect(xpack.features.ilm.available).toBe(true);
    const lic = (await (await app.request('/_license')).json()) as { license: { status: string } };
    expect(lic.license.status).toBe('active');
    for (const [path, type] of [
      ['/_search', 'resource_not_found_exception'],
      ['/_cat/indices', 'resource_not_found_exception'],
      ['/logs/_doc', 'index_not_found_exception'],
    ]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(404);
      const body = (await res.json()) as { error: { type: string }; status: number };
      expect(body).toMatchObject({ error: { type }, status: 404 });
      expect(res.headers.get('x-elastic-product')).toBe('Elasticsearch');
    }
    // logpipe's own routes are untouched, and a browser asking for / is not answered as an agent.
    expect((await app.request('/healthz')).status).toBe(200);
    expect(
      (await app.request('/', { headers: { accept: 'text/html' } })).headers.get('x-elastic-product'),
    ).toBeNull();
  });

  it('refuses with 503 once the process stops', async () => {
    const { app, gate } = await setup({ gate: true });
    await gate?.close();
    const res = await bulk(app, ndjson({ index: { _index: 'x' } }, { message: 'late' }));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    await expectEsShape(res);
  });
});

describe('ECS documents to events', () => {
  const place = { source: 'elastic', generation: 'g', offset: 0, index: 'i', id: null, nowMs: T };
  const map = (doc: unknown) => docToEvent(JSON.stringify(doc), place) as LogEvent;

  it('reads times as Elasticsearch does: RFC 3339, a date, epoch milliseconds as number or digits', () => {
    expect(timeOf('2026-12-01T10:00:00.123456789Z')).toBe(T * 1000 + 123456);
    expect(timeOf('2026-12-01T11:00:00+01:00')).toBe(T * 1000);
    expect(timeOf('2026-12-01T10:00:00')).toBe(T * 1000);
    expect(timeOf('2026-12-01')).toBe(Date.UTC(2026, 11, 1) * 1000);
    expect(timeOf(T)).toBe(T * 1000);
    expect(timeOf(T + 0.5)).toBe(T * 1000 + 500);
    expect(timeOf(String(T))).toBe(T * 1000);
    expect(timeOf('yesterday')).toBeNaN();
    expect(timeOf('2026-12-01T10:00:00.Z')).toBeNaN();
    expect(timeOf('2026-12-01T10:00:00Zjunk')).toBeNaN();
    // The in-place reading of the common form agrees with the general one.
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }),
        fc.constantFrom('Z', '+02:00', '-05:30', ''),
        fc.constantFrom('', '.1', '.123', '.123456789'),
        (date, zone, fraction) => {
          const text = `${date.toISOString().slice(0, 19)}${fraction}${zone}`;
          expect(timeOf(text)).toBe(parseIsoMicros(text));
        },
      ),
    );
    expect(map({ timestamp: '2026-12-01T10:00:00Z' }).ts).toBe(T * 1000);
    const bad = map({ '@timestamp': 'soon', message: 'm' });
    expect(bad.ts).toBe(T * 1000);
    expect(bad.fields).toMatchObject({ '@timestamp': 'soon', ts_source: 'received' });
    const far = map({ '@timestamp': '9999-12-31T23:59:59Z' });
    expect(far.fields).toMatchObject({ ts_out_of_range: true, ts_source: 'received' });
    expect(map({ message: 'no time' }).fields.ts_source).toBe('received');
  });

  it('takes level, message, service and host from their ECS keys first, the plain ones after', () => {
    const e = map({
      'log.level': 'ERR',
      level: 'info',
      message: 'm',
      msg: 'other',
      'service.name': 's',
      host: { hostname: 'hh' },
    });
    expect(e).toMatchObject({ level: 'error', message: 'm', service: 's', host: 'hh' });
    expect(e.fields).toMatchObject({ level: 'info', msg: 'other', level_raw: 'ERR' });
    expect(
      map({ level: 'warn', log: 'a container line\n', service: 'svc', host: 'plain-host' }),
    ).toMatchObject({
      level: 'warn',
      message: 'a container line',
      service: 'svc',
      host: 'plain-host',
    });
    expect(map({ host: { name: 'n', hostname: 'h' } })).toMatchObject({ host: 'n' });
    expect(map({ host: { name: 'n', hostname: 'h' } }).fields).toMatchObject({ 'host.hostname': 'h' });
    // No message: the document is the message, so a search still finds it.
    const bare = docToEvent('{"user":"alice","n":3}', place) as LogEvent;
    expect(bare.message).toBe('{"user":"alice","n":3}');
    expect(bare.fields).toMatchObject({ user: 'alice', n: 3, _index: 'i' });
    // A `__proto__` member is a field, not the fields' prototype.
    const proto = docToEvent('{"__proto__":{"polluted":1},"constructor":"c"}', place) as LogEvent;
    expect(proto.fields['__proto__.polluted']).toBe(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('fails a document that is not an object, or nests deeper than 20 levels', () => {
    for (const doc of ['', '  ', '[1]', '"s"', 'null', '{"a":', `${'{"a":'.repeat(21)}1${'}'.repeat(21)}`]) {
      const r = docToEvent(doc, place) as DocError;
      expect(r.type, doc).toBe('document_parsing_exception');
    }
    expect('ts' in docToEvent(`${'{"a":'.repeat(20)}1${'}'.repeat(20)}`, place)).toBe(true);
    // A long one is measured before it is parsed: 4 MB of nesting is refused at once.
    const huge = `{"a":${'['.repeat(2_000_000)}${']'.repeat(2_000_000)}}`;
    const t0 = performance.now();
    expect((docToEvent(huge, place) as DocError).reason).toMatch(/depth \[20\]/);
    expect(performance.now() - t0).toBeLessThan(2000);
    const padded = `{"s":"${'[{'.repeat(40_000)}\\"[","n":${'['.repeat(20)}1${']'.repeat(20)},"pad":"${'x'.repeat(70_000)}"}`;
    expect(nestsDeeper(padded, 20)).toBe(true);
    expect(nestsDeeper(padded.replace(`${'['.repeat(20)}1${']'.repeat(20)}`, '1'), 20)).toBe(false);
    expect('ts' in docToEvent(padded.replace(`${'['.repeat(20)}1${']'.repeat(20)}`, '[[1]]'), place)).toBe(
      true,
    );
  });

  it('decodes action lines: the URL index, CRLF, blank lines between pairs, one parse for a repeated action', () => {
    const items = decodeBulk(
      '{"index":{}}\r\n{"m":1}\r\n\n{"delete":{"_id":"7"}}\n{"create":{"_index":"b","_id":3}}\n{}\n',
      'a',
      10,
    );
    expect(items.map((i) => [i.op, i.index, i.id, i.doc])).toEqual([
      ['index', 'a', null, '{"m":1}'],
      ['delete', 'a', '7', null],
      ['create', 'b', '3', '{}'],
    ]);
    expect(() => decodeBulk('{"index":{}}\n{}\n'.repeat(3), 'a', 2)).toThrow(/at most 2 actions/);
  });
});
