import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryError } from '../../src/core/errors.js';
import type { Fields, Level, LogEvent } from '../../src/core/events.js';
import type { StorageEngine } from '../../src/core/storage.js';
import { evaluateQuery, parseQuery, planQuery } from '../../src/query/index.js';
import { duckdbDialect } from '../../src/storage/duckdb/dialect.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';
import { tempDir } from '../helpers/cli.js';

const T0 = Date.UTC(2026, 0, 2, 3, 0, 0) * 1000; // µs

function ev(
  n: number,
  level: Level,
  service: string | null,
  message: string,
  fields: Fields,
  dtUs = n * 60_000_000,
): LogEvent {
  return {
    ts: T0 + dtUs,
    level,
    service,
    host: 'h1',
    source: '/var/log/app.log',
    generation: 'g1',
    offset: n * 100,
    format: 'json',
    message,
    fields,
    raw: `#${n} ${message}`,
  };
}

const EVENTS: LogEvent[] = [
  ev(0, 'info', 'api', 'GET /api/users ok', {
    status: 200,
    path: '/api/users',
    method: 'GET',
    latency_ms: 12,
    bytes: 512,
  }),
  ev(1, 'error', 'api', 'Connection reset by peer', {
    status: 502,
    path: '/api/orders',
    latency_ms: 950,
    user: 'bob',
  }),
  ev(2, 'warn', 'api', 'slow request', { status: 404, path: '/health', latency_ms: 300, bytes: 20480 }),
  ev(3, 'error', 'db', 'query timedout after 30s', { code: 42, user: 'alice', 'http.method': 'POST' }),
  ev(4, 'fatal', 'db', 'Timeout waiting for lock', { code: '42', retry_ms: 1500 }),
  ev(5, 'info', null, 'heartbeat 100% _ok_', {
    status: 500,
    path: '/api/health',
    latency_ms: 0.5,
    flag: true,
  }),
  ev(6, 'debug', 'web', 'cache miss key=a\\b', {
    status: 503,
    path: '/api/users/7',
    latency_ms: 250,
    user: 'bob',
  }),
  ev(7, 'info', 'web', 'rendered page', { status: 'n/a', code: 7 }),
  ev(
    8,
    'error',
    'web',
    'upstream TIMEOUT',
    { status: 504, path: '/api/orders', latency_ms: 4000 },
    7 * 60_000_000,
  ),
];

let store: StorageEngine;

beforeAll(async () => {
  store = await openDuckDbStore({ path: ':memory:' });
  await store.append(EVENTS);
});

afterAll(async () => {
  await store.close();
});

async function run(q: string, opts = {}) {
  const plan = planQuery(parseQuery(q), duckdbDialect, opts);
  return store.query(plan, { range: plan.range });
}

/** The event numbers a search returns, in result order. */
async function ids(q: string, opts = {}): Promise<number[]> {
  const r = await run(q, opts);
  return r.rows.map((row) => Number(/^#(\d+)/.exec(row.raw as string)![1]));
}

describe('store-backed search', () => {
  it('returns everything newest first, ties by offset descending', async () => {
    expect(await ids('*')).toEqual([8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(await ids('*', { limit: 2 })).toEqual([8, 7]);
  });

  it('returns the event columns as plain values', async () => {
    const r = await run('user:alice');
    expect(r.rows).toEqual([
      {
        ts: '2026-01-02T03:03:00.000000Z',
        level: 'error',
        service: 'db',
        host: 'h1',
        source: '/var/log/app.log',
        format: 'json',
        message: 'query timedout after 30s',
        status: null,
        method: null,
        path: null,
        bytes: null,
        latency_ms: null,
        client_ip: null,
        trace_id: null,
        protocol: null,
        referrer: null,
        user_agent: null,
        fields: { code: 42, user: 'alice', 'http.method': 'POST' },
        raw: '#3 query timedout after 30s',
      },
    ]);
  });

  it('matches free text and phrases case-insensitively in message and raw', async () => {
    expect(await ids('timeout')).toEqual([8, 4]);
    expect(await ids('"connection RESET"')).toEqual([1]);
    expect(await ids('#3')).toEqual([3]);
    expect(await ids('time*out')).toEqual([8, 4, 3]);
    expect(await ids('"100%"')).toEqual([5]);
    expect(await ids('"_ok_"')).toEqual([5]);
    expect(await ids('1_0')).toEqual([]);
    expect(await ids('"a\\\\b"')).toEqual([6]);
  });

  it('matches fields exactly, by wildcard and by number', async () => {
    expect(await ids('level:error service:api "connection reset"')).toEqual([1]);
    expect(await ids('service:API')).toEqual([]);
    expect(await ids('level:ERROR')).toEqual([8, 3, 1]);
    expect(await ids('status>=500 -path:/health path:/api/*')).toEqual([8, 6, 5, 1]);
    expect(await ids('status:5*')).toEqual([8, 6, 5, 1]);
    expect(await ids('code:42')).toEqual([4, 3]);
    expect(await ids('code:"42"')).toEqual([4, 3]);
    expect(await ids('code>10')).toEqual([3]);
    expect(await ids('code<10')).toEqual([7]);
    expect(await ids('http.method:POST')).toEqual([3]);
    expect(await ids('flag:true')).toEqual([5]);
    expect(await ids('fields.status:n/a')).toEqual([7]);
    await expect(run('status:n/a')).rejects.toThrow('expected a number after "status:"');
  });

  it('handles negation of missing values as not matching', async () => {
    expect(await ids('-user:bob')).toEqual([8, 7, 5, 4, 3, 2, 0]);
    expect(await ids('NOT status>=500')).toEqual([7, 4, 3, 2, 0]);
    expect(await ids('-service:api')).toEqual([8, 7, 6, 5, 4, 3]);
  });

  it('matches exists, regexes and OR', async () => {
    expect(await ids('user:*')).toEqual([6, 3, 1]);
    expect(await ids('(level:error OR level:fatal) message:/time(d)?out/')).toEqual([3]);
    expect(await ids('(level:error OR level:fatal) message:/time(d)?out/i')).toEqual([8, 4, 3]);
    expect(await ids('path:/^\\/api\\/users/')).toEqual([6, 0]);
    expect(await ids('user:/^b/')).toEqual([6, 1]);
    expect(await ids('status:/^50[0-3]$/')).toEqual([6, 5, 1]);
  });

  it('compares with units and times', async () => {
    expect(await ids('latency_ms>250ms')).toEqual([8, 2, 1]);
    expect(await ids('latency_ms>=0.25s')).toEqual([8, 6, 2, 1]);
    expect(await ids('retry_ms>1s')).toEqual([4]);
    expect(await ids('bytes>10KB')).toEqual([2]);
    expect(await ids('ts>=2026-01-02T03:06:00Z')).toEqual([8, 7, 6]);
    expect(await ids('ts:2026-01-02T03:06:00Z')).toEqual([6]);
  });

  it('pushes the time range down (from inclusive, to exclusive, µs precise)', async () => {
    expect(await ids('*', { fromUs: T0 + 2 * 60_000_000, toUs: T0 + 4 * 60_000_000 })).toEqual([3, 2]);
    expect(await ids('*', { fromUs: T0 + 2 * 60_000_000 + 1 })).toEqual([8, 7, 6, 5, 4, 3]);
  });

  it('returns rows sharing an identity once each', async () => {
    const twin = await openDuckDbStore({ path: ':memory:' });
    try {
      // Events without a generation cannot be recognised as duplicates: both are stored.
      const e = { ...ev(1, 'info', 'api', 'twin', {}), generation: '' };
      await twin.append([e, { ...e, message: 'twin 2' }]);
      const plan = planQuery(parseQuery('twin'), duckdbDialect);
      const r = await twin.query(plan, { range: plan.range });
      expect(r.rows.map((x) => x.message).sort()).toEqual(['twin', 'twin 2']);
    } finally {
      await twin.close();
    }
  });

  it('sorts and limits events', async () => {
    expect(await ids('status:* | sort status desc | limit 3')).toEqual([8, 6, 1]);
    // JSON numbers first, in numeric order; then text values; then events without the field.
    expect(await ids('* | sort code')).toEqual([7, 3, 4, 8, 6, 5, 2, 1, 0]);
    expect(await ids('* | limit 3 | sort latency_ms')).toEqual([6, 8, 7]);
  });
});

describe('store-backed pipes', () => {
  it('counts by a field, sorted and limited', async () => {
    const r = await run('status>=500 | count by path | sort count desc | limit 10');
    expect(r.rows).toEqual([
      { path: '/api/orders', count: 2 },
      { path: '/api/health', count: 1 },
      { path: '/api/users/7', count: 1 },
    ]);
    expect((await run('* | count')).rows).toEqual([{ count: 9 }]);
  });

  it('charts counts per time bucket', async () => {
    const r = await run('* | timechart 5m count by level');
    expect(r.columns).toEqual(['time', 'level', 'count']);
    expect(r.rows).toEqual([
      { time: '2026-01-02T03:00:00.000000Z', level: 'error', count: 2 },
      { time: '2026-01-02T03:00:00.000000Z', level: 'fatal', count: 1 },
      { time: '2026-01-02T03:00:00.000000Z', level: 'info', count: 1 },
      { time: '2026-01-02T03:00:00.000000Z', level: 'warn', count: 1 },
      { time: '2026-01-02T03:05:00.000000Z', level: 'debug', count: 1 },
      { time: '2026-01-02T03:05:00.000000Z', level: 'error', count: 1 },
      { time: '2026-01-02T03:05:00.000000Z', level: 'info', count: 2 },
    ]);
  });

  it('computes percentiles and counts by service', async () => {
    const r = await run('latency_ms>0 | stats p50(latency_ms), p99(latency_ms), count by service');
    expect(r.rows).toEqual([
      { service: 'api', 'p50(latency_ms)': 300, 'p99(latency_ms)': 300 + (950 - 300) * 0.98, count: 3 },
      { service: 'web', 'p50(latency_ms)': 2125, 'p99(latency_ms)': 250 + 3750 * 0.99, count: 2 },
      { service: null, 'p50(latency_ms)': 0.5, 'p99(latency_ms)': 0.5, count: 1 },
    ]);
  });

  it('computes every aggregate', async () => {
    const r = await run(
      '* | stats count, count(user), sum(bytes), avg(code), min(ts), max(code), distinct(user) as users, min(latency_ms)',
    );
    expect(r.rows).toEqual([
      {
        count: 9,
        'count(user)': 3,
        'sum(bytes)': 20992,
        'avg(code)': 24.5,
        'min(ts)': '2026-01-02T03:00:00.000000Z',
        'max(code)': 42,
        users: 2,
        'min(latency_ms)': 0.5,
      },
    ]);
  });

  it('finds the top values and projects fields', async () => {
    expect((await run('* | top 2 user')).rows).toEqual([
      { user: 'bob', count: 2 },
      { user: 'alice', count: 1 },
    ]);
    expect((await run('user:* | fields service, user | limit 2')).rows).toEqual([
      { service: 'web', user: 'bob' },
      { service: 'db', user: 'alice' },
    ]);
    expect((await run('* | count by service | fields count | sort count desc')).rows).toEqual([
      { count: 3 },
      { count: 3 },
      { count: 2 },
      { count: 1 },
    ]);
    expect((await run('* | count by service | stats sum(count) as total, max(count)')).rows).toEqual([
      { total: 9, 'max(count)': 3 },
    ]);
  });
});

describe('store-backed queries over sealed partitions', () => {
  it('answer like the reference evaluator when rows live in Parquet files', async () => {
    const sealed = await openDuckDbStore({
      path: join(tempDir(), 'store.duckdb'),
      partitionMs: 120_000,
      sealAfterMs: 0,
      now: () => Date.UTC(2027, 0, 1),
    });
    try {
      // Sealed in two passes: two partitions (a pass seals all it finds into one file).
      const half = Math.floor(EVENTS.length / 2);
      await sealed.append(EVENTS.slice(0, half));
      const first = await sealed.maintain();
      await sealed.append(EVENTS.slice(half));
      const second = await sealed.maintain();
      expect(first.sealed + second.sealed).toBeGreaterThan(1);
      const queries = [
        '*',
        'timeout',
        'user:bob',
        'code:42',
        'code>10',
        'status>=500 -path:/health path:/api/*',
        'ts>=2026-01-02T03:03:00Z ts<2026-01-02T03:06:00Z',
        'status>=500 | count by path | sort count desc | limit 10',
        '* | timechart 5m count by level',
        'latency_ms>0 | stats p50(latency_ms), p99(latency_ms), count by service',
        '* | top 2 user',
        '* | stats distinct(user), max(code), min(ts)',
      ];
      for (const q of queries) {
        const ast = parseQuery(q);
        for (const opts of [{}, { fromUs: T0 + 150_000_000, toUs: T0 + 400_000_000 }]) {
          const plan = planQuery(ast, duckdbDialect, opts);
          const got = await sealed.query(plan, { range: plan.range });
          expect(got.rows, q).toEqual(evaluateQuery(ast, EVENTS, opts).rows);
        }
      }
    } finally {
      await sealed.close();
    }
  });
});

describe('any text', () => {
  const pieces = [
    ...['status', 'path', 'user', 'ts', 'level', ':', '>', '>=', '<', '=', '*', '"', '(', ')', '|', ' ', '-'],
    ...['OR', 'AND', 'NOT', '/', '\\', 'count', 'by', 'stats', 'sum(', 'avg(', 'p50(', ',', 'top', '3'],
    ...[
      'sort',
      'desc',
      'limit',
      'fields',
      'timechart',
      '5m',
      'as',
      'x',
      '500',
      '10KB',
      '250ms',
      '2026-01-02',
    ],
    ...['error', "'", ';', 'é', '\n', '.', '@', '[', ']', '?', '+', '{', '}', '^', '$'],
  ];

  it('parses into an AST that runs, or fails with a positioned QueryError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...pieces), { maxLength: 14 }).map((a) => a.join('')),
        async (q) => {
          let ast: ReturnType<typeof parseQuery>;
          try {
            ast = parseQuery(q);
          } catch (err) {
            expect(err, q).toBeInstanceOf(QueryError);
            const e = err as QueryError;
            expect(e.position).toBeGreaterThanOrEqual(0);
            expect(e.position).toBeLessThanOrEqual(q.length);
            return;
          }
          const plan = planQuery(ast, duckdbDialect);
          expect(plan.sql.split('?').length - 1, q).toBe(plan.params.length);
          await store.query(plan, { range: plan.range });
        },
      ),
      { numRuns: 1500 },
    );
  });
});
