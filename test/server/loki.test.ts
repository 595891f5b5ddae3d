/**
 * The Loki push API (`POST /loki/api/v1/push`): snappy-compressed protobuf built from Loki's
 * `push.proto` and JSON, as Promtail, Alloy, Fluent Bit and Vector send them. Each line goes
 * through the parser, labels and structured metadata become fields, and bodies that are not a
 * valid push are refused with a line naming what is wrong, storing nothing.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import snappy from 'snappyjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { StorageEngine } from '../../src/core/storage.js';
import { createApp } from '../../src/server/app.js';
import { parseLabels } from '../../src/server/loki/labels.js';
import { pushRequestType } from '../../src/server/loki/push-schema.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';
import { hostilePushBodies, NGINX, protobufPush, T } from '../helpers/loki-pushes.js';

const stores: StorageEngine[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function setup(opts: { token?: string; maxBodyBytes?: number } = {}) {
  const store = await openDuckDbStore({ path: ':memory:' });
  stores.push(store);
  return createApp({ store, ...opts });
}

type Row = Record<string, unknown> & { fields: Record<string, unknown> };

async function events(app: ReturnType<typeof createApp>, q = '*'): Promise<Row[]> {
  const res = await app.request(
    `/api/query?${new URLSearchParams({ q, from: '2000-01-01', limit: '1000' })}`,
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { rows: Row[] }).rows;
}

function post(app: ReturnType<typeof createApp>, body: Buffer | string, headers: Record<string, string>) {
  return app.request('/loki/api/v1/push', { method: 'POST', body, headers });
}

describe('Loki push API', () => {
  it('stores a snappy protobuf push: lines parsed, labels and metadata as fields, the entry time for lines without one', async () => {
    const app = await setup();
    const body = protobufPush([
      {
        labels: '{job="nginx", host="web-1", env="prod"}',
        entries: [{ timestamp: { seconds: T + 1, nanos: 0 }, line: NGINX }],
      },
      {
        labels: '{service_name="checkout", level="warn"}',
        entries: [
          {
            timestamp: { seconds: T, nanos: 123_456_789 },
            line: 'cart total mismatch, retrying',
            structuredMetadata: [{ name: 'trace_id', value: '5b8efff798038103d269b633813fc60c' }],
          },
        ],
      },
    ]);
    const res = await post(app, body, { 'content-type': 'application/x-protobuf' });
    expect(res.status).toBe(204);
    const rows = await events(app);
    const access = rows.find((r) => r.format === 'apache_combined' || r.format === 'nginx_combined');
    expect(access).toMatchObject({ host: 'web-1', service: 'nginx', status: 503, path: '/cart' });
    expect(access?.ts).toBe('2025-12-01T10:00:01.000000Z');
    expect(access?.fields).toMatchObject({ job: 'nginx', env: 'prod' });
    const plain = rows.find((r) => r.message === 'cart total mismatch, retrying');
    expect(plain).toMatchObject({ service: 'checkout', level: 'warn', ts: '2025-12-01T10:00:00.123456Z' });
    expect(plain?.trace_id ?? plain?.fields.trace_id).toBe('5b8efff798038103d269b633813fc60c');
    expect(plain?.source).toBe('loki{level="warn", service_name="checkout"}');
  });

  it('stores a JSON push, plain and gzip', async () => {
    const app = await setup();
    const push = {
      streams: [
        {
          stream: { app: 'auth', hostname: 'idp-2' },
          values: [
            [`${T}000000000`, 'level=error msg="login failed" user=alice'],
            [`${T + 1}000000000`, 'a line with metadata', { region: 'eu' }],
          ],
        },
      ],
    };
    expect((await post(app, JSON.stringify(push), { 'content-type': 'application/json' })).status).toBe(204);
    const gz = gzipSync(
      JSON.stringify({ streams: [{ stream: { app: 'auth' }, values: [[`${T}000000000`, 'third']] }] }),
    );
    expect(
      (await post(app, gz, { 'content-type': 'application/json', 'content-encoding': 'gzip' })).status,
    ).toBe(204);
    const rows = await events(app);
    expect(rows).toHaveLength(3);
    const failed = rows.find((r) => r.message === 'login failed');
    expect(failed).toMatchObject({ level: 'error', service: 'auth', host: 'idp-2' });
    expect(failed?.fields).toMatchObject({ user: 'alice', app: 'auth' });
    expect(rows.find((r) => r.message === 'a line with metadata')?.fields).toMatchObject({ region: 'eu' });
  });

  it('refuses bodies that are not a push, naming what is wrong, storing nothing', async () => {
    const app = await setup({ maxBodyBytes: 64 * 1024 });
    const good = protobufPush([{ labels: '{job="x"}', entries: [{ line: 'hello' }] }]);
    const cases: [string, Buffer | string, Record<string, string>, number, RegExp][] = [
      ['text/plain', 'x', { 'content-type': 'text/plain' }, 415, /not a Loki push/],
      [
        'not snappy',
        Buffer.from('hello there'),
        { 'content-type': 'application/x-protobuf' },
        400,
        /snappy|PushRequest/,
      ],
      [
        'truncated protobuf',
        Buffer.from(
          snappy.compress(
            pushRequestType()
              .encode(
                pushRequestType().create({
                  streams: [{ labels: '{a="b"}', entries: [{ line: 'x'.repeat(50) }] }],
                }),
              )
              .finish()
              .subarray(0, 30),
          ),
        ),
        { 'content-type': 'application/x-protobuf' },
        400,
        /not a valid Loki PushRequest/,
      ],
      [
        'bad labels',
        protobufPush([{ labels: 'job=x', entries: [{ line: 'y' }] }]),
        { 'content-type': 'application/x-protobuf' },
        400,
        /streams\[0\]\.labels: not a label set: expected "\{"/,
      ],
      [
        'snappy bomb',
        Buffer.from(snappy.compress(Buffer.alloc(1024 * 1024, 0x41))),
        { 'content-type': 'application/x-protobuf' },
        413,
        /inflates past/,
      ],
      [
        'wrong JSON shape',
        JSON.stringify({ streams: [{ stream: { a: 'b' }, values: [[1, 'x']] }] }),
        { 'content-type': 'application/json' },
        400,
        /streams\[0\]\.values\[0\]\[0\]: expected unix nanoseconds/,
      ],
      [
        'invalid UTF-8',
        Buffer.from([0x7b, 0xff, 0x7d]),
        { 'content-type': 'application/json' },
        400,
        /not valid UTF-8/,
      ],
    ];
    for (const [what, body, headers, status, message] of cases) {
      const res = await post(app, body, headers);
      expect(res.status, what).toBe(status);
      expect(await res.text(), what).toMatch(message);
    }
    expect(await events(app)).toEqual([]);
    expect((await post(app, good, { 'content-type': 'application/x-protobuf' })).status).toBe(204);
  });

  it('asks for the bearer token when the API has one', async () => {
    const app = await setup({ token: 't0k' });
    const body = JSON.stringify({ streams: [] });
    expect((await post(app, body, { 'content-type': 'application/json' })).status).toBe(401);
    expect(
      (await post(app, body, { 'content-type': 'application/json', authorization: 'Bearer t0k' })).status,
    ).toBe(204);
  });

  it('reads label sets as Loki writes them, and refuses anything else by position', () => {
    expect(parseLabels('{a="1", b_2="x\\"y\\\\z\\n"}', 'l')).toEqual([
      ['a', '1'],
      ['b_2', 'x"y\\z\n'],
    ]);
    expect(parseLabels('{}', 'l')).toEqual([]);
    for (const bad of ['', '{', '{a}', '{a="1"', '{a="1",}x', '{1a="x"}', '{a="\\q"}', '{a="1"} extra']) {
      expect(() => parseLabels(bad, 'l'), bad).toThrow(/^l: not a label set: .* at character \d+$/);
    }
  });

  it('answers 400 at once for a 6-byte block that kept a snappy decoder in a loop forever', async () => {
    const app = await setup({ maxBodyBytes: 64 * 1024 });
    const res = await post(app, Buffer.from([10, 252, 0xfa, 0xff, 0xff, 0xff]), {
      'content-type': 'application/x-protobuf',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(
      /^the body is not snappy-compressed data \(a literal of 4294967291 bytes/,
    );
  });

  it('never fails on hostile bodies: every answer is 204, 400, 413 or 415 (fuzz)', async () => {
    const app = await setup({ maxBodyBytes: 64 * 1024 });
    const bodies = hostilePushBodies();
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const res = await post(app, body, { 'content-type': 'application/x-protobuf' });
        expect([204, 400, 413, 415]).toContain(res.status);
      }),
      { numRuns: 300 },
    );
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 5 }), async (v) => {
        const res = await post(app, JSON.stringify({ streams: [{ stream: { a: 'b' }, values: [v] }] }), {
          'content-type': 'application/json',
        });
        expect([204, 400]).toContain(res.status);
      }),
      { numRuns: 300 },
    );
  });
});
