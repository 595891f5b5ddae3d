import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { compilePatterns } from '../../src/parser/patterns.js';
import { ctx, us } from './helpers.js';

describe('user patterns', () => {
  it('turns grok captures into the event and typed fields', () => {
    const [f] = compilePatterns(
      [
        {
          name: 'shop',
          grok: '%{TIMESTAMP_ISO8601:timestamp} %{LOGLEVEL:level} \\[%{DATA:service}\\] %{ORDER:order} %{NUMBER:cents:int} %{NUMBER:ratio:float} %{WORD:ok} %{GREEDYDATA:message}',
          fields_types: { ok: 'bool' },
        },
      ],
      { ORDER: 'ord-[0-9]{6}' },
      [],
    );
    expect(f.id).toBe('shop');
    expect(
      f.parse('2026-11-27 12:00:00,5 Warning [cart] ord-123456 1299 0.5 true paid in full', ctx),
    ).toEqual({
      format: 'shop',
      ts: us('2026-11-27T12:00:00.500Z'),
      level: 'warn',
      message: 'paid in full',
      service: 'cart',
      host: null,
      fields: { level_raw: 'Warning', order: 'ord-123456', cents: 1299, ratio: 0.5, ok: true },
    });
    expect(f.parse('not a shop line', ctx)).toBeNull();
  });

  it('supports regex patterns with named groups, epoch times, and drops `-`', () => {
    const [f] = compilePatterns(
      [
        {
          name: 'legacy',
          regex: '^(?<ts>\\d{10}) (?<host>\\S+) (?<user>\\S+) (?<msg>.*)$',
          fields_types: {},
        },
      ],
      {},
      [],
    );
    const p = f.parse('1700000000 db-1 - vacuum done', ctx);
    expect(p).toMatchObject({
      ts: us('2023-11-14T22:13:20Z'),
      host: 'db-1',
      message: 'vacuum done',
      fields: {},
    });
  });

  it('uses the line as message when there is no message capture', () => {
    const [f] = compilePatterns([{ name: 'p', grok: '%{INT:n:int}' }], {}, []);
    expect(f.parse('42 and more', ctx)).toMatchObject({ message: '42 and more', fields: { n: 42 } });
  });

  it('rejects bad patterns, reserved and duplicate names with ConfigError', () => {
    const bad = (fn: () => unknown, msg: RegExp) => {
      expect(fn).toThrow(ConfigError);
      expect(fn).toThrow(msg);
    };
    bad(
      () => compilePatterns([{ name: 'x', regex: 'a(b' }], {}, []),
      /patterns\[0\]\.regex: pattern "x": invalid regular expression .* at position 2/,
    );
    bad(() => compilePatterns([{ name: 'x', regex: 'abc' }], {}, []), /no named groups/);
    bad(() => compilePatterns([{ name: 'json', grok: '%{INT:n}' }], {}, ['json']), /built-in format id/);
    bad(
      () =>
        compilePatterns(
          [
            { name: 'a', grok: '%{INT:n}' },
            { name: 'a', grok: '%{INT:n}' },
          ],
          {},
          [],
        ),
      /patterns\[1\]\.name: pattern "a" is defined twice/,
    );
    bad(
      () =>
        compilePatterns(
          [
            { name: 'ok', grok: '%{INT:n}' },
            { name: 'b', grok: '%{FOO}' },
          ],
          {},
          [],
        ),
      /patterns\[1\]\.grok/,
    );
  });
});
