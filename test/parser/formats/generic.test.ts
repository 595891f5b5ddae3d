import { describe, expect, it } from 'vitest';
import { parseGeneric } from '../../../src/parser/formats/generic.js';
import { ctx, us } from '../helpers.js';

const parse = (line: string) => parseGeneric(line, ctx);

describe('generic', () => {
  it('finds a stamp and a level in common layouts', () => {
    const cases: [string, number, string, string][] = [
      [
        '2026-11-27 12:00:00,123 [main] ERROR something broke',
        us('2026-11-27T12:00:00.123Z'),
        'error',
        'something broke',
      ],
      ['[2026-11-27T12:00:00Z] [warn] disk low', us('2026-11-27T12:00:00Z'), 'warn', 'disk low'],
      ['181127 12:00:00 [Note] mysqld: ready', us('2018-11-27T12:00:00Z'), 'info', 'mysqld: ready'],
      ['18/11/27 12:00:00 INFO spark: started', us('2018-11-27T12:00:00Z'), 'info', 'spark: started'],
      ['20261127-12:00:00:123 E/Camera: fail', us('2026-11-27T12:00:00.123Z'), 'error', 'Camera: fail'],
      ['11-27 11:00:00.500 W something', us('2026-11-27T11:00:00.500Z'), 'warn', 'something'],
      ['Nov 27 11:00:00 CRITICAL reactor melt', us('2026-11-27T11:00:00Z'), 'fatal', 'reactor melt'],
      ['1700000000 notice: ok', us('2023-11-14T22:13:20Z'), 'info', 'ok'],
      ['27-Nov-2026 12:00:00.250 SEVERE [main] x', us('2026-11-27T12:00:00.250Z'), 'error', '[main] x'],
      ['node-3 2026-11-27T12:00:00Z DEBUG tick', us('2026-11-27T12:00:00Z'), 'debug', 'tick'],
      ['2026-11-27 12:00:00 | INFO | step done', us('2026-11-27T12:00:00Z'), 'info', 'step done'],
    ];
    for (const [line, ts, level, message] of cases) {
      const p = parse(line);
      expect(p, line).not.toBeNull();
      expect([p?.format, p?.ts, p?.level, p?.message], line).toEqual(['generic', ts, level, message]);
    }
  });

  it('keeps a level without a time, and a time without a level', () => {
    expect(parse('ERROR: cannot open file')).toMatchObject({ level: 'error', message: 'cannot open file' });
    expect(parse('ERROR: x')?.ts).toBeNaN();
    expect(parse('2026-11-27T12:00:00Z something happened')).toMatchObject({
      level: 'unknown',
      message: 'something happened',
    });
  });

  it('keeps the raw level word when it differs', () => {
    expect(parse('2026-11-27 12:00:00 Warning x')?.fields).toEqual({ level_raw: 'Warning' });
    expect(parse('2026-11-27 12:00:00 warn x')?.fields).toEqual({});
  });

  it('returns null when there is neither time nor level', () => {
    for (const line of [
      'hello world',
      '',
      '   ',
      'I think so',
      'a b c d e f 2026-11-27T12:00:00Z',
      '12345 apples',
    ]) {
      expect(parse(line), line).toBeNull();
    }
  });
});
