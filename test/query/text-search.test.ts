import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/core/events.js';
import type { StorageEngine } from '../../src/core/storage.js';
import { evaluateQuery, parseQuery, planQuery } from '../../src/query/index.js';
import { caselessRun } from '../../src/query/plan/search.js';
import { duckdbDialect } from '../../src/storage/duckdb/dialect.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';
import { testEvent } from '../helpers/events.js';

const T0 = Date.UTC(2026, 0, 2) * 1000;

// Text with cased letters next to digits and punctuation, and characters whose case mappings are
// unusual (Kelvin sign, dotted capital I, sharp s, final sigma).
const PIECES = [
  'Needle',
  'nEEdle',
  '-7F3a',
  '9c',
  '7f3A9C',
  'req',
  '=',
  '42',
  ' ',
  '/',
  '_',
  'é',
  'É',
  'K',
  'İ',
  'ß',
  'Σ',
  'ς',
  'x',
  '.',
  '%',
  '"',
];
const text = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 8 }).map((a) => a.join(''));

function events(pairs: [string, string][]): LogEvent[] {
  return pairs.map(([message, raw], i) =>
    testEvent(i, { ts: T0 + i * 1_000_000, service: 'api', host: null, message, raw: `${raw} #${i}` }),
  );
}

/** A phrase query for `term`, quotes and backslashes escaped. */
const phrase = (term: string) => `"${term.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

describe('caselessRun', () => {
  it('finds the longest run of ASCII digits, punctuation and spaces, two characters or more', () => {
    expect(caselessRun('needle-7f3a9c')).toBe('-7');
    expect(caselessRun('user 42 failed')).toBe(' 42 ');
    expect(caselessRun('timeout')).toBeNull();
    expect(caselessRun('a1b2c')).toBeNull();
    expect(caselessRun('é-1é')).toBe('-1');
    expect(caselessRun('10.0.0.1')).toBe('10.0.0.1');
  });

  it('is used as a plain contains() before the lowercase search', () => {
    const p = planQuery(parseQuery('Needle-7F3a'), duckdbDialect);
    expect(p.sql).toContain(
      '((contains("message", ?) AND contains(lower("message"), ?)) OR (contains("raw", ?) AND contains(lower("raw"), ?)))',
    );
    // After the guard of rebuilt lines, which looks for the whole term (no separators in it).
    expect(p.params.slice(-4)).toEqual(['-7', 'needle-7f3a', '-7', 'needle-7f3a']);
  });
});

describe('free-text search against the reference evaluator', () => {
  let store: StorageEngine;
  beforeAll(async () => {
    store = await openDuckDbStore({ path: ':memory:' });
  });
  afterAll(() => store.close());

  it('matches the same events, terms with and without caseless runs', async () => {
    let batch = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(text, text), { minLength: 1, maxLength: 12 }),
        fc.array(fc.oneof(text, fc.constantFrom('needle-7f3a9c', 'ß-42', 'k 42', 'i̇-7')), {
          minLength: 1,
          maxLength: 4,
        }),
        async (pairs, terms) => {
          const evs = events(pairs).map((e) => ({ ...e, generation: `g${batch}` }));
          batch++;
          await store.append(evs);
          for (const term of terms) {
            for (const q of [phrase(term), `-${phrase(term)}`]) {
              const ast = parseQuery(`${q} generation:g${batch - 1}`);
              const plan = planQuery(ast, duckdbDialect, { limit: 1000 });
              const got = await store.query(plan, { range: plan.range });
              const want = evaluateQuery(ast, evs, { limit: 1000 });
              expect(
                got.rows.map((r) => r.raw),
                q,
              ).toEqual(want.rows.map((r) => r.raw));
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
