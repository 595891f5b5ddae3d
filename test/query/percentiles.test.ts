import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fields, LogEvent } from '../../src/core/events.js';
import type { StorageEngine } from '../../src/core/storage.js';
import { evaluateQuery, type PlanOptions, parseQuery, planQuery } from '../../src/query/index.js';
import { duckdbDialect } from '../../src/storage/duckdb/dialect.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';
import { testEvent } from '../helpers/events.js';

const T0 = Date.UTC(2026, 0, 2, 3, 0, 0) * 1000;
const MODES = ['counts', 'auto', 'sort'] as const;

function event(i: number, service: string | null, fields: Fields, dtUs = i * 1_000_000): LogEvent {
  return testEvent(i, { ts: T0 + dtUs, service, fields });
}

/** Runs `q` on the store in every percentile mode; each answer must equal the evaluator's, bit for bit. */
async function expectAllModes(
  store: StorageEngine,
  events: LogEvent[],
  q: string,
  opts: PlanOptions = {},
): Promise<Record<string, unknown>[]> {
  const ast = parseQuery(q);
  const want = evaluateQuery(ast, events, opts);
  for (const percentiles of MODES) {
    const plan = planQuery(ast, duckdbDialect, { ...opts, percentiles });
    const got = await store.query(plan, { range: plan.range });
    expect(got.columns, `${q} (${percentiles})`).toEqual(want.columns);
    expect(got.rows, `${q} (${percentiles})`).toEqual(want.rows);
  }
  return want.rows;
}

/** quantile_cont's interpolation, which lo + (hi - lo) * f can miss by an ulp. */
function lerp(lo: number, hi: number, f: number): number {
  return lo * (1 - f) + hi * f;
}

// Few distinct values, so that ties are common; no -0, whose sign neither side promises to keep.
const valueArb = fc.oneof(
  fc.constantFrom(0, 1, 2.5, 12.5, 250.25, 1177.83, 0.1, 0.2, 0.3, 1e6, 123456.789),
  fc.integer({ min: 0, max: 20 }),
  fc.double({ min: 0, max: 1e7, noNaN: true }).filter((x) => !Object.is(x, -0)),
);

const eventsArb = fc
  .array(
    fc.record({
      service: fc.constantFrom('a', 'b', 'c', null),
      path: fc.constantFrom('/x', '/y'),
      latency: fc.option(valueArb, { freq: 4 }),
      code: fc.option(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom('7', 'x')), { freq: 2 }),
      dt: fc.integer({ min: 0, max: 3_600_000_000 }),
    }),
    { maxLength: 40 },
  )
  .map((list) =>
    list.map((e, i) => {
      const fields: Fields = { path: e.path };
      if (e.latency !== null) fields.latency_ms = e.latency;
      if (e.code !== null) fields.code = e.code;
      return event(i, e.service, fields, e.dt);
    }),
  );

const pctArb = fc.constantFrom('p1', 'p0.1', 'p25', 'p33.3', 'p50', 'p75', 'p90', 'p99', 'p99.9', 'p99.99');

const queryArb = fc.oneof(
  pctArb.map((p) => `* | stats ${p}(latency_ms)`),
  pctArb.map((p) => `* | stats ${p}(latency_ms), count by service`),
  fc
    .tuple(pctArb, pctArb)
    .map(([p, r]) => `* | stats count, ${p}(latency_ms), ${r}(latency_ms) as x by service`),
  fc
    .tuple(pctArb, pctArb)
    .map(([p, r]) => `* | stats ${p}(latency_ms), ${r}(latency_ms) as y by service, path`),
  pctArb.map((p) => `latency_ms>1 | stats ${p}(latency_ms) by service`),
  pctArb.map((p) => `* | stats ${p}(code), count by service`),
  pctArb.map((p) => `* | timechart 10m ${p}(latency_ms), count by service`),
  pctArb.map((p) => `* | count by service, path | stats ${p}(count) by service`),
  pctArb.map((p) => `* | stats ${p}(latency_ms) by service | sort ${p}(latency_ms) desc | limit 2`),
);

describe('percentiles from value counts', () => {
  it('equal the evaluator (and quantile_cont) for random events and quantiles', async () => {
    await fc.assert(
      fc.asyncProperty(
        eventsArb,
        fc.array(queryArb, { minLength: 1, maxLength: 4 }),
        async (events, queries) => {
          const store = await openDuckDbStore({ path: ':memory:' });
          try {
            await store.append(events);
            for (const q of queries) await expectAllModes(store, events, q);
          } finally {
            await store.close();
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  describe('edge cases', () => {
    let store: StorageEngine;
    const events = [
      // api: one value; web: ties around the ranks p99 interpolates between; db: a single row;
      // auth: rows without the value only; null service: two values far apart.
      event(0, 'api', { latency_ms: 7.5 }),
      ...[1, 1, 1, 2, 2, 2, 2, 3, 3, 1000].map((v, i) => event(1 + i, 'web', { latency_ms: v })),
      event(11, 'db', { latency_ms: 42 }),
      event(12, 'auth', {}),
      event(13, 'auth', { latency_ms: 'slow' }),
      event(14, null, { latency_ms: 0.1 }),
      event(15, null, { latency_ms: 1e9 }),
      event(16, 'web', {}),
    ];

    beforeAll(async () => {
      store = await openDuckDbStore({ path: ':memory:' });
      await store.append(events);
    });
    afterAll(() => store.close());

    it('interpolate like quantile_cont at both ends and in between', async () => {
      const rows = await expectAllModes(
        store,
        events,
        '* | stats p1(latency_ms), p50(latency_ms), p99(latency_ms), p99.9(latency_ms), count by service',
      );
      const web = rows.find((r) => r.service === 'web')!;
      // 10 values: positions 0.09, 4.5, 8.91, 8.991 (0-based) between the sorted values.
      expect(web).toEqual({
        service: 'web',
        'p1(latency_ms)': 1,
        'p50(latency_ms)': 2,
        'p99(latency_ms)': lerp(3, 1000, 9 * 0.99 - 8),
        'p99.9(latency_ms)': lerp(3, 1000, 9 * 0.999 - 8),
        count: 11,
      });
      expect(rows.find((r) => r.service === 'api')).toMatchObject({
        'p1(latency_ms)': 7.5,
        'p99.9(latency_ms)': 7.5,
      });
      expect(rows.find((r) => r.service === 'db')).toMatchObject({ 'p50(latency_ms)': 42, count: 1 });
      expect(rows.find((r) => r.service === 'auth')).toMatchObject({ 'p50(latency_ms)': null, count: 2 });
      expect(rows.find((r) => r.service === null)).toMatchObject({
        'p50(latency_ms)': lerp(0.1, 1e9, 0.5),
      });
    });

    it('give one row over no rows without by, and none with it', async () => {
      expect(await expectAllModes(store, events, 'service:none | stats p99(latency_ms), count')).toEqual([
        { 'p99(latency_ms)': null, count: 0 },
      ]);
      expect(await expectAllModes(store, events, 'service:none | stats p99(latency_ms) by service')).toEqual(
        [],
      );
      await expectAllModes(store, events, '* | stats p50(latency_ms)');
      await expectAllModes(store, events, '* | stats p50(latency_ms)', { fromUs: T0 + 5e6, toUs: T0 + 12e6 });
    });
  });

  it('in auto, count values that repeat and leave values that do not to the engine', async () => {
    // A quantile that answers -1 shows which way each group went: counted groups never reach it.
    const marked = {
      ...duckdbDialect,
      quantile: (expr: string) => `(CASE WHEN count(${expr}) > 0 THEN -1 END)`,
    };
    const run = async (values: (i: number) => number) => {
      const store = await openDuckDbStore({ path: ':memory:' });
      try {
        const events = Array.from({ length: 4096 }, (_, i) =>
          event(i, i % 2 ? 'a' : 'b', { latency_ms: values(i) }),
        );
        await store.append(events);
        const ast = parseQuery('* | stats p99(latency_ms), count by service');
        const plan = planQuery(ast, marked, { percentiles: 'auto' });
        const got = await store.query(plan, { range: plan.range });
        return { got: got.rows, want: evaluateQuery(ast, events).rows };
      } finally {
        await store.close();
      }
    };
    const repeating = await run((i) => (i * 7) % 50);
    expect(repeating.got).toEqual(repeating.want);
    const distinct = await run((i) => i / 3);
    expect(distinct.got.map((r) => r['p99(latency_ms)'])).toEqual([-1, -1]);
  });
});
