import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { compileGrok, GROK_LIBRARY, namedGroups, regexErrorPosition } from '../../src/parser/grok.js';

const opts = { name: 'test', key: 'parse.patterns[0].grok' };
const match = (grok: string, line: string) => {
  const c = compileGrok(grok, opts);
  const m = c.regex.exec(line);
  if (!m?.groups) return null;
  const out: Record<string, string> = {};
  for (const [g, { field }] of c.captures) if (m.groups[g] !== undefined) out[field] = m.groups[g];
  return out;
};

describe('grok', () => {
  it('compiles every library pattern', () => {
    for (const name of Object.keys(GROK_LIBRARY)) {
      expect(() => compileGrok(`%{${name}}`, opts), name).not.toThrow();
    }
  });

  it('matches the standard patterns', () => {
    expect(match('%{IP:a} %{IP:b} %{IP:c}', '10.1.2.3 2001:db8::ff00:42:8329 ::1')).toEqual({
      a: '10.1.2.3',
      b: '2001:db8::ff00:42:8329',
      c: '::1',
    });
    expect(
      match(
        '%{TIMESTAMP_ISO8601:t} %{LOGLEVEL:l} %{GREEDYDATA:m}',
        '2026-11-27T12:00:00.123+01:00 WARN disk low',
      ),
    ).toEqual({ t: '2026-11-27T12:00:00.123+01:00', l: 'WARN', m: 'disk low' });
    expect(match('%{HTTPDATE:d}', '10/Oct/2000:13:55:36 -0700')).toEqual({ d: '10/Oct/2000:13:55:36 -0700' });
    expect(
      match('%{SYSLOGTIMESTAMP:d} %{HOSTNAME:h} %{SYSLOGPROG}:', 'Oct  1 22:14:15 web-1.lan su[42]:'),
    ).toEqual({
      d: 'Oct  1 22:14:15',
      h: 'web-1.lan',
      program: 'su',
      pid: '42',
    });
    expect(match('%{QUOTEDSTRING:q} %{UUID:u}', '"a \\"b\\"" 123e4567-e89b-12d3-a456-426614174000')).toEqual({
      q: '"a \\"b\\""',
      u: '123e4567-e89b-12d3-a456-426614174000',
    });
    expect(match('%{URIPATHPARAM:p} %{PATH:f}', '/a/b?x=1&y=2 /var/log/syslog')).toEqual({
      p: '/a/b?x=1&y=2',
      f: '/var/log/syslog',
    });
    expect(
      match('%{NUMBER:n} %{INT:i} %{WORD:w} %{NOTSPACE:s} %{DATA:d}!', '-1.5 +7 hello a/b=c some data!'),
    ).toEqual({
      n: '-1.5',
      i: '+7',
      w: 'hello',
      s: 'a/b=c',
      d: 'some data',
    });
    expect(
      match(
        '%{COMBINEDAPACHELOG}',
        '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2 "-" "ua"',
      ),
    ).toMatchObject({
      clientip: '1.2.3.4',
      verb: 'GET',
      response: '200',
      agent: '"ua"',
    });
  });

  it('anchors at the line start, maps [a][b] names to dotted fields, keeps types', () => {
    const c = compileGrok('%{WORD:[http][method]} %{NUMBER:bytes:int}', opts);
    expect(c.regex.test('x GET 1')).toBe(false);
    expect([...c.captures.values()]).toEqual([
      { field: 'http.method', type: undefined },
      { field: 'bytes', type: 'int' },
    ]);
  });

  it('uses user-defined patterns and inline named groups', () => {
    const c = compileGrok('%{ORDER:order} (?<rest>.*)', { ...opts, extra: { ORDER: 'ord-%{INT}' } });
    const m = c.regex.exec('ord-42 tail');
    expect(m?.groups?.g0).toBe('ord-42');
    expect(c.captures.get('rest')?.field).toBe('rest');
  });

  it('reports bad patterns as ConfigError with the position', () => {
    const err = (grok: string, extra?: Record<string, string>) => {
      try {
        compileGrok(grok, { ...opts, extra });
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(err('%{IP:a} %{NOPE:b}')).toBe(
      'config parse.patterns[0].grok: pattern "test": unknown grok pattern %{NOPE} at position 9',
    );
    expect(err('%{IP:a} %{NUMBER:n:long}')).toMatch(/unknown type "long".* at position 9$/);
    expect(err('%{IP:a} %{WORD')).toMatch(/unclosed or malformed .* at position 9$/);
    expect(err('%{A}', { A: '%{B}', B: '%{A}' })).toMatch(/refers to itself/);
    expect(err('%{IP:a} (unclosed')).toMatch(
      /invalid regular expression \(Unterminated group\) at position 9$/,
    );
    expect(err('%{IP:a} x)')).toMatch(/at position 10$/);
  });

  it('finds positions in plain regexes and names their groups', () => {
    expect(regexErrorPosition('abc')).toBe(-1);
    expect(regexErrorPosition('ab)c')).toBe(2);
    expect(regexErrorPosition('a(?<n>x')).toBe(1);
    expect(namedGroups('(?<a>x)\\(?<b>y)(?<c>z)')).toEqual(['a', 'c']);
  });
});
