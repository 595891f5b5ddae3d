/**
 * OTLP logs over HTTP (`POST /v1/logs`): what OpenTelemetry's own SDK exporters send arrives as
 * events (protobuf and JSON, plain and gzip), and bodies that are not a valid request are
 * refused with the status and message the OTLP specification asks for, storing nothing.
 */
import { gzipSync } from 'node:zlib';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as JsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { StorageEngine } from '../../src/core/storage.js';
import { createApp } from '../../src/server/app.js';
import { otlpLogsToEvents } from '../../src/server/otlp/logs-events.js';
import { otlpTypes } from '../../src/server/otlp/logs-schema.js';
import { type ServedApp, serveApp } from '../../src/server/serve.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';

const open: { served?: ServedApp; store: StorageEngine }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.served?.stop();
    await o.store.close();
  }
});

async function setup(opts: { token?: string; maxBodyBytes?: number; serve?: boolean } = {}) {
  const store = await openDuckDbStore({ path: ':memory:' });
  const app = createApp({ store, token: opts.token, maxBodyBytes: opts.maxBodyBytes });
  const served = opts.serve ? await serveApp(app, '127.0.0.1', 0, 'test') : undefined;
  open.push({ served, store });
  return { app, store, url: served?.url ?? '' };
}

type Row = Record<string, unknown>;

async function events(app: ReturnType<typeof createApp>, q = '*'): Promise<Row[]> {
  const res = await app.request(
    `/api/query?${new URLSearchParams({ q, from: '2000-01-01', limit: '1000' })}`,
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { rows: Row[] }).rows;
}

/** Emits three records through the SDK with `exporter`, as an instrumented service would. */
async function emitWithSdk(exporter: LogRecordExporter): Promise<void> {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({
      'service.name': 'checkout',
      'host.name': 'web-1',
      'deployment.env': 'prod',
    }),
    processors: [new BatchLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('shop.payments', '1.2.3');
  const at = new Date('2026-12-01T10:00:00.123000Z');
  logger.emit({
    timestamp: at,
    severityNumber: SeverityNumber.ERROR,
    severityText: 'ERROR',
    body: 'payment declined: card expired ✗',
    attributes: { 'http.status_code': 402, 'user.id': 'u-17', retry: false, ratio: 0.5 },
  });
  logger.emit({ timestamp: at, severityNumber: SeverityNumber.WARN2, body: 'slow upstream' });
  logger.emit({ timestamp: at, body: { event: 'cart', items: 3 } });
  await provider.forceFlush();
  await provider.shutdown();
}

function expectSdkRecords(rows: Row[]): void {
  expect(rows).toHaveLength(3);
  const byMessage = new Map(rows.map((r) => [String(r.message), r]));
  const declined = byMessage.get('payment declined: card expired ✗');
  expect(declined).toMatchObject({
    service: 'checkout',
    host: 'web-1',
    level: 'error',
    format: 'otlp',
  });
  expect(declined?.ts).toBe('2026-12-01T10:00:00.123000Z');
  expect(declined?.fields).toMatchObject({
    'http.status_code': 402,
    'user.id': 'u-17',
    retry: false,
    ratio: 0.5,
    'deployment.env': 'prod',
    'scope.name': 'shop.payments',
    'scope.version': '1.2.3',
    severity_text: 'ERROR',
  });
  expect(byMessage.get('slow upstream')).toMatchObject({ level: 'warn', service: 'checkout' });
  expect(rows.some((r) => String(r.message).includes('"items":3'))).toBe(true);
}

describe('OTLP logs over HTTP', () => {
  it('stores what the SDK sends as protobuf, gzip-compressed', async () => {
    const { app, url } = await setup({ serve: true });
    await emitWithSdk(new ProtoExporter({ url: `${url}/v1/logs`, compression: CompressionAlgorithm.GZIP }));
    expectSdkRecords(await events(app));
  });

  it('stores what the SDK sends as JSON', async () => {
    const { app, url } = await setup({ serve: true });
    await emitWithSdk(new JsonExporter({ url: `${url}/v1/logs` }));
    expectSdkRecords(await events(app));
  });

  it('asks for the bearer token when the API has one', async () => {
    const { app } = await setup({ token: 's3cret' });
    const body = JSON.stringify({ resourceLogs: [] });
    const headers = { 'content-type': 'application/json' };
    expect((await app.request('/v1/logs', { method: 'POST', body, headers })).status).toBe(401);
    const ok = await app.request('/v1/logs', {
      method: 'POST',
      body,
      headers: { ...headers, authorization: 'Bearer s3cret' },
    });
    expect(ok.status).toBe(200);
  });

  it('maps trace and span ids to hex, and severities to levels', async () => {
    const { app } = await setup();
    const res = await post(app, {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: '1764583200000000000',
                  severityNumber: 21,
                  body: { stringValue: 'fatal one' },
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: 'eee19b7ec3c1b174',
                },
                {
                  observedTimeUnixNano: '1764583200000000000',
                  severityNumber: 5,
                  body: { stringValue: 'dbg' },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(res.status).toBe(200);
    const rows = await events(app);
    const fatal = rows.find((r) => r.message === 'fatal one');
    expect(fatal).toMatchObject({
      level: 'fatal',
      trace_id: '5b8efff798038103d269b633813fc60c',
      fields: { span_id: 'eee19b7ec3c1b174' },
      ts: '2025-12-01T10:00:00.000000Z',
    });
    expect(rows.find((r) => r.message === 'dbg')).toMatchObject({ level: 'debug' });

    // The same ids as protobuf bytes.
    const { request } = otlpTypes();
    const bytes = request
      .encode(
        request.create({
          resourceLogs: [
            {
              scopeLogs: [
                {
                  logRecords: [
                    {
                      timeUnixNano: 1764583200000000000,
                      body: { stringValue: 'as protobuf' },
                      traceId: Buffer.from('5b8efff798038103d269b633813fc60c', 'hex'),
                      spanId: Buffer.from('eee19b7ec3c1b174', 'hex'),
                    },
                  ],
                },
              ],
            },
          ],
        }),
      )
      .finish();
    const pb = await app.request('/v1/logs', {
      method: 'POST',
      body: Buffer.from(bytes),
      headers: { 'content-type': 'application/x-protobuf' },
    });
    expect(pb.status).toBe(200);
    expect(
      (await events(app, 'trace_id:5b8efff798038103d269b633813fc60c')).map((r) => r.message).sort(),
    ).toEqual(['as protobuf', 'fatal one']);
  });

  it('names records it could not take in a partial success, storing the rest', async () => {
    const { app } = await setup();
    const res = await post(app, {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                { body: { stringValue: 'kept' } },
                { body: { stringValue: 'bad id' }, traceId: 'abc' },
              ],
            },
          ],
        },
      ],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      partialSuccess: { rejectedLogRecords: string; errorMessage: string };
    };
    expect(body.partialSuccess.rejectedLogRecords).toBe('1');
    expect(body.partialSuccess.errorMessage).toMatch(/traceId/);
    expect((await events(app)).map((r) => r.message)).toEqual(['kept']);
  });

  it('refuses bodies that are not OTLP, naming what is wrong, storing nothing', async () => {
    const { app } = await setup({ maxBodyBytes: 64 * 1024 });
    const valid = otlpTypes()
      .request.encode(
        otlpTypes().request.create({
          resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'x'.repeat(100) } }] }] }],
        }),
      )
      .finish();
    const cases: [string, RequestInit, number, RegExp][] = [
      [
        'text/plain',
        { body: 'hello', headers: { 'content-type': 'text/plain' } },
        415,
        /content type "text\/plain"/,
      ],
      [
        'truncated protobuf',
        {
          body: Buffer.from(valid.subarray(0, valid.length - 20)),
          headers: { 'content-type': 'application/x-protobuf' },
        },
        400,
        /not a valid OTLP ExportLogsServiceRequest/,
      ],
      [
        'invalid UTF-8 JSON',
        { body: Buffer.from([0x7b, 0xff, 0x7d]), headers: { 'content-type': 'application/json' } },
        400,
        /not valid UTF-8/,
      ],
      [
        'wrong JSON shape',
        {
          body: JSON.stringify({ resourceLogs: [{ scopeLogs: 'no' }] }),
          headers: { 'content-type': 'application/json' },
        },
        400,
        /resourceLogs\[0\]\.scopeLogs/,
      ],
      [
        'values nested 1,000 deep',
        {
          body: `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${nested(1000)}}]}]}]}`,
          headers: { 'content-type': 'application/json' },
        },
        400,
        /nest deeper than 32 levels/,
      ],
      [
        'gzip bomb',
        {
          body: gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20)),
          headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        },
        413,
        /inflates past/,
      ],
      [
        'unknown encoding',
        { body: '{}', headers: { 'content-type': 'application/json', 'content-encoding': 'br' } },
        415,
        /content encoding "br"/,
      ],
    ];
    for (const [what, init, status, message] of cases) {
      const res = await app.request('/v1/logs', { method: 'POST', ...init });
      expect(res.status, what).toBe(status);
      const text =
        res.headers.get('content-type')?.startsWith('application/x-protobuf') === true
          ? String(
              (
                otlpTypes().status.decode(new Uint8Array(await res.arrayBuffer())) as unknown as {
                  message: string;
                }
              ).message,
            )
          : String(((await res.json()) as { message: string }).message);
      expect(text, what).toMatch(message);
    }
    expect(await events(app)).toEqual([]);
  });

  it('turns protobuf nanoseconds into microseconds exactly', () => {
    const { request } = otlpTypes();
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }), (ns) => {
        const bytes = request
          .encode(
            request.create({
              resourceLogs: [
                {
                  scopeLogs: [{ logRecords: [{ timeUnixNano: ns.toString(), body: { stringValue: 'x' } }] }],
                },
              ],
            }),
          )
          .finish();
        const [e] = otlpLogsToEvents(request.decode(bytes), {
          source: 's',
          generation: 'g',
          nowMs: 0,
        }).events;
        const us = ns / 1000n;
        if (us === 0n) expect(e.fields.ts_source).toBe('received');
        else if (us > BigInt(Number.MAX_SAFE_INTEGER)) expect(e.fields.ts_out_of_range).toBe(true);
        else expect(BigInt(e.ts)).toBe(us);
      }),
      { numRuns: 2000 },
    );
  });

  it('never fails on hostile bodies: every answer is 200, 400, 413 or 415 (fuzz)', async () => {
    const { app } = await setup({ maxBodyBytes: 64 * 1024 });
    const seed = otlpTypes()
      .request.encode(
        otlpTypes().request.create({
          resourceLogs: [
            {
              resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
              scopeLogs: [
                {
                  logRecords: [
                    {
                      timeUnixNano: 1764583200000000000,
                      severityNumber: 9,
                      body: { kvlistValue: { values: [{ key: 'a', value: { intValue: 1 } }] } },
                      attributes: [{ key: 'k', value: { arrayValue: { values: [{ boolValue: true }] } } }],
                    },
                  ],
                },
              ],
            },
          ],
        }),
      )
      .finish();
    const mutated = fc
      .array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 })
      .map((edits) => {
        const b = Buffer.from(seed);
        for (const [at, v] of edits) b[at] = v;
        return b;
      });
    const bodies = fc.oneof(
      fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)),
      mutated,
    );
    await fc.assert(
      fc.asyncProperty(
        bodies,
        fc.constantFrom('application/x-protobuf', 'application/json'),
        async (body, type) => {
          const res = await app.request('/v1/logs', {
            method: 'POST',
            body,
            headers: { 'content-type': type },
          });
          expect([200, 400, 413, 415]).toContain(res.status);
        },
      ),
      { numRuns: 300 },
    );
    const json = fc
      .jsonValue({ maxDepth: 6 })
      .map((v) => ({ resourceLogs: [{ scopeLogs: [{ logRecords: [v] }] }] }));
    await fc.assert(
      fc.asyncProperty(json, async (v) => {
        const res = await post(app, v);
        expect([200, 400]).toContain(res.status);
      }),
      { numRuns: 300 },
    );
  });
});

function post(app: ReturnType<typeof createApp>, body: unknown): Promise<Response> {
  return Promise.resolve(
    app.request('/v1/logs', {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    }),
  );
}

/** An AnyValue of lists nested `depth` deep, as JSON text (too deep for JSON.stringify). */
function nested(depth: number): string {
  return `${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"x"}${']}}'.repeat(depth)}`;
}
