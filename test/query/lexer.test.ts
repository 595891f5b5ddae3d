import { describe, expect, it } from 'vitest';
import { QueryError } from '../../src/core/errors.js';
import { isFieldName, tokenize } from '../../src/query/lexer.js';

/** Token kinds and texts, without the final eof. */
function toks(text: string): string[] {
  return tokenize(text)
    .filter((t) => t.kind !== 'eof')
    .map((t) => (t.kind === 'field' ? `field:${t.text}${t.op}` : `${t.kind}:${t.text}`));
}

function lexError(text: string): QueryError {
  try {
    tokenize(text);
  } catch (err) {
    if (err instanceof QueryError) return err;
    throw err;
  }
  throw new Error(`no error for ${text}`);
}

describe('tokenize', () => {
  it('reads words, phrases and keywords', () => {
    expect(toks('timeout "connection reset" AND x OR y NOT z')).toEqual([
      'word:timeout',
      'phrase:connection reset',
      'and:AND',
      'word:x',
      'or:OR',
      'word:y',
      'not:NOT',
      'word:z',
    ]);
  });

  it('keeps lowercase and/or/not as words', () => {
    expect(toks('a and b or not c')).toEqual([
      'word:a',
      'word:and',
      'word:b',
      'word:or',
      'word:not',
      'word:c',
    ]);
  });

  it('reads field operators and adjacent values', () => {
    expect(toks('status:500 latency_ms>=250ms bytes<10KB a>1 b<=2 @ts.x-y:v')).toEqual([
      'field:status:',
      'word:500',
      'field:latency_ms>=',
      'word:250ms',
      'field:bytes<',
      'word:10KB',
      'field:a>',
      'word:1',
      'field:b<=',
      'word:2',
      'field:@ts.x-y:',
      'word:v',
    ]);
  });

  it('reads spaces around an operator, and = and != as other log tools do (#29)', () => {
    const t = tokenize('status: 500');
    expect(t.map((x) => x.kind)).toEqual(['field', 'word', 'eof']);
    // The field token reaches its value, so the value counts as written right after it.
    expect(t[0].end).toBe(8);
    expect(t[1].pos).toBe(8);
    expect(toks('status >= 500')).toEqual(['field:status>=', 'word:500']);
    expect(toks('status=500 level = error')).toEqual([
      'field:status:',
      'word:500',
      'field:level:',
      'word:error',
    ]);
    expect(toks('status!=200')).toEqual(['minus:-', 'field:status:', 'word:200']);
    expect(toks('status != 200')).toEqual(['minus:-', 'field:status:', 'word:200']);
    // No value after the spaces: the operator stays alone and the parser says so.
    expect(toks('status: OR a')).toEqual(['field:status:', 'or:OR', 'word:a']);
    expect(toks('status==500 status =500 level =error')).toEqual([
      'field:status:',
      'word:500',
      'field:status:',
      'word:500',
      'field:level:',
      'word:error',
    ]);
    expect(toks('status >=500 status <= -1')).toEqual([
      'field:status>=',
      'word:500',
      'field:status<=',
      'word:-1',
    ]);
    // Text after a space that only starts with `<` or `>` stays text: people search for `<none>`.
    expect(toks('error <none>')).toEqual(['word:error', 'word:<none>']);
    // A lone operator that is not one (`=>`) leaves the words as text.
    expect(toks('a => b')).toEqual(['word:a', 'word:=>', 'word:b']);
  });

  it('keeps parentheses glued to a word in the word (#29)', () => {
    expect(toks('service:sshd(pam_unix)')).toEqual(['field:service:', 'word:sshd(pam_unix)']);
    expect(toks('sshd(pam_unix) x')).toEqual(['word:sshd(pam_unix)', 'word:x']);
    expect(toks('(a OR b(c))')).toEqual(['lparen:(', 'word:a', 'or:OR', 'word:b(c)', 'rparen:)']);
    expect(toks('NOT(a)')).toEqual(['not:NOT', 'lparen:(', 'word:a', 'rparen:)']);
    expect(toks('f(x y)')).toEqual(['word:f', 'lparen:(', 'word:x', 'word:y', 'rparen:)']);
  });

  it('keeps colons inside values', () => {
    expect(toks('ts>2026-01-02T03:04:05Z')).toEqual(['field:ts>', 'word:2026-01-02T03:04:05Z']);
  });

  it('treats words whose prefix is no field name as text', () => {
    expect(toks('12:30:45 <init> foo/bar:baz')).toEqual(['word:12:30:45', 'word:<init>', 'word:foo/bar:baz']);
  });

  it('reads quoted values and phrase escapes', () => {
    expect(toks('msg:"a \\"b\\" \\\\ c"')).toEqual(['field:msg:', 'phrase:a "b" \\ c']);
  });

  it('reads minus, star and parentheses', () => {
    expect(toks('-path:/health (a OR -b) * path:*')).toEqual([
      'minus:-',
      'field:path:',
      'word:/health',
      'lparen:(',
      'word:a',
      'or:OR',
      'minus:-',
      'word:b',
      'rparen:)',
      'star:*',
      'field:path:',
      'star:*',
    ]);
  });

  it('reads a lone minus as a word', () => {
    expect(toks('a - b')).toEqual(['word:a', 'word:-', 'word:b']);
  });

  it('tells regexes from paths', () => {
    expect(toks('path:/api/* /time(d)?out/ message:/a\\/b/i /health path:/x/')).toEqual([
      'field:path:',
      'word:/api/*',
      'regex:time(d)?out',
      'field:message:',
      'regex:a/b',
      'word:/health',
      'field:path:',
      'regex:x',
    ]);
    const re = tokenize('/x/i')[0];
    expect(re.flags).toBe('i');
  });

  it('switches to pipe tokens after the first |', () => {
    expect(toks('a | stats p50(latency_ms), count by service | fields a,b')).toEqual([
      'word:a',
      'pipe:|',
      'word:stats',
      'word:p50',
      'lparen:(',
      'word:latency_ms',
      'rparen:)',
      'comma:,',
      'word:count',
      'word:by',
      'word:service',
      'pipe:|',
      'word:fields',
      'word:a',
      'comma:,',
      'word:b',
    ]);
  });

  it('does not start pipes inside phrases or regexes', () => {
    expect(toks('"a | b" /x|y/')).toEqual(['phrase:a | b', 'regex:x|y']);
  });

  it('records positions', () => {
    const t = tokenize('  level:error  "x"');
    expect(t.map((x) => [x.kind, x.pos, x.end])).toEqual([
      ['field', 2, 8],
      ['word', 8, 13],
      ['phrase', 15, 18],
      ['eof', 18, 18],
    ]);
  });

  it('fails on an unterminated phrase, at its opening quote', () => {
    const e = lexError('level:error "connection reset');
    expect(e.position).toBe(12);
    expect(e.message).toBe('unterminated phrase: expected a closing " at position 13');
  });

  it('reads slashes followed by other letters as words, not regexes', () => {
    expect(toks('/abc/g path:/health OR ts<1 path:/x')).toEqual([
      'word:/abc/g',
      'field:path:',
      'word:/health',
      'or:OR',
      'field:ts<',
      'word:1',
      'field:path:',
      'word:/x',
    ]);
  });
});

describe('isFieldName', () => {
  it('accepts letters, digits, _ . @ - and refuses the rest', () => {
    for (const ok of ['status', 'latency_ms', '@timestamp', 'http.status', 'a-b', '_x1']) {
      expect(isFieldName(ok)).toBe(true);
    }
    for (const bad of ['', '1a', '.a', '-a', 'a b', "a'", 'a"b', 'a;b', 'a$', 'a/b', 'a\\b', 'é']) {
      expect(isFieldName(bad)).toBe(false);
    }
  });
});
