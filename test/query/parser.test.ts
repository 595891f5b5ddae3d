import { describe, expect, it } from 'vitest';
import { QueryError } from '../../src/core/errors.js';
import type { Expr } from '../../src/query/ast.js';
import { parse } from '../../src/query/parser.js';

function filter(text: string): Expr {
  return parse(text).filter;
}

function parseError(text: string): QueryError {
  try {
    parse(text);
  } catch (err) {
    if (err instanceof QueryError) return err;
    throw err;
  }
  throw new Error(`no error for ${text}`);
}

const status = { name: 'status', column: 'integer', key: 'status' } as const;
const path = { name: 'path', column: 'string', key: 'path' } as const;

describe('parse: search terms', () => {
  it('reads an empty query and * as everything', () => {
    expect(filter('')).toEqual({ type: 'all', pos: 0 });
    expect(filter('  ')).toEqual({ type: 'all', pos: 0 });
    expect(filter('*')).toEqual({ type: 'all', pos: 0 });
  });

  it('reads free text, wildcards and phrases', () => {
    expect(filter('Timeout')).toEqual({ type: 'text', text: 'Timeout', wildcard: false, pos: 0 });
    expect(filter('time*out')).toEqual({ type: 'text', text: 'time*out', wildcard: true, pos: 0 });
    expect(filter('"a b*"')).toEqual({ type: 'text', text: 'a b*', wildcard: false, pos: 0 });
  });

  it('joins terms with an implicit AND', () => {
    expect(filter('a "b c"')).toEqual({
      type: 'and',
      pos: 0,
      exprs: [
        { type: 'text', text: 'a', wildcard: false, pos: 0 },
        { type: 'text', text: 'b c', wildcard: false, pos: 2 },
      ],
    });
  });

  it('binds AND tighter than OR, and parentheses tighter still', () => {
    const e = filter('a b OR c AND (d OR e)');
    expect(e.type).toBe('or');
    if (e.type !== 'or') return;
    expect(e.exprs.map((x) => x.type)).toEqual(['and', 'and']);
    const right = e.exprs[1];
    if (right.type !== 'and') return;
    expect(right.exprs[1].type).toBe('or');
  });

  it('reads - and NOT as negation', () => {
    expect(filter('-a')).toEqual({
      type: 'not',
      pos: 0,
      expr: { type: 'text', text: 'a', wildcard: false, pos: 1 },
    });
    expect(filter('NOT a')).toEqual({
      type: 'not',
      pos: 0,
      expr: { type: 'text', text: 'a', wildcard: false, pos: 4 },
    });
    expect(filter('-(a OR b)').type).toBe('not');
    expect(filter('NOT NOT a')).toMatchObject({ type: 'not', expr: { type: 'not' } });
  });

  it('reads regexes on the message', () => {
    expect(filter('/time(d)?out/i')).toEqual({
      type: 'regex',
      field: null,
      pattern: 'time(d)?out',
      ignoreCase: true,
      pos: 0,
    });
  });
});

describe('parse: field terms', () => {
  it('reads string matches, exact and with wildcards', () => {
    expect(filter('path:/api/*')).toEqual({
      type: 'match',
      field: path,
      value: '/api/*',
      number: null,
      wildcard: true,
      pos: 0,
    });
    expect(filter('path:"/api/*"')).toEqual({
      type: 'match',
      field: path,
      value: '/api/*',
      number: null,
      wildcard: false,
      pos: 0,
    });
    expect(filter('service:API')).toMatchObject({ value: 'API', wildcard: false });
  });

  it('normalises level values', () => {
    expect(filter('level:ERROR')).toMatchObject({ type: 'match', value: 'error' });
    expect(filter('level:warning')).toMatchObject({ value: 'warn' });
    expect(filter('level:Other')).toMatchObject({ value: 'other' });
    expect(filter('level:e*')).toMatchObject({ value: 'e*', wildcard: true });
    expect(filter('level:E*')).toMatchObject({ value: 'e*', wildcard: true });
  });

  it('reads numbers for numeric columns, with units', () => {
    expect(filter('status:500')).toEqual({
      type: 'match',
      field: status,
      value: '500',
      number: 500,
      wildcard: false,
      pos: 0,
    });
    expect(filter('status:5*')).toMatchObject({ type: 'match', number: null, wildcard: true });
    expect(filter('bytes:1KB')).toMatchObject({ number: 1024 });
    expect(filter('latency_ms:1.5s')).toMatchObject({ number: 1500 });
  });

  it('reads JSON fields, with the fields. prefix forcing one', () => {
    expect(filter('user:bob')).toMatchObject({
      field: { name: 'user', column: null, key: 'user' },
      value: 'bob',
      number: null,
    });
    expect(filter('code:42')).toMatchObject({
      field: { column: null, key: 'code' },
      value: '42',
      number: 42,
    });
    expect(filter('fields.status:x')).toMatchObject({
      field: { name: 'fields.status', column: null, key: 'status' },
    });
    expect(filter('http.method:GET')).toMatchObject({ field: { column: null, key: 'http.method' } });
    expect(filter('build:5m')).toMatchObject({ value: '5m', number: null });
    expect(filter('wait_s:5m')).toMatchObject({ number: 300 });
  });

  it('reads exists, field regexes and comparisons', () => {
    expect(filter('trace_id:*')).toEqual({
      type: 'exists',
      field: { name: 'trace_id', column: 'string', key: 'trace_id' },
      pos: 0,
    });
    expect(filter('message:/time(d)?out/')).toMatchObject({
      type: 'regex',
      field: { name: 'message' },
      pattern: 'time(d)?out',
      ignoreCase: false,
    });
    expect(filter('status>=500')).toEqual({ type: 'compare', field: status, op: '>=', value: 500, pos: 0 });
    expect(filter('status<400')).toMatchObject({ op: '<', value: 400 });
    expect(filter('latency_ms>250ms')).toMatchObject({ op: '>', value: 250 });
    expect(filter('latency_ms>1m')).toMatchObject({ value: 60000 });
    expect(filter('duration_us<=2ms')).toMatchObject({ value: 2000 });
    expect(filter('bytes>10KB')).toMatchObject({ value: 10240 });
    expect(filter('bytes>1.5mb')).toMatchObject({ value: 1.5 * 1024 * 1024 });
    expect(filter('size>-3')).toMatchObject({ value: -3 });
  });

  it('reads field:>value as a comparison', () => {
    expect(filter('status:>=500')).toEqual({ type: 'compare', field: status, op: '>=', value: 500, pos: 0 });
    expect(filter('latency_ms:<1s')).toMatchObject({ type: 'compare', op: '<', value: 1000 });
    expect(filter('ts:>2026-01-02')).toMatchObject({ type: 'compare', op: '>', value: 1767312000000000 });
    expect(parseError('status:>=').detail).toBe('expected a value after "status:>="');
    expect(parseError('status:>=').position).toBe(9);
    expect(parseError('status:>x').position).toBe(8);
    expect(parseError('path:>x').detail).toBe('"path" is text: > compares numbers and times');
  });

  it('reads times for ts', () => {
    expect(filter('ts>=2026-01-02T03:04:05.5Z')).toMatchObject({ type: 'compare', value: 1767323045500000 });
    expect(filter('ts<2026-01-02')).toMatchObject({ value: 1767312000000000 });
    expect(filter('ts:"2026-01-02 03:04:05Z"')).toMatchObject({ type: 'match', number: 1767323045000000 });
    const before = Date.now() * 1000;
    const e = filter('ts>15m');
    expect(e.type === 'compare' && Math.abs(e.value - (before - 900e6)) < 60e6).toBe(true);
  });
});

describe('parse: pipes', () => {
  it('reads count [by …]', () => {
    expect(parse('status>=500 | count by path').stages).toEqual([
      {
        type: 'stats',
        aggs: [{ fn: 'count', field: null, name: 'count' }],
        by: [{ kind: 'field', field: path }],
        pos: 14,
      },
    ]);
    expect(parse('| count as n').stages[0]).toMatchObject({ aggs: [{ name: 'n' }], by: [] });
  });

  it('reads stats with every aggregate, aliases and by', () => {
    const s = parse(
      '* | stats count, count(path), sum(bytes), avg(latency_ms) as avg_ms, min(ts), max(status), distinct(client_ip), p99.9(latency_ms) by service, host',
    ).stages[0];
    expect(s.type).toBe('stats');
    if (s.type !== 'stats') return;
    expect(s.aggs.map((a) => [a.fn, a.name])).toEqual([
      ['count', 'count'],
      ['count', 'count(path)'],
      ['sum', 'sum(bytes)'],
      ['avg', 'avg_ms'],
      ['min', 'min(ts)'],
      ['max', 'max(status)'],
      ['distinct', 'distinct(client_ip)'],
      ['percentile', 'p99.9(latency_ms)'],
    ]);
    // The double nearest to 0.999 (the engine's reading of it), not 99.9 / 100.
    expect(s.aggs[7].quantile).toBe(0.999);
    expect(s.by.map((b) => (b.kind === 'field' ? b.field.name : b.name))).toEqual(['service', 'host']);
  });

  it('reads timechart, top, sort, limit and fields', () => {
    expect(parse('* | timechart 5m count by level').stages[0]).toMatchObject({
      type: 'timechart',
      intervalUs: 300_000_000,
      aggs: [{ fn: 'count' }],
      by: [{ kind: 'field', field: { name: 'level' } }],
    });
    expect(parse('* | top 5 path').stages[0]).toMatchObject({ type: 'top', n: 5, field: { kind: 'field' } });
    expect(parse('* | top path').stages[0]).toMatchObject({ type: 'top', n: 10 });
    expect(parse('* | sort status desc, path').stages[0]).toMatchObject({
      type: 'sort',
      keys: [
        { column: { kind: 'field', field: { name: 'status' } }, desc: true },
        { column: { kind: 'field', field: { name: 'path' } }, desc: false },
      ],
    });
    expect(parse('* | limit 0').stages[0]).toEqual({ type: 'limit', n: 0, pos: 4 });
    expect(parse('* | fields ts,message, user').stages[0]).toMatchObject({
      type: 'fields',
      columns: [{}, {}, { kind: 'field', field: { column: null } }],
    });
  });

  it('takes min and max of text and times, and numbers of JSON fields and outputs', () => {
    expect(() => parse('* | stats min(path), max(ts), min(user), max(code)')).not.toThrow();
    expect(() => parse('* | count by user | stats avg(count), sum(user)')).not.toThrow();
    expect(() => parse('* | stats max(code) as m | stats avg(m)')).not.toThrow();
  });

  it('names output columns after an aggregation', () => {
    const st = parse('x | count by path | sort count desc | limit 10').stages;
    expect(st[1]).toMatchObject({
      type: 'sort',
      keys: [{ column: { kind: 'output', name: 'count' }, desc: true }],
    });
    const p = parse('x | stats p50(latency_ms) by service | sort p50(latency_ms) desc').stages;
    expect(p[1]).toMatchObject({ keys: [{ column: { kind: 'output', name: 'p50(latency_ms)' } }] });
    expect(parse('x | fields path, status | count by status').stages[1]).toMatchObject({
      by: [{ kind: 'output', name: 'status' }],
    });
  });
});

describe('parse: errors name what was expected, and where', () => {
  const cases: [string, number, string][] = [
    ['status:', 7, 'expected a value after "status:"'],
    ['status: OR a', 7, 'expected a value after "status:"'],
    ['latency_ms>', 11, 'expected a value after "latency_ms>"'],
    ['status:abc', 7, 'expected a number after "status:" (like 500, 250ms, 10KB), got "abc"'],
    ['status>=x', 8, 'expected a number after "status>="'],
    ['path>5', 0, '"path" is text: > compares numbers and times'],
    ['duration>5s', 9, 'a duration needs a field named with its unit'],
    ['ts>yesterday', 3, 'expected a time after "ts>"'],
    ['ts:*x', 3, '"ts" is a time: wildcards do not apply'],
    ['status>*', 7, 'expected a number or a time after "status>"'],
    ['(a OR b', 0, 'this "(" is not closed: expected ")" before end of query'],
    ['a)', 1, 'unexpected ")": no "(" to close'],
    ['()', 1, 'expected a term inside "(...)"'],
    ['a OR', 4, 'expected a term after OR'],
    ['OR a', 0, 'expected a term before OR'],
    ['a AND', 5, 'expected a term after AND'],
    ['AND a', 0, 'expected a term before AND'],
    ['NOT', 3, 'expected a term after NOT'],
    ['a NOT )', 6, 'expected a term after NOT'],
    ['/(?=x)/', 1, 'regex lookarounds like "(?=" are not supported'],
    ['/(a)\\1/', 4, 'regex back-references are not supported'],
    ['/a(/', 0, 'invalid regex'],
    ['"abc', 0, 'unterminated phrase'],
    ['a |', 3, 'expected a command after "|"'],
    [
      'a | frobnicate',
      4,
      'unknown command "frobnicate": expected count, stats, timechart, top, sort, limit or fields',
    ],
    ['a | count by', 12, 'expected a field after "by"'],
    ['a | count by path extra', 18, 'unexpected "extra" after count'],
    ['a | stats', 9, 'expected an aggregate'],
    [
      'a | stats median(x)',
      10,
      'expected an aggregate (count, sum, avg, min, max, distinct or pNN, like p99(latency_ms)), got "median"',
    ],
    ['a | stats avg', 13, 'expected "(" and a field after avg'],
    ['a | stats avg(path)', 10, 'avg needs numbers; "path" is text'],
    ['a | stats sum(ts)', 10, 'sum needs numbers; "ts" is a time'],
    ['a | count by path | stats avg(path)', 26, 'avg needs numbers; "path" is text'],
    ['a | timechart 1m count | stats p50(time)', 31, 'p50 needs numbers; "time" is a time'],
    ['a | stats min(ts) as first | stats sum(first)', 35, 'sum needs numbers; "first" is a time'],
    ['a | stats avg(x', 15, 'expected ")" to close "avg("'],
    ['a | stats p100(x)', 10, 'expected an aggregate'],
    ['a | stats p0(x)', 10, 'a percentile must be between p0 and p100'],
    ['a | stats count, count', 4, '"count" appears twice in the result'],
    ['a | stats count as', 18, 'expected a name after "as"'],
    ['a | timechart count', 14, 'expected an interval after timechart, like 5m or 1h'],
    ['a | count | timechart 5m count', 12, 'timechart needs events'],
    ['a | top', 7, 'expected a field after top'],
    ['a | top 5 count', 8, 'top gives a "count" column of its own'],
    ['a | sort', 8, 'expected a field after sort'],
    ['a | limit', 9, 'expected a whole number after limit'],
    ['a | limit -1', 10, 'expected a whole number after limit'],
    ['a | limit 1.5', 10, 'expected a whole number after limit'],
    ['a | count by path | sort status', 25, 'unknown column "status": the previous stage gives path, count'],
    ['a | fields a, a', 4, '"a" is listed twice'],
    ['a | fields "x y"', 11, 'invalid field name "x y"'],
    ['a | sort 1x', 9, 'invalid field name "1x"'],
  ];
  for (const [text, pos, msg] of cases) {
    it(`${text} → ${msg}`, () => {
      const e = parseError(text);
      expect(e.detail.startsWith(msg) || e.detail.includes(msg)).toBe(true);
      expect(e.position).toBe(pos);
      expect(e.query).toBe(text);
    });
  }

  it('refuses nesting deeper than 64 levels instead of exhausting the stack', () => {
    expect(filter(`${'('.repeat(60)}a${')'.repeat(60)}`)).toMatchObject({ type: 'text', text: 'a' });
    expect(parseError(`${'('.repeat(5000)}a${')'.repeat(5000)}`).detail).toBe(
      'the query nests deeper than 64 levels',
    );
    expect(parseError(`${'-'.repeat(100)}a`).position).toBe(64);
  });

  it('says the position counted from 1 in the message', () => {
    expect(parseError('status:').message).toBe('expected a value after "status:" at position 8');
  });
});
