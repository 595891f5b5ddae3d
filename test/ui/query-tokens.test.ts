import { describe, expect, it } from 'vitest';
import { markTerms, querySpans, searchTerms } from '../../ui/src/lib/query-tokens.js';

const kinds = (q: string) =>
  querySpans(q)
    .filter((s) => s.kind !== 'space')
    .map((s) => [s.kind, q.slice(s.start, s.end)]);

describe('the query highlighter', () => {
  it('colours fields, operators, values, phrases, keywords and pipes', () => {
    expect(kinds('level:error AND -status>=500 "timed out" | count by service')).toEqual([
      ['field', 'level'],
      ['op', ':'],
      ['value', 'error'],
      ['keyword', 'AND'],
      ['minus', '-'],
      ['field', 'status'],
      ['op', '>='],
      ['value', '500'],
      ['phrase', '"timed out"'],
      ['pipe', '|'],
      ['command', 'count'],
      ['word', 'by'],
      ['word', 'service'],
    ]);
  });

  it('covers the text exactly, half-typed input included, and never throws', () => {
    for (const q of [
      '',
      'a',
      'msg:"unterminated',
      '/re(gex',
      '(a OR b',
      'x | ',
      'field:',
      '"a\\"b" c',
      '|||',
      '-',
    ]) {
      const spans = querySpans(q);
      let at = 0;
      for (const s of spans) {
        expect(s.start).toBe(at);
        expect(s.end).toBeGreaterThan(s.start);
        at = s.end;
      }
      expect(at).toBe(q.length);
    }
  });

  it('takes the free terms to highlight, not negated ones nor the pipe part', () => {
    expect(searchTerms('Timeout "connection reset" -debug NOT noisy user* | count by timeout2')).toEqual([
      'timeout',
      'connection reset',
      'user',
    ]);
    expect(searchTerms('level:error')).toEqual(['error']);
  });

  it('cuts text into marked and plain pieces, case-insensitively', () => {
    expect(markTerms('Connection TIMEOUT after timeout', ['timeout'])).toEqual([
      { text: 'Connection ', hit: false },
      { text: 'TIMEOUT', hit: true },
      { text: ' after ', hit: false },
      { text: 'timeout', hit: true },
    ]);
    expect(markTerms('<script>alert(1)</script>', [])).toEqual([
      { text: '<script>alert(1)</script>', hit: false },
    ]);
  });

  it('bounds the pieces of a long line', () => {
    const pieces = markTerms('a '.repeat(100_000), ['a'], 50);
    expect(pieces.length).toBeLessThanOrEqual(52);
    expect(pieces.map((p) => p.text).join('')).toBe('a '.repeat(100_000));
  });
});
