import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { regexProblem } from '../../src/query/regex-check.js';
import { openDuckDbStore } from '../../src/storage/duckdb/index.js';

describe('regexProblem', () => {
  it('accepts what both engines read alike', () => {
    for (const ok of [
      'time(d)?out',
      '^/api/v[0-9]+$',
      'a|b',
      '\\d{3}-\\w+',
      '[a-z\\]]',
      '\\x41',
      '\\x{41}',
      '\\.',
      '\\/',
      'a{2,5}',
      '\\bword\\b',
      '\\s\\S\\D\\W',
      '[^a]',
      '(?:x)',
    ]) {
      expect(regexProblem(ok), ok).toBeUndefined();
    }
  });

  it('refuses what RE2 would, with the offset', () => {
    const cases: [string, string, number][] = [
      ['a(?=b)', 'regex lookarounds like "(?="', 1],
      ['(?!b)', 'regex lookarounds like "(?!"', 0],
      ['x(?<=b)', 'regex lookarounds like "(?<="', 1],
      ['(?<!b)', 'regex lookarounds like "(?<!"', 0],
      ['(a)\\1', 'regex back-references are not supported', 3],
      ['(?<n>a)', 'named regex groups are not supported', 0],
      ['a\\k<n>', 'the regex escape "\\k" is not supported', 1],
      ['\\e', 'the regex escape "\\e" is not supported', 0],
      ['\\u0041', 'the regex escape "\\u" is not supported', 0],
      ['\\cA', 'the regex escape "\\c" is not supported', 0],
      ['\\p{L}', 'the regex escape "\\p" is not supported', 0],
      ['\\é', 'the regex escape "\\é" is not supported', 0],
      ['[\\b]', 'the regex escape "\\b" is not supported inside [...]', 1],
      ['\\xZZ', 'expected two hex digits after "\\x"', 0],
      ['x[]', 'empty regex character classes', 1],
      ['[^]', 'empty regex character classes', 0],
      ['a{1001}', 'regex repetition counts above 1000', 1],
      ['a{1,2000}', 'regex repetition counts above 1000', 1],
      ['a\\', 'invalid regex: a trailing', 1],
      ['a(', 'invalid regex: Unterminated group', -1],
      ['+', 'invalid regex: Nothing to repeat', -1],
    ];
    for (const [re, detail, index] of cases) {
      const p = regexProblem(re);
      expect(p, re).toBeDefined();
      expect(p!.detail.startsWith(detail), `${re}: ${p!.detail}`).toBe(true);
      expect(p!.index, re).toBe(index);
    }
  });

  it('lets through only regexes the store compiles', async () => {
    const store = await openDuckDbStore({ path: ':memory:' });
    const pieces = [
      'a',
      'é',
      '\\',
      '[',
      ']',
      '^',
      '$',
      '(',
      ')',
      '?',
      '*',
      '+',
      '{',
      '}',
      ',',
      '2',
      '1001',
      '|',
      '.',
      '-',
      '<',
      '=',
      '!',
      ':',
      'P',
      'd',
      'k',
      'x',
      'b',
      'e',
      'u',
      '/',
    ];
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 8 }).map((a) => a.join('')),
          async (re) => {
            if (regexProblem(re) !== undefined) return;
            await store.query({ sql: 'SELECT regexp_matches(?, ?) AS m', params: ['text', re] });
          },
        ),
        { numRuns: 3000 },
      );
    } finally {
      await store.close();
    }
  });
});
