import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fields, Level, LogEvent } from '../../src/core/events.js';
import { LEVELS } from '../../src/core/events.js';
import { formatMicros } from '../../src/core/time.js';
import { evaluateQuery, eventMatcher } from '../../src/query/evaluate.js';
import { parseQuery, planQuery } from '../../src/query/index.js';
import { duckdbDialect } from '../../src/storage/duckdb/dialect.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';

const T0 = Date.UTC(2026, 0, 2, 3, 0, 0) * 1000;

// ---- random events -----------------------------------------------------------------------------

const WORDS = [
  'Timeout',
  'timeout',
  'connection reset',
  'GET /api/users',
  'ERROR',
  'ok',
  '50%_done',
  'a*b',
  'Café',
  'x_y',
];
const PATHS = ['/api/users', '/api/orders', '/health', '/api/users/7', '/'];
const USERS = ['bob', 'alice', 'Bob', '42'];

const fieldsArb: fc.Arbitrary<Fields> = fc.record(
  {
    status: fc.oneof(fc.constantFrom(200, 201, 404, 500, 502, 503, 504), fc.constant('n/a')),
    path: fc.constantFrom(...PATHS),
    latency_ms: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.constantFrom(0.5, 12.5, 250.25)),
    bytes: fc.integer({ min: 0, max: 50_000 }),
    user: fc.constantFrom(...USERS),
    code: fc.oneof(fc.integer({ min: -5, max: 50 }), fc.constantFrom('42', '7', 'x')),
    flag: fc.boolean(),
    'http.method': fc.constantFrom('GET', 'POST'),
  },
  { requiredKeys: [] },
);

const eventArb = fc.record({
  dt: fc.integer({ min: 0, max: 3_600_000_000 }),
  tie: fc.boolean(),
  level: fc.constantFrom(...(LEVELS as readonly Level[])),
  service: fc.constantFrom('api', 'db', 'web', null),
  source: fc.constantFrom('a.log', 'b.log'),
  generation: fc.constantFrom('g1', 'g2'),
  message: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }).map((w) => w.join(' ')),
  rawPrefix: fc.constantFrom('', 'ts=1 ', 'ZZ '),
  fields: fieldsArb,
});

const eventsArb = fc.array(eventArb, { minLength: 0, maxLength: 30 }).map((list) =>
  list.map(
    (e, i): LogEvent => ({
      // Some events share a timestamp, so the tie-breakers matter.
      ts: T0 + (e.tie ? 60_000_000 : e.dt),
      level: e.level,
      service: e.service,
      host: 'h',
      source: e.source,
      generation: e.generation,
      offset: i * 10,
      format: 'json',
      message: e.message,
      fields: e.fields,
      raw: `${e.rawPrefix}${e.message}`,
    }),
  ),
);

// ---- random queries ----------------------------------------------------------------------------

const term: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'timeout',
    'TIMEOUT',
    '"connection reset"',
    'time*',
    '*out',
    '"50%_done"',
    'a*b',
    '"a*b"',
    'café',
    '"ts=1"',
    'zz',
    '*',
  ),
  fc.constantFrom(
    'level:error',
    'level:WARN',
    'level:e*',
    'service:api',
    'service:API',
    'service:*',
    'host:h',
  ),
  fc.constantFrom(
    'status:500',
    'status=500',
    'status != 500',
    'status >= 500',
    'status:5*',
    'status>=500',
    'status:>=500',
    'code:<7',
    'status<300',
    'status:*',
    'fields.status:n/a',
    'status:/^50[0-3]$/',
  ),
  fc.constantFrom('path:/api/*', 'path:"/api/*"', 'path:/health', 'path:/^\\/api/', 'path:*'),
  fc.constantFrom(
    'latency_ms>250ms',
    'latency_ms<=0.5',
    'latency_ms>=1s',
    'latency_ms:12.5',
    'latency_ms:2*',
  ),
  fc.constantFrom('bytes>10KB', 'bytes<1KB', 'user:bob', 'user:*', 'user:B*', 'user:42', 'user:/^b/i'),
  fc.constantFrom(
    'code:42',
    'code>10',
    'code<=0',
    'code:"7"',
    'code:*',
    'flag:true',
    'flag:false',
    'http.method:GET',
  ),
  fc.constantFrom('message:/[Tt]imeout/', 'message:/time(d)?out/i', '/reset$/', 'source:a.log'),
  fc.integer({ min: 0, max: 3600 }).map((s) => `ts>=${formatMicros(T0 + s * 1_000_000)}`),
  fc.integer({ min: 0, max: 3600 }).map((s) => `ts<${formatMicros(T0 + s * 1_000_000)}`),
);

const { expr } = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    term,
    fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `${a} ${b}`),
    fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `(${a} OR ${b})`),
    tie('expr').map((a) => `-${a.startsWith('-') ? `(${a})` : a}`),
    tie('expr').map((a) => `NOT (${a})`),
  ),
}));

const BY = ['level', 'service', 'path', 'user', 'status', 'code', 'flag'];
const NUM = ['latency_ms', 'bytes', 'status', 'code'];
const aggArb = fc.oneof(
  fc.constant('count'),
  fc.constantFrom(...BY).map((f) => `count(${f})`),
  fc.constantFrom(...BY).map((f) => `distinct(${f})`),
  fc.constantFrom(...NUM).map((f) => `sum(${f})`),
  fc.constantFrom(...NUM).map((f) => `avg(${f})`),
  fc.constantFrom(...NUM, 'ts', 'path', 'service', 'message').map((f) => `min(${f})`),
  fc.constantFrom(...NUM, 'ts', 'path', 'service', 'message').map((f) => `max(${f})`),
  fc.tuple(fc.constantFrom(50, 90, 99), fc.constantFrom(...NUM)).map(([p, f]) => `p${p}(${f})`),
);

const pipeArb: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc.constantFrom(...BY).map((f) => ` | count by ${f}`),
  fc.constantFrom(...BY).map((f) => ` | count by ${f} | sort count desc | limit 3`),
  fc
    .tuple(fc.uniqueArray(aggArb, { minLength: 1, maxLength: 3 }), fc.option(fc.constantFrom(...BY)))
    .map(([aggs, by]) => ` | stats ${aggs.join(', ')}${by ? ` by ${by}` : ''}`),
  fc
    .tuple(fc.constantFrom('1m', '5m', '7m', '1h'), fc.option(fc.constantFrom('level', 'service', 'user')))
    .map(([iv, by]) => ` | timechart ${iv} count${by ? ` by ${by}` : ''}`),
  fc.tuple(fc.integer({ min: 1, max: 4 }), fc.constantFrom(...BY)).map(([n, f]) => ` | top ${n} ${f}`),
  fc
    .tuple(
      fc.constantFrom(...BY, 'latency_ms', 'ts', 'message'),
      fc.constantFrom('asc', 'desc'),
      fc.integer({ min: 0, max: 8 }),
    )
    .map(([f, d, n]) => ` | sort ${f} ${d} | limit ${n}`),
  fc.integer({ min: 1, max: 6 }).map((n) => ` | limit ${n} | sort status desc, code`),
  fc.constant(' | fields ts, level, user, status | sort user | limit 5'),
  fc.constant(' | limit 5 | count by service | stats sum(count) as total, max(count)'),
  fc.constant(' | count by level, service | fields level, count | sort count desc, level | limit 4'),
  fc.constant(' | count by user | stats avg(count), min(user), max(count) by user'),
  fc.constant(
    ' | timechart 5m count, max(latency_ms) by level | stats max(count) by level | sort level desc',
  ),
  fc.constant(' | fields service, code | count by code | top 2 code'),
);

const queryArb = fc.tuple(expr, pipeArb).map(([e, p]) => `${e}${p}`);

/** Numbers rounded to 9 significant digits: float sums may differ in their last bits. */
function normalise(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? v : Number(v.toPrecision(9));
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalise(x)]));
  return v;
}

describe('evaluateQuery', () => {
  it('gives the same rows as the store for random events and queries', async () => {
    await fc.assert(
      fc.asyncProperty(
        eventsArb,
        fc.array(queryArb, { minLength: 1, maxLength: 6 }),
        fc.option(fc.tuple(fc.integer({ min: 0, max: 3600 }), fc.integer({ min: 0, max: 3600 }))),
        async (events, queries, range) => {
          const store = await openDuckDbStore({ path: ':memory:' });
          try {
            await store.append(events);
            const opts = range ? { fromUs: T0 + range[0] * 1e6, toUs: T0 + range[1] * 1e6 } : {};
            for (const q of queries) {
              const ast = parseQuery(q);
              const want = evaluateQuery(ast, events, opts);
              const plan = planQuery(ast, duckdbDialect, opts);
              const got = await store.query(plan, { range: plan.range });
              expect(got.columns, q).toEqual(want.columns);
              expect(normalise(got.rows), q).toEqual(normalise(want.rows));
            }
          } finally {
            await store.close();
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('answers the documented examples', () => {
    const ev = (n: number, level: Level, message: string, fields: Fields): LogEvent => ({
      ts: T0 + n,
      level,
      service: 'api',
      host: null,
      source: 's',
      generation: 'g',
      offset: n,
      format: 'json',
      message,
      fields,
      raw: message,
    });
    const events = [
      ev(1, 'error', 'connection reset by peer', { status: 502, path: '/api/a', latency_ms: 10 }),
      ev(2, 'fatal', 'timedout', { status: 503, path: '/health', latency_ms: 30 }),
      ev(3, 'info', 'ok', { status: 200, path: '/api/a', latency_ms: 20 }),
    ];
    const rows = (q: string) => evaluateQuery(parseQuery(q), events).rows;
    expect(rows('level:error service:api "connection reset"').map((r) => r.message)).toEqual([
      'connection reset by peer',
    ]);
    expect(rows('status>=500 -path:/health path:/api/*').map((r) => r.status)).toEqual([502]);
    expect(rows('(level:error OR level:fatal) message:/time(d)?out/').map((r) => r.message)).toEqual([
      'timedout',
    ]);
    expect(rows('status>=500 | count by path | sort count desc | limit 10')).toEqual([
      { path: '/api/a', count: 1 },
      { path: '/health', count: 1 },
    ]);
    expect(rows('* | timechart 5m count by level')).toEqual([
      { time: '2026-01-02T03:00:00.000000Z', level: 'error', count: 1 },
      { time: '2026-01-02T03:00:00.000000Z', level: 'fatal', count: 1 },
      { time: '2026-01-02T03:00:00.000000Z', level: 'info', count: 1 },
    ]);
    expect(rows('latency_ms>0 | stats p50(latency_ms), p99(latency_ms), count by service')).toEqual([
      // quantile_cont's arithmetic, 20 * (1 - f) + 30 * f, is an ulp short of 29.8 here.
      { service: 'api', 'p50(latency_ms)': 20, 'p99(latency_ms)': 29.799999999999997, count: 3 },
    ]);
  });

  it('matches single events as the search does', () => {
    fc.assert(
      fc.property(eventsArb, expr, (events, q) => {
        const ast = parseQuery(q);
        const match = eventMatcher(ast);
        const want = evaluateQuery(ast, events, { limit: 1000 }).rows.map((r) => r.raw);
        const got = events.filter(match).map((e) => e.raw);
        expect(got.sort(), q).toEqual(want.sort());
      }),
      { numRuns: 200 },
    );
    const ast = parseQuery('level:error -path:/health | count');
    const base: LogEvent = {
      ts: T0,
      level: 'error',
      service: null,
      host: null,
      source: 's',
      generation: 'g',
      offset: 0,
      format: 'json',
      message: 'm',
      fields: {},
      raw: 'm',
    };
    expect(eventMatcher(ast)(base)).toBe(true);
    expect(eventMatcher(ast)({ ...base, fields: { path: '/health' } })).toBe(false);
    expect(eventMatcher(ast)({ ...base, level: 'info' })).toBe(false);
    expect(eventMatcher(parseQuery('*'))(base)).toBe(true);
  });
});
