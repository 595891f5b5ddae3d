/**
 * Free-text terms searched together (plan/text-any.ts): many text terms of an OR, and many negated
 * ones of an AND, plan to one condition whatever their number, and find what the reference
 * evaluator finds, in kept lines and in lines rebuilt from their columns. And a plan past the
 * size bounds (plan/limits.ts) is refused with a QueryError naming the bound.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryError } from '../../src/core/errors.js';
import type { LogEvent } from '../../src/core/events.js';
import type { StorageEngine } from '../../src/core/storage.js';
import { createParser } from '../../src/parser/index.js';
import { evaluateQuery, parseQuery, planQuery } from '../../src/query/index.js';
import { escapeRegex, TOGETHER_FROM } from '../../src/query/plan/text-any.js';
import { MAX_PLAN_PARAM_CHARS, MAX_PLAN_SQL_CHARS } from '../../src/query/planner.js';
import { duckdbDialect } from '../../src/storage/duckdb/dialect.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';
import { ACCESS_LINES } from '../helpers/access-lines.js';
import { tempDir } from '../helpers/cli.js';
import { testEvent } from '../helpers/events.js';

const T0 = Date.UTC(2026, 0, 2) * 1000;
const STORED_LINES = { ...duckdbDialect, rebuiltParts: undefined };

const words = (n: number, sep: string) => Array.from({ length: n }, (_, i) => `w${i}`).join(sep);
const occurrences = (text: string, part: string) => text.split(part).length - 1;
/** A phrase query for `term`, quotes and backslashes escaped. */
const phrase = (term: string) => `"${term.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

describe('free-text terms planned together', () => {
  it('plans many text terms of an OR as one search, however many', () => {
    for (const n of [TOGETHER_FROM, 100, 1000]) {
      const p = planQuery(parseQuery(words(n, ' OR ')), STORED_LINES);
      expect(occurrences(p.sql, 'regexp_matches(lower("message"), ?)')).toBe(1);
      expect(occurrences(p.sql, 'regexp_matches(lower("raw"), ?)')).toBe(1);
      expect(p.sql).not.toContain('contains(');
      expect(p.params).toEqual([words(n, '|'), words(n, '|')]);
    }
    const rebuilt = (n: number) => planQuery(parseQuery(`${words(n, ' OR ')} | count`), duckdbDialect).sql;
    expect(rebuilt(1000)).toBe(rebuilt(TOGETHER_FROM));
    // Fewer are searched one by one (contains() is cheaper than a regex).
    const few = planQuery(parseQuery(words(TOGETHER_FROM - 1, ' OR ')), STORED_LINES).sql;
    expect(occurrences(few, 'contains(lower("raw"), ?)')).toBe(TOGETHER_FROM - 1);
  });

  it('keeps other terms of the OR, and groups the negated text terms of an AND', () => {
    const more = words(TOGETHER_FROM - 3, ' OR ');
    const p = planQuery(parseQuery(`a OR status:500 OR "b c" OR (d OR e*f OR ${more})`), STORED_LINES);
    expect(p.sql).toContain('("status" = ?)');
    expect(occurrences(p.sql, 'regexp_matches(')).toBe(2);
    const alt = `a|b c|d|e(?s:.*)f|${words(TOGETHER_FROM - 3, '|')}`;
    expect(p.params).toEqual([alt, alt, 500]);
    const negated = Array.from({ length: TOGETHER_FROM }, (_, i) => `-"b ${i}"`).join(' ');
    const n = planQuery(parseQuery(`${negated} level:error`), STORED_LINES);
    expect(n.sql).toContain(
      'NOT coalesce((regexp_matches(lower("message"), ?) OR regexp_matches(lower("raw"), ?)), FALSE)',
    );
    expect(n.params[0]).toBe(Array.from({ length: TOGETHER_FROM }, (_, i) => `b ${i}`).join('|'));
    // Without letters, case does not matter: no lower(), as for one term.
    const digits = Array.from({ length: TOGETHER_FROM }, (_, i) => `"10.${i}"`).join(' OR ');
    expect(planQuery(parseQuery(digits), STORED_LINES).sql).toContain('regexp_matches("raw", ?)');
  });

  it('writes needles as literals', () => {
    expect(escapeRegex('a.b*c(d)[e]{f}|g?h+i^j$k\\l/m_n o')).toBe(
      'a\\.b\\*c\\(d\\)\\[e\\]\\{f\\}\\|g\\?h\\+i\\^j\\$k\\\\l\\/m_n o',
    );
    expect(escapeRegex('tab\there\u007f')).toBe('tab\\x{9}here\\x{7f}');
    expect(escapeRegex('café σ 😀')).toBe('café σ 😀');
  });
});

describe('the size of a plan', () => {
  it('refuses a plan past the SQL bound with a QueryError naming it', () => {
    const q = `${words(100, ' ')} | count`;
    expect(() => planQuery(parseQuery(q), duckdbDialect)).toThrow(QueryError);
    expect(() => planQuery(parseQuery(q), duckdbDialect)).toThrow(
      `over the query SQL limit of ${MAX_PLAN_SQL_CHARS.toLocaleString('en-US')}`,
    );
    // OR'd words are one condition: any number fits.
    expect(planQuery(parseQuery(`${words(10_000, ' OR ')} | count`), duckdbDialect).sql.length).toBeLessThan(
      1000,
    );
  });

  it('refuses a plan past the parameter bound', () => {
    const long = 'x'.repeat(MAX_PLAN_PARAM_CHARS / 2 + 1);
    expect(() => planQuery(parseQuery(`"${long}"`), STORED_LINES)).toThrow(
      `over the query parameter limit of ${MAX_PLAN_PARAM_CHARS.toLocaleString('en-US')}`,
    );
  });
});

// Text with cased letters, regex syntax, and characters whose case mappings are unusual.
const PIECES = [
  'Needle',
  'nEEdle',
  '-7F3a',
  '42',
  ' ',
  '.',
  '*',
  '(',
  ')',
  '[',
  '|',
  '?',
  '+',
  '$',
  '^',
  '{2}',
  '\\',
  '/',
  '_',
  '%',
  '"',
  '\t',
  'é',
  'K',
  'İ',
  'ß',
  'Σ',
];
const text = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 6 }).map((a) => a.join(''));
/** A term: a phrase of any text, or an unquoted word with a `*`. */
const term = fc.oneof(
  text.map(phrase),
  fc
    .tuple(fc.constantFrom('ne', 'NE', 'e', '7', 'dle', ''), fc.constantFrom('dle', 'F3', 'e', '2', ''))
    .filter(([a, b]) => a + b !== '')
    .map(([a, b]) => `${a}*${b}`),
);

function check(store: StorageEngine, events: LogEvent[], queries: string[], scope = '') {
  return Promise.all(
    queries.map(async (q) => {
      const ast = parseQuery(`(${q})${scope}`);
      const plan = planQuery(ast, duckdbDialect, { limit: 1000 });
      const got = await store.query(plan, { range: plan.range });
      const want = evaluateQuery(ast, events, { limit: 1000 });
      expect(
        got.rows.map((r) => r.raw),
        q,
      ).toEqual(want.rows.map((r) => r.raw));
    }),
  );
}

describe('free-text terms planned together, against the reference evaluator', () => {
  let store: StorageEngine;
  beforeAll(async () => {
    store = await openDuckDbStore({ path: ':memory:' });
  });
  afterAll(() => store.close());

  it('match the same events as the terms one by one', async () => {
    let batch = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(text, text), { minLength: 1, maxLength: 10 }),
        fc.array(term, { minLength: TOGETHER_FROM, maxLength: TOGETHER_FROM + 3 }),
        async (pairs, terms) => {
          const g = `g${batch++}`;
          const events = pairs.map(([message, raw], i) =>
            testEvent(i, { ts: T0 + i * 1_000_000, generation: g, message, raw: `${raw} #${i}` }),
          );
          await store.append(events);
          const negated = terms.map((t) => `-${t}`).join(' ');
          await check(store, events, [terms.join(' OR '), negated], ` generation:${g}`);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('free-text terms planned together, in lines rebuilt from their columns', () => {
  it('match what the reference evaluator finds in the lines', async () => {
    const parse = createParser({ format: 'auto' });
    const events = parse(
      ACCESS_LINES.map((line, i) => ({ source: 'a.log', generation: 'g', offset: i, line, received_at: T0 })),
    );
    const store = await openDuckDbStore({ path: join(tempDir('logpipe-text-any-'), 'logs.duckdb') });
    try {
      await store.append(events);
      // Pieces of one part, across separators, in the date, numbers, an absent part's dash, and
      // wildcard words; the rest of each group is words found nowhere.
      const pieces = [
        '"curl"',
        '"CURL/8"',
        '"\\"GET /a"',
        'jan',
        '"+0530"',
        '"503 -"',
        '404',
        'bob',
        '"x11; linux"',
        '"10.1.1.1"',
        '"02/jan/2026:03"',
        '"HTTP/1.1\\" 200"',
        '"/with space"',
        '"user name"',
        '"::1"',
        '" - "',
        '"-"',
        'c*l',
        '*bob*',
        'ht*p/2',
      ];
      const nowhere = Array.from({ length: TOGETHER_FROM }, (_, i) => `"nowhere ${i}"`);
      const sample = fc.sample(fc.shuffledSubarray(pieces, { minLength: 1, maxLength: 5 }), {
        numRuns: 40,
        seed: 5,
      });
      for (const picked of sample) {
        const terms = [...picked, ...nowhere].slice(0, Math.max(TOGETHER_FROM, picked.length));
        await check(store, events, [terms.join(' OR '), terms.map((t) => `-${t}`).join(' ')]);
      }
    } finally {
      await store.close();
    }
  });
});
