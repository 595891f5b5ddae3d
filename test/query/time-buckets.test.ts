import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TIME_BUCKET_ORIGIN_US } from '../../src/core/dialect.js';
import type { LogEvent } from '../../src/core/events.js';
import { evaluateQuery, parseQuery, planQuery } from '../../src/query/index.js';
import { duckdbDialect } from '../../src/storage/duckdb/dialect.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';
import { testEvent } from '../helpers/events.js';

const INTERVALS: [string, number][] = [
  ['1us', 1],
  ['999us', 999],
  ['1s', 1e6],
  ['7s', 7e6],
  ['1m', 6e7],
  ['7m', 42e7],
  ['1h', 36e8],
  ['1d', 864e8],
  ['7d', 6048e8],
  ['13w', 13 * 6048e8],
];

function event(i: number, ts: number, service: string): LogEvent {
  return testEvent(i, { ts, service });
}

const YEAR_US = 365.25 * 86_400_000_000;

describe('timechart buckets', () => {
  it('start where the evaluator (and time_bucket) start them, before the origin and the epoch too', async () => {
    // Times around the origin (2000-01-03), before 1970, far ahead, and on bucket edges ±1 µs; all
    // within 2^52 µs of the epoch (years 1827-2112), where the evaluator's doubles are exact.
    const tsArb = fc.oneof(
      fc.integer({ min: Math.round(-140 * YEAR_US), max: Math.round(140 * YEAR_US) }),
      fc
        .tuple(
          fc.integer({ min: -5000, max: 5000 }),
          fc.constantFrom(...INTERVALS),
          fc.constantFrom(-1, 0, 1),
        )
        .map(([k, [, iv], d]) => TIME_BUCKET_ORIGIN_US + k * iv + d)
        .filter((ts) => Math.abs(ts) < 2 ** 52),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(tsArb, fc.constantFrom('a', 'b')), { minLength: 1, maxLength: 30 }),
        fc.constantFrom(...INTERVALS),
        async (list, [iv]) => {
          const events = list.map(([ts, s], i) => event(i, ts, s));
          const store = await openDuckDbStore({ path: ':memory:' });
          try {
            await store.append(events);
            for (const q of [`* | timechart ${iv} count`, `* | timechart ${iv} count by service`]) {
              const ast = parseQuery(q);
              const plan = planQuery(ast, duckdbDialect);
              const got = await store.query(plan, { range: plan.range });
              expect(got.rows, q).toEqual(evaluateQuery(ast, events).rows);
            }
          } finally {
            await store.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
