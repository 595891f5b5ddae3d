/**
 * Issue #27, §2 "Only logpipe's own components may speak its internal protocols": every decoder
 * checks everything before anything is stored. One segment-rows body with one byte of its
 * `fields` JSON changed was answered 200, and from then on every free-text and field query
 * failed ("Invalid JSON found in Parquet file"), for everyone, across restarts.
 *
 * Per decoder (segment rows, raw lines, NDJSON event streams and application logs, syslog
 * frames), thousands of valid bodies are mutated (bytes flipped, cut, inserted and deleted,
 * 32-bit length fields and header numbers changed, JSON escapes and broken UTF-8 put in) and read
 * by the decoder the ingest route uses. Each must end in a typed error (UserError: the route
 * answers 4xx naming it, which a sample of them checks over HTTP, nothing stored) or in events
 * that every query reads: what the decoders accept goes into a file store as the route puts it
 * there, a few dozen bodies an append, and after each append `* | count` (which must equal what
 * the store said it stored), a free-text search and field queries must answer. When they do not,
 * the bodies of that append are replayed one by one into fresh stores to name the one to blame.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { newFrameState, readFrames } from '../../src/collector/inputs/syslog-framing.js';
import { UserError } from '../../src/core/errors.js';
import type { LogEvent, RawEvent } from '../../src/core/events.js';
import { LINK_SECRET_HEADER } from '../../src/core/link-secret.js';
import { encodeLogEventMicros, encodeRawEvent, streamHeader } from '../../src/core/ndjson.js';
import { decodeRawLines, encodeRawLines, RAW_LINES_MEDIA_TYPE } from '../../src/core/raw-lines.js';
import type { WriteBatch } from '../../src/core/storage.js';
import { createParser } from '../../src/parser/index.js';
import { createApp } from '../../src/server/app.js';
import { decodeIngestBody } from '../../src/server/ingest.js';
import { requireComponent } from '../../src/server/link-auth.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';
import {
  addRawEvents,
  deserializeRows,
  type EncodedRows,
  eventRows,
  ROWS_MEDIA_TYPE,
  SEGMENT_ENCODING,
  serializeRows,
} from '../../src/storage/rows/index.js';
import { tempDir } from '../helpers/cli.js';

const SECRET = 'f'.repeat(64);

// ---- the store under attack --------------------------------------------------------------

type App = ReturnType<typeof createApp>;
type Store = Awaited<ReturnType<typeof openDuckDbStore>>;

const stores: Store[] = [];

async function openStore(): Promise<Store> {
  const store = await openDuckDbStore({
    path: join(tempDir('logpipe-fuzz-'), 'logs.duckdb'),
  });
  stores.push(store);
  return store;
}

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close().catch(() => {})));
});

/** What a decoder accepted, and how the ingest route adds it to a batch. */
interface Accepted {
  what: string;
  add(batch: WriteBatch): void;
}

async function query(app: App, q: string): Promise<Record<string, unknown>[]> {
  const res = await app.request(`/api/query?${new URLSearchParams({ q, limit: '5' })}`);
  const body = (await res.json()) as { rows: Record<string, unknown>[]; error?: { message: string } };
  if (res.status !== 200) throw new Error(`query "${q}" failed (${res.status}): ${body.error?.message}`);
  return body.rows;
}

/** Every kind of query answers, and the count is what the store said it stored. */
async function readable(app: App, stored: number): Promise<void> {
  const counted = await query(app, '* | count');
  const n = Number(Object.values(counted[0] ?? { n: 0 })[0]);
  if (n !== stored) throw new Error(`* | count gives ${n}, the store said it stored ${stored}`);
  await query(app, 'hello');
  await query(app, 'user:u1');
  await query(app, 'status>=500');
}

/**
 * A store taking what a decoder accepted, `every` bodies an append, each append followed by the
 * queries; `check()` appends what is left.
 */
function intake(every = 40) {
  let store: Store | null = null;
  let app: App | null = null;
  let stored = 0;
  let pending: Accepted[] = [];
  const counts = { accepted: 0, refused: 0, appends: 0 };
  const check = async (): Promise<void> => {
    if (pending.length === 0) return;
    store ??= await openStore();
    app ??= createApp({ store, linkSecret: SECRET });
    const these = pending;
    pending = [];
    const batch = store.batch();
    for (const a of these) a.add(batch);
    try {
      stored += (await store.append(batch)).stored;
      counts.appends++;
      await readable(app, stored);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${await blame(these)}`);
    }
  };
  return {
    counts,
    check,
    async accept(a: Accepted): Promise<void> {
      counts.accepted++;
      pending.push(a);
      if (pending.length >= every) await check();
    },
  };
}

/** Replays each accepted body alone into a fresh store: the first after which a query fails. */
async function blame(these: Accepted[]): Promise<string> {
  for (const a of these) {
    const store = await openStore();
    const app = createApp({ store, linkSecret: SECRET });
    try {
      const batch = store.batch();
      a.add(batch);
      const { stored } = await store.append(batch);
      await readable(app, stored);
    } catch (err) {
      return `to blame: ${a.what}\n  (${(err as Error).message})`;
    }
  }
  return 'no single body fails alone';
}

/** Decodes a body; a decoder may only throw UserError (the route's 4xx). */
function decoded<T>(decode: () => T): T | null {
  try {
    return decode();
  } catch (err) {
    if (err instanceof UserError) {
      expect(err.message).not.toContain('\n');
      return null;
    }
    throw err;
  }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('base64');

// ---- valid bodies ------------------------------------------------------------------------

const ACCESS = (i: number, status: number, user: string) =>
  `10.0.0.${i % 250} - ${user} [10/Oct/2026:13:55:${String(i % 60).padStart(2, '0')} +0200] "GET /p/${i}?q=hello HTTP/1.1" ${status} ${100 + i} "-" "curl/8"`;

const line: fc.Arbitrary<(i: number) => string> = fc
  .record({
    kind: fc.constantFrom('access', 'json', 'text'),
    status: fc.constantFrom(200, 404, 503),
    user: fc.constantFrom('u1', 'u2', 'bob'),
    text: fc.string({ unit: 'grapheme', maxLength: 12 }),
  })
  .map(({ kind, status, user, text }) => (i: number) => {
    if (kind === 'access') return ACCESS(i, status, user);
    if (kind === 'json')
      return JSON.stringify({
        ts: '2026-10-10T13:55:36.123Z',
        level: 'warn',
        msg: `hello ${text}`,
        user,
        n: i,
      });
    return `2026-10-10 13:55:36 ERROR hello ${text} user=${user}`;
  });

let generations = 0;

/** A batch of raw events, one new generation of one source (so nothing in it is a duplicate). */
const rawBatch: fc.Arbitrary<RawEvent[]> = fc.array(line, { minLength: 1, maxLength: 6 }).map((ls) => {
  const generation = `g${++generations}`;
  return ls.map((l, i) => ({
    source: '/var/log/app.log',
    generation,
    offset: i * 300,
    line: l(i),
    received_at: Date.UTC(2026, 9, 10),
  }));
});

const parser = createParser({ format: 'auto' });

function rowsBody(raws: RawEvent[]): Uint8Array {
  const rows = eventRows(raws.length);
  addRawEvents(rows, raws, parser);
  return Buffer.concat(serializeRows({ encoding: SEGMENT_ENCODING, count: raws.length, rows }));
}

// ---- mutations ---------------------------------------------------------------------------

/** Text that JSON and UTF-8 decoders trip on, inserted as bytes. */
const TOKENS: Uint8Array[] = [
  '\\ud800',
  '\\udc00x',
  '\\u0000',
  '\\x',
  '"',
  '\\',
  '{',
  '}',
  ',',
  ']',
  '1e400',
  'NaN',
  '\n',
  '\r\n',
  '\u0000',
  '\u0001',
  '\ud83d\ude00',
].map((s) => Buffer.from(s, 'utf8'));
const BYTES: Uint8Array[] = [
  Uint8Array.of(0xff),
  Uint8Array.of(0xc3),
  Uint8Array.of(0xed, 0xa0, 0x80),
  Uint8Array.of(0xe2, 0x82),
];

type Mutation =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'cut'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'int32'; at: number; value: number }
  | { kind: 'header'; at: number; value: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('flip' as const),
      at: fc.nat(),
      mask: fc.integer({ min: 1, max: 255 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      bytes: fc.oneof(fc.constantFrom(...TOKENS, ...BYTES), fc.uint8Array({ minLength: 1, maxLength: 6 })),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      at: fc.nat(),
      len: fc.integer({ min: 1, max: 12 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('int32' as const),
      at: fc.nat(),
      value: fc.oneof(
        fc.constantFrom(-2, -1, 0, 1, 2, 7, 2 ** 31 - 1, -(2 ** 31)),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('header' as const),
      at: fc.nat(),
      value: fc.oneof(fc.constantFrom(-1, 0, 1, 2, 1e7, 1e12), fc.integer({ min: -5, max: 5000 })),
    }),
  },
);

const mutations = fc.array(mutation, { minLength: 1, maxLength: 3 });

/** `body` with `m` applied; `binary` bodies also get their header's numbers and 32-bit fields changed. */
function mutate(body: Uint8Array, ms: Mutation[], binary: boolean): Buffer {
  let b: Buffer = Buffer.from(body);
  for (const m of ms) {
    const n = b.length;
    if (n === 0) break;
    const at = m.at % n;
    switch (m.kind) {
      case 'flip':
        b[at] ^= m.mask;
        break;
      case 'cut':
        b = b.subarray(0, at);
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(n, at + m.len))]);
        break;
      case 'int32': {
        // A length, count or index field: binary sections are runs of 32-bit numbers from 8 on.
        if (!binary || n < 12) b[at] ^= 0x80;
        else b.writeInt32LE(m.value, 8 + 4 * (at % ((n - 8) >> 2)));
        break;
      }
      case 'header':
        b = binary ? withHeaderNumber(b, m.at, m.value) : b;
        break;
    }
  }
  return b;
}

/** A binary body whose JSON header has one of its numbers replaced (its length kept right). */
function withHeaderNumber(b: Buffer, which: number, value: number): Buffer {
  if (b.length < 8) return b;
  const hlen = b.readUInt32LE(4);
  if (8 + hlen > b.length) return b;
  const text = b.toString('utf8', 8, 8 + hlen);
  const numbers = [...text.matchAll(/-?\d+/g)];
  if (numbers.length === 0) return b;
  const hit = numbers[which % numbers.length];
  const json = Buffer.from(
    `${text.slice(0, hit.index)}${value}${text.slice((hit.index ?? 0) + hit[0].length)}`,
    'utf8',
  );
  const pad = (x: number) => (x + 7) & ~7;
  const head = Buffer.alloc(pad(8 + json.length));
  b.copy(head, 0, 0, 4);
  head.writeUInt32LE(json.length, 4);
  json.copy(head, 8);
  return Buffer.concat([head, b.subarray(pad(8 + hlen))]);
}

// ---- the properties ----------------------------------------------------------------------

/** Bodies per decoder: with an append and the queries every few dozen accepted, < 60 s a file. */
const RUNS = 1500;

/** An HTTP store for samples: refused bodies must be answered 4xx there, accepted ones 200. */
function overHttp() {
  let store: Store | null = null;
  let app: App | null = null;
  let stored = 0;
  let refused = 0;
  let accepted = 0;
  const post = async (body: Uint8Array | string, contentType: string, asComponent: boolean) => {
    store ??= await openStore();
    app ??= createApp({ store, linkSecret: SECRET });
    const res = await app.request('/api/ingest', {
      method: 'POST',
      headers: { 'content-type': contentType, ...(asComponent ? { [LINK_SECRET_HEADER]: SECRET } : {}) },
      body,
    });
    return {
      status: res.status,
      answer: (await res.json()) as { stored?: number; error?: { message: string } },
    };
  };
  return {
    /** The first few refused bodies: a 4xx naming what is wrong, nothing stored. */
    async refused(body: Uint8Array | string, contentType: string, asComponent = true): Promise<void> {
      if (refused++ >= 8) return;
      const r = await post(body, contentType, asComponent);
      expect(r.status, JSON.stringify(r.answer)).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.answer.error?.message).toMatch(/\S/);
    },
    /** The first few accepted bodies: 200. */
    async accepted(body: Uint8Array | string, contentType: string, asComponent = true): Promise<void> {
      if (accepted++ >= 4) return;
      const r = await post(body, contentType, asComponent);
      expect(r.status, JSON.stringify(r.answer)).toBe(200);
      stored += r.answer.stored ?? 0;
    },
    /** Nothing refused was stored; every query reads what was accepted. */
    async check(): Promise<void> {
      if (app !== null) await readable(app, stored);
    },
  };
}

describe('decoders under mutation (issue #27 §2)', () => {
  it("a user's NDJSON log line with an escaped lone surrogate leaves every query readable", async () => {
    // Found by the NDJSON fuzz: the field was written as the escape \ud800, which DuckDB's JSON
    // reader refuses, failing every query over the segment for everyone.
    const store = await openStore();
    const app = createApp({ store, linkSecret: SECRET });
    const res = await app.request('/api/ingest', {
      method: 'POST',
      body: '{"level":"warn","msg":"hello","user":"u1","k\\udc00":"\\ud800"}\n',
    });
    expect(await res.json()).toEqual({ stored: 1, duplicates: 0 });
    await readable(app, 1);
  });

  it('segment rows: every mutated body is refused with a typed error or leaves every query readable', async () => {
    const into = intake();
    const http = overHttp();
    await fc.assert(
      fc.asyncProperty(rawBatch, mutations, async (raws, ms) => {
        const body = mutate(rowsBody(raws), ms, true);
        const rows: EncodedRows | null = decoded(() => deserializeRows(body));
        if (rows === null) {
          into.counts.refused++;
          await http.refused(body, ROWS_MEDIA_TYPE);
          return;
        }
        await http.accepted(body, ROWS_MEDIA_TYPE);
        await into.accept({ what: `segment rows, base64 ${hex(body)}`, add: (b) => b.add(rows) });
      }),
      // A poisoned store stays poisoned: shrinking against it would only repeat the failure.
      { numRuns: RUNS, endOnFailure: true },
    );
    await into.check();
    await http.check();
    expect(into.counts.refused).toBeGreaterThan(RUNS / 10);
    expect(into.counts.accepted).toBeGreaterThan(0);
  });

  it('raw lines: every mutated body is refused with a typed error or leaves every query readable', async () => {
    const into = intake();
    const http = overHttp();
    await fc.assert(
      fc.asyncProperty(rawBatch, mutations, async (raws, ms) => {
        const body = mutate(encodeRawLines(raws), ms, true);
        const lines: RawEvent[] | null = decoded(() => decodeRawLines(body));
        if (lines === null) {
          into.counts.refused++;
          await http.refused(body, RAW_LINES_MEDIA_TYPE);
          return;
        }
        await http.accepted(body, RAW_LINES_MEDIA_TYPE);
        await into.accept({
          what: `raw lines, base64 ${hex(body)}`,
          add: (b) => b.addRaw(lines, createParser({ format: 'auto' })),
        });
      }),
      // A poisoned store stays poisoned: shrinking against it would only repeat the failure.
      { numRuns: RUNS, endOnFailure: true },
    );
    await into.check();
    await http.check();
    expect(into.counts.refused).toBeGreaterThan(RUNS / 10);
    expect(into.counts.accepted).toBeGreaterThan(0);
  });

  it('NDJSON: event streams from components and application logs from anyone end in a typed error or readable events', async () => {
    const into = intake();
    const http = overHttp();
    const kinds = fc.constantFrom('raw-events', 'log-events', 'lines');
    await fc.assert(
      fc.asyncProperty(rawBatch, kinds, mutations, async (raws, kind, ms) => {
        let text: string;
        if (kind === 'raw-events')
          text = [streamHeader('raw-events'), ...raws.map(encodeRawEvent)].join('\n');
        else if (kind === 'log-events')
          text = [streamHeader('log-events'), ...parser(raws).map(encodeLogEventMicros)].join('\n');
        else text = raws.map((r) => r.line).join('\n');
        const body = mutate(Buffer.from(`${text}\n`), ms, false);
        // Application logs come from anyone: no link secret, so no stream either.
        const component = kind !== 'lines';
        const auth = component ? {} : { secret: SECRET };
        // As the route reads a text body: UTF-8, bad bytes replaced.
        const events: LogEvent[] | null = decoded(() =>
          decodeIngestBody(body.toString('utf8'), {
            requireComponent: (what) => requireComponent(auth, undefined, what),
          }),
        );
        if (events === null) {
          into.counts.refused++;
          await http.refused(body, 'application/x-ndjson', component);
          return;
        }
        await http.accepted(body, 'application/x-ndjson', component);
        await into.accept({ what: `NDJSON (${kind}), base64 ${hex(body)}`, add: (b) => b.add(events) });
      }),
      // A poisoned store stays poisoned: shrinking against it would only repeat the failure.
      { numRuns: RUNS, endOnFailure: true },
    );
    await into.check();
    await http.check();
    expect(into.counts.refused).toBeGreaterThan(0);
    expect(into.counts.accepted).toBeGreaterThan(0);
  });

  it('syslog frames: any mutated stream, in any chunks, gives messages within bounds that every query reads', async () => {
    const into = intake();
    const MAX = 200;
    const message = fc
      .record({
        rfc5424: fc.boolean(),
        text: fc.string({ unit: 'grapheme', maxLength: 30 }),
        octets: fc.boolean(),
      })
      .map(({ rfc5424, text, octets }) => {
        const m = rfc5424
          ? `<165>1 2026-10-11T22:14:15.003Z web1 app 42 ID47 - hello ${text}`
          : `<13>Oct 11 22:14:15 web1 app: hello ${text}`;
        return octets ? `${Buffer.byteLength(m)} ${m}` : `${m}\n`;
      });
    await fc.assert(
      fc.asyncProperty(
        fc.array(message, { minLength: 1, maxLength: 6 }),
        mutations,
        fc.array(fc.nat(), { maxLength: 4 }),
        async (frames, ms, cuts) => {
          const stream = mutate(Buffer.from(frames.join(''), 'utf8'), ms, false);
          const bounds = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const st = newFrameState();
          const lines: string[] = [];
          let from = 0;
          for (const to of [...bounds, stream.length]) {
            readFrames(st, Buffer.from(stream.subarray(from, to)), MAX, (buf, start, end, truncated) => {
              expect(start).toBeGreaterThanOrEqual(0);
              expect(end).toBeLessThanOrEqual(buf.length);
              expect(end - start).toBeLessThanOrEqual(MAX);
              expect(end - start === MAX || !truncated).toBe(true);
              // As the syslog input makes its lines.
              lines.push(buf.toString('utf8', start, end));
            });
            from = to;
          }
          if (lines.length === 0) return;
          const generation = `s${++generations}`;
          const raws = lines.map((line, i) => ({
            source: 'syslog:tcp:fuzz',
            generation,
            offset: i,
            line,
            received_at: Date.UTC(2026, 9, 11),
          }));
          // The collector sends them as raw lines: a body its own decoder takes back.
          const body = encodeRawLines(raws);
          expect(decodeRawLines(body)).toEqual(raws);
          await into.accept({
            what: `syslog stream, base64 ${hex(stream)}`,
            add: (b) => b.addRaw(raws, createParser({ format: 'auto' })),
          });
        },
      ),
      // A poisoned store stays poisoned: shrinking against it would only repeat the failure.
      { numRuns: RUNS, endOnFailure: true },
    );
    await into.check();
    expect(into.counts.accepted).toBeGreaterThan(0);
  });
});
