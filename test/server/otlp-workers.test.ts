/**
 * OTLP bodies decoded on the API's worker threads (server/agent-rows-pool.ts) into an on-disk
 * store: every record of every request stored once in its request's order, the same answers for
 * bad bodies as on the HTTP thread, the counters of /status, and a worker that dies under a
 * request failing that request alone with 503 (the exporter retries) while the next one works.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { StorageEngine } from '../../src/core/storage.js';
import { type AgentRowsPool, createAgentRowsPool } from '../../src/server/agent-rows-pool.js';
import { createApp } from '../../src/server/app.js';
import { otlpTypes } from '../../src/server/otlp/logs-schema.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';
import { tempDir } from '../helpers/cli.js';

const open: { store: StorageEngine; pool: AgentRowsPool }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.pool.close();
    await o.store.close();
  }
});

async function setup(opts: { workerUrl?: URL; threads?: number; maxBodyBytes?: number } = {}) {
  const store = await openDuckDbStore({ path: `${tempDir('logpipe-otlp-workers-')}/logs.duckdb` });
  const pool = createAgentRowsPool({ threads: opts.threads ?? 2, workerUrl: opts.workerUrl });
  open.push({ store, pool });
  const app = createApp({ store, agentRowsPool: pool, maxBodyBytes: opts.maxBodyBytes });
  return { app, store };
}

type App = ReturnType<typeof createApp>;
type Row = Record<string, unknown>;

async function rows(app: App, q = '*'): Promise<Row[]> {
  const res = await app.request(
    `/api/query?${new URLSearchParams({ q: `${q} | sort offset asc`, from: '2000-01-01', limit: '10000' })}`,
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { rows: Row[] }).rows;
}

/** A protobuf export request of `n` records named `<tag>-<i>`, a resource per three records. */
function protobuf(tag: string, n: number): Buffer {
  const { request } = otlpTypes();
  const resourceLogs = [];
  for (let i = 0; i < n; i += 3) {
    resourceLogs.push({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: `svc-${i % 2}` } }] },
      scopeLogs: [
        {
          logRecords: Array.from({ length: Math.min(3, n - i) }, (_, k) => ({
            timeUnixNano: String(1_764_583_200_000_000_000n + BigInt(i + k) * 1_000_000n),
            severityNumber: 9,
            body: { stringValue: `${tag}-${i + k}` },
            attributes: [{ key: 'k', value: { intValue: i + k } }],
          })),
        },
      ],
    });
  }
  return Buffer.from(request.encode(request.fromObject({ resourceLogs })).finish());
}

function post(app: App, body: Buffer | string, type: string, encoding?: string): Promise<Response> {
  return Promise.resolve(
    app.request('/v1/logs', {
      method: 'POST',
      body,
      headers: { 'content-type': type, ...(encoding ? { 'content-encoding': encoding } : {}) },
    }),
  );
}

/** An error answer's message, protobuf `google.rpc.Status` or JSON. */
async function message(res: Response): Promise<string> {
  if (res.headers.get('content-type')?.startsWith('application/x-protobuf') === true) {
    const status = otlpTypes().status.decode(new Uint8Array(await res.arrayBuffer()));
    return String((status as unknown as { message: string }).message);
  }
  return String(((await res.json()) as { message: string }).message);
}

describe('OTLP bodies decoded on workers', () => {
  it('stores every record of requests in flight at once, each request in its order', async () => {
    const { app } = await setup();
    const tags = ['a', 'b', 'c', 'd', 'e', 'f'];
    const answers = await Promise.all(
      tags.map((t, k) =>
        k % 2 === 0
          ? post(app, protobuf(t, 500), 'application/x-protobuf')
          : post(app, gzipSync(protobuf(t, 500)), 'application/x-protobuf', 'gzip'),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual(tags.map(() => 200));
    const stored = await rows(app);
    expect(stored).toHaveLength(tags.length * 500);
    for (const t of tags) {
      const mine = stored.filter((r) => String(r.message).startsWith(`${t}-`));
      expect(mine.map((r) => r.message)).toEqual(Array.from({ length: 500 }, (_, i) => `${t}-${i}`));
      expect(mine.map((r) => r.offset)).toEqual(Array.from({ length: 500 }, (_, i) => i));
      expect(new Set(mine.map((r) => r.generation)).size).toBe(1);
      expect(mine[7]).toMatchObject({ service: 'svc-0', level: 'info', format: 'otlp', fields: { k: 7 } });
    }
    const status = (await (await app.request('/status')).json()) as {
      components: { events_in: number; events_out: number; bytes_in: number }[];
    };
    expect(status.components[0]).toMatchObject({ events_in: 3000, events_out: 3000 });
    expect(status.components[0].bytes_in).toBeGreaterThan(0);
  });

  it('answers a bad body as the HTTP thread does, storing nothing of it', async () => {
    const { app } = await setup({ maxBodyBytes: 64 * 1024 });
    const valid = protobuf('x', 20);
    const cases: [string, () => Promise<Response>, number, RegExp][] = [
      [
        'truncated protobuf',
        () => post(app, valid.subarray(0, valid.length - 7), 'application/x-protobuf'),
        400,
        /not a valid OTLP ExportLogsServiceRequest/,
      ],
      [
        'invalid UTF-8 JSON',
        () => post(app, Buffer.from([0x7b, 0xff, 0x7d]), 'application/json'),
        400,
        /UTF-8/,
      ],
      [
        'wrong JSON shape',
        () => post(app, JSON.stringify({ resourceLogs: [{ scopeLogs: 'no' }] }), 'application/json'),
        400,
        /resourceLogs\[0\]\.scopeLogs/,
      ],
      [
        'gzip bomb',
        () => post(app, gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20)), 'application/json', 'gzip'),
        413,
        /inflates past/,
      ],
      ['not gzip', () => post(app, valid, 'application/x-protobuf', 'gzip'), 400, /not valid gzip/],
      ['unknown encoding', () => post(app, '{}', 'application/json', 'br'), 415, /content encoding "br"/],
    ];
    for (const [what, send, status, text] of cases) {
      const res = await send();
      expect(res.status, what).toBe(status);
      expect(await message(res), what).toMatch(text);
    }
    // A record with a bad trace id is refused alone, named in the partial success.
    const partial = await post(
      app,
      JSON.stringify({
        resourceLogs: [
          {
            scopeLogs: [
              {
                logRecords: [
                  { body: { stringValue: 'kept' } },
                  { body: { stringValue: 'no' }, traceId: 'ab' },
                ],
              },
            ],
          },
        ],
      }),
      'application/json',
    );
    expect(partial.status).toBe(200);
    expect(await partial.json()).toMatchObject({ partialSuccess: { rejectedLogRecords: '1' } });
    expect((await rows(app)).map((r) => r.message)).toEqual(['kept']);
  });

  it('fails the request a worker died under with 503, and takes the next', async () => {
    const { app } = await setup({
      threads: 1,
      workerUrl: new URL('../fixtures/crashing-agent-worker.mjs', import.meta.url),
    });
    const crash = JSON.stringify({
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'CRASH-THE-WORKER' } }] }] }],
    });
    const [died, alongside] = await Promise.all([
      post(app, crash, 'application/json'),
      post(app, protobuf('along', 3), 'application/x-protobuf'),
    ]);
    expect(died.status).toBe(503);
    expect(died.headers.get('retry-after')).toBe('1');
    expect(await message(died)).toMatch(/could not be decoded now: the decode worker exited with code 3/);
    // The body queued behind it on the same worker failed with it: the exporter sends it again.
    expect([200, 503]).toContain(alongside.status);
    const next = await post(app, protobuf('next', 4), 'application/x-protobuf');
    expect(next.status).toBe(200);
    expect((await rows(app, 'next')).map((r) => r.message)).toEqual(['next-0', 'next-1', 'next-2', 'next-3']);
    expect((await rows(app, 'CRASH')).length).toBe(0);
  });

  it('never fails on hostile bodies: every answer is 200, 400, 413 or 415 (fuzz)', async () => {
    const { app } = await setup({ maxBodyBytes: 64 * 1024 });
    const seed = protobuf('f', 4);
    const bodies = fc.oneof(
      fc.uint8Array({ maxLength: 256 }).map((a) => Buffer.from(a)),
      fc
        .array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 })
        .map((edits) => {
          const b = Buffer.from(seed);
          for (const [at, v] of edits) b[at] = v;
          return b;
        }),
    );
    await fc.assert(
      fc.asyncProperty(
        bodies,
        fc.constantFrom('application/x-protobuf', 'application/json'),
        async (body, type) => {
          const res = await post(app, body, type);
          expect([200, 400, 413, 415]).toContain(res.status);
        },
      ),
      { numRuns: 150 },
    );
  });
});
